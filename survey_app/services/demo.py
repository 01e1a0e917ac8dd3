"""The demo: Hải Phòng with a few units, the PAR forms by invitation and SIPAS by open link, ready to answer.

Running it again changes no unit or survey. Codes are reused: the codes file of the previous run is read
back and every code still usable (issued or started) is kept; only missing ones are issued. (The database
keeps hashes only, so a code can never be reprinted from it.)
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from questionnaires.model import Questionnaire
from survey_app.extensions import db
from survey_app.links import open_link, personal_link
from survey_app.models import Invitation, Survey, Unit
from survey_app.services import invitation_status, invitations
from survey_app.services.questionnaire_versions import publish_questionnaire
from survey_app.services.surveys import create_survey
from survey_app.services.units import save_units

CODES_PER_UNIT_AND_GROUP = 2
OPEN_QUOTA_PER_UNIT = 30

DEMO_UNITS = [
    ("HP", "Thành phố Hải Phòng", "Hai Phong City", "province", ""),
    ("HP-SNV", "Sở Nội vụ", "Department of Home Affairs", "department", "HP"),
    ("HP-STP", "Sở Tư pháp", "Department of Justice", "department", "HP"),
    ("HP-SKHDT", "Sở Kế hoạch và Đầu tư", "Department of Planning and Investment", "department", "HP"),
    ("HP-HB", "Quận Hồng Bàng", "Hong Bang District", "district", "HP"),
    ("HP-LC", "Quận Lê Chân", "Le Chan District", "district", "HP"),
    ("HP-TN", "Huyện Thủy Nguyên", "Thuy Nguyen District", "district", "HP"),
    ("HP-HB-HVT", "Phường Hoàng Văn Thụ", "Hoang Van Thu Ward", "commune", "HP-HB"),
    ("HP-TN-LL", "Xã Lập Lễ", "Lap Le Commune", "commune", "HP-TN"),
]


@dataclass(frozen=True)
class DemoLink:
    survey: str
    unit: str
    group: str
    code: str
    url: str


def demo_slug(questionnaire: Questionnaire) -> str:
    return questionnaire.id.replace("_", "-")


def load_demo(questionnaires: list[Questionnaire], base_url: str, previous: list[dict[str, str]]) -> list[DemoLink]:
    """Load the demo into the database (flushes) and return its links; ``previous`` is the last codes file."""
    save_units([dict(zip(("code", "name_vi", "name_en", "level", "parent_code"), u, strict=True))
                for u in DEMO_UNITS], "demo units")
    order = [u[0] for u in DEMO_UNITS]
    units = sorted(db.session.scalars(select(Unit).where(Unit.code.in_(order))), key=lambda u: order.index(u.code))
    links: list[DemoLink] = []
    for questionnaire in questionnaires:
        is_open = questionnaire.id.startswith("sipas")
        if not (is_open or questionnaire.id.startswith("par_")):
            continue
        survey = _demo_survey(questionnaire, is_open, units)
        if is_open:
            links += [DemoLink(survey.slug, u.code, survey.groups[0].code, "", open_link(base_url, survey.slug, u.code))
                      for u in units if u.level != "province"]
        else:
            links += _invitation_links(survey, units, questionnaire, base_url, previous)
    return _interleaved(links)


def _interleaved(links: list[DemoLink]) -> list[DemoLink]:
    """Round-robin over surveys, so the first lines of the file (printed by ``serve``) show every survey."""
    rank: dict[str, int] = {}
    numbered = []
    for link in links:
        rank[link.survey] = rank.get(link.survey, -1) + 1
        numbered.append((rank[link.survey], link))
    return [link for _, link in sorted(numbered, key=lambda pair: pair[0])]


def _demo_survey(questionnaire: Questionnaire, open_link: bool, units: list[Unit]) -> Survey:
    slug = demo_slug(questionnaire)
    version = publish_questionnaire(questionnaire)
    existing = db.session.scalar(select(Survey).where(Survey.slug == slug))
    if existing is not None:
        return existing
    now = datetime.now(UTC).replace(microsecond=0)
    quotas = {u.code: OPEN_QUOTA_PER_UNIT for u in units if u.level != "province"} if open_link else None
    return create_survey(
        slug=slug, title=questionnaire.title.get("vi"), questionnaire_version=version, anonymous=True,
        access="open" if open_link else "invitation", groups=list(questionnaire.respondent_groups),
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=365), quotas=quotas,
    )


def _invitation_links(survey, units, questionnaire, base_url, previous) -> list[DemoLink]:
    methodology = questionnaire.methodology
    links = []
    for group in survey.groups:
        declared = methodology.group(group.code) if methodology else None
        level = declared.unit_level if declared else None
        for unit in (u for u in units if level in (None, u.level)):
            kept = _still_usable(previous, survey.slug, unit.code, group.code)
            fresh = CODES_PER_UNIT_AND_GROUP - len(kept)
            codes = kept + (invitations.issue(survey, unit, group, fresh) if fresh > 0 else [])
            links += [DemoLink(survey.slug, unit.code, group.code, c, personal_link(base_url, c)) for c in codes]
    return links


def _still_usable(previous: list[dict[str, str]], slug: str, unit: str, group: str) -> list[str]:
    codes = [r["code"] for r in previous if (r.get("survey"), r.get("unit"), r.get("group")) == (slug, unit, group)
             and r.get("code")]
    if not codes:
        return []
    hashes = {invitations.hash_code(c): c for c in codes}
    found = db.session.scalars(select(Invitation).where(Invitation.code_hash.in_(hashes))).all()
    usable = {i.code_hash for i in invitation_status.not_completed(found)}
    return [c for h, c in hashes.items() if h in usable][:CODES_PER_UNIT_AND_GROUP]


def read_previous_codes(path: Path) -> list[dict[str, str]]:
    """The rows of an earlier codes file, or nothing when there is none or it cannot be read."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            return list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error):
        return []
