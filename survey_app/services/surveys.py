"""Publishing questionnaire versions and opening surveys for a period."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import select

from questionnaires.model import Questionnaire
from survey_app.extensions import db
from survey_app.models import QuestionnaireVersion, RespondentGroup, Survey, SurveyQuota, Unit
from survey_app.services.errors import OperatorError, SurveyClosed, SurveyNotOpenYet

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{1,79}")


class SurveyState(StrEnum):
    NOT_OPEN_YET = "not_open_yet"
    OPEN = "open"
    CLOSED = "closed"


def as_utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime; SQLite returns stored UTC times without their zone."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def survey_state(survey: Survey, now: datetime | None = None) -> SurveyState:
    """Whether ``survey`` is open at ``now`` (default: the current time); closes_at itself is closed."""
    now = as_utc(now or datetime.now(UTC))
    if now < as_utc(survey.opens_at):
        return SurveyState.NOT_OPEN_YET
    if now >= as_utc(survey.closes_at):
        return SurveyState.CLOSED
    return SurveyState.OPEN


def ensure_open(survey: Survey, now: datetime | None = None) -> None:
    """Raise :class:`SurveyNotOpenYet` or :class:`SurveyClosed` unless ``survey`` is open at ``now``."""
    state = survey_state(survey, now)
    if state is SurveyState.NOT_OPEN_YET:
        raise SurveyNotOpenYet(as_utc(survey.opens_at))
    if state is SurveyState.CLOSED:
        raise SurveyClosed()


# --- questionnaire versions -------------------------------------------------------------------------------

_parsed: dict[str, Questionnaire] = {}
_parsed_lock = threading.Lock()


def publish_questionnaire(questionnaire: Questionnaire) -> QuestionnaireVersion:
    """Store ``questionnaire`` immutably (its snapshot and checksum); reuse the row if already published.

    Respondents read Vietnamese: a questionnaire imported in another language is refused until it is translated.
    """
    from questionnaires.build import thaw
    from questionnaires.loader import snapshot
    from questionnaires.schema_check import missing_vietnamese

    untranslated = missing_vietnamese(thaw(questionnaire.raw))
    if untranslated:
        more = f" and {len(untranslated) - 3} more" if len(untranslated) > 3 else ""
        raise OperatorError(f"{questionnaire.key} cannot be published: texts without Vietnamese (vi) at "
                            f"{', '.join(untranslated[:3])}{more}; translate them first")

    existing = db.session.scalar(
        select(QuestionnaireVersion).where(QuestionnaireVersion.checksum == questionnaire.checksum)
    )
    if existing is not None:
        sync_groups(questionnaire)
        return existing
    clash = db.session.scalar(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id,
            QuestionnaireVersion.version == questionnaire.version,
        )
    )
    if clash is not None:
        raise OperatorError(
            f"{questionnaire.key} was already published with different content (checksum {clash.checksum[:12]}); "
            "a published version never changes: give the new file a new version"
        )
    row = QuestionnaireVersion(
        questionnaire_id=questionnaire.id,
        version=questionnaire.version,
        checksum=questionnaire.checksum,
        definition=snapshot(questionnaire),
    )
    db.session.add(row)
    sync_groups(questionnaire)
    db.session.flush()
    return row


def questionnaire_for(survey: Survey) -> Questionnaire:
    """The survey's questionnaire, parsed once per process and then shared (it is immutable)."""
    return questionnaire_of_version(survey.questionnaire_version)


def questionnaire_of_version(version: QuestionnaireVersion) -> Questionnaire:
    """The frozen questionnaire of a stored version, from an in-process cache keyed by checksum."""
    cached = _parsed.get(version.checksum)
    if cached is not None:
        return cached
    from questionnaires.loader import from_snapshot

    with _parsed_lock:
        cached = _parsed.get(version.checksum)
        if cached is None:
            cached = _parsed[version.checksum] = from_snapshot(version.definition)
    return cached


def unit_level_problem(questionnaire: Questionnaire, unit: Unit, group: RespondentGroup) -> str | None:
    """What is wrong when the methodology makes ``group`` answer at another level than ``unit``'s (department
    leaders for departments...), else None."""
    methodology = questionnaire.methodology
    declared = methodology.group(group.code) if methodology else None
    if declared is not None and declared.unit_level and declared.unit_level != unit.level:
        return f"group {group.code!r} answers for a {declared.unit_level}, but {unit.code!r} is a {unit.level}"
    return None


def sync_groups(questionnaire: Questionnaire) -> list[RespondentGroup]:
    """Create (or rename) the respondent groups the questionnaire and its methodology name."""
    declared = {}
    if questionnaire.methodology is not None:
        declared = {g.id: g.name for g in questionnaire.methodology.respondent_groups}
    codes = list(dict.fromkeys([*questionnaire.respondent_groups, *declared]))
    existing = {g.code: g for g in db.session.scalars(select(RespondentGroup).where(RespondentGroup.code.in_(codes)))}
    for code in codes:
        group = existing.get(code) or RespondentGroup(code=code, name_vi=code)
        name = declared.get(code)
        if name is not None:
            group.name_vi, group.name_en = name.get("vi"), name.translations.get("en")
        db.session.add(group)
        existing[code] = group
    return [existing[c] for c in codes]


# --- surveys ----------------------------------------------------------------------------------------------


def create_survey(
    *,
    slug: str,
    title: str,
    questionnaire_version: QuestionnaireVersion,
    anonymous: bool,
    access: str,
    groups: Iterable[str],
    opens_at: datetime,
    closes_at: datetime,
    quotas: Mapping[str, int] | None = None,
) -> Survey:
    """Open ``questionnaire_version`` to ``groups`` (codes) between two aware datetimes.

    ``quotas`` (unit code -> number of responses) only make sense for open-link surveys.
    """
    _check_survey_fields(slug, access, opens_at, closes_at, quotas)
    questionnaire = questionnaire_of_version(questionnaire_version)
    group_rows = [get_group(code) for code in dict.fromkeys(groups)]
    if not group_rows:
        raise OperatorError("a survey needs at least one respondent group")
    allowed = set(questionnaire.respondent_groups)
    stray = [g.code for g in group_rows if allowed and g.code not in allowed]
    if stray:
        raise OperatorError(
            f"{questionnaire.key} is not meant for group(s) {', '.join(stray)} (it is for {', '.join(sorted(allowed))})"
        )
    survey = Survey(
        slug=slug,
        title=title,
        questionnaire_version=questionnaire_version,
        anonymous=anonymous,
        access=access,
        opens_at=as_utc(opens_at),
        closes_at=as_utc(closes_at),
        groups=group_rows,
    )
    survey.quotas = [SurveyQuota(unit=get_unit(code), quota=n) for code, n in (quotas or {}).items()]
    db.session.add(survey)
    db.session.flush()
    return survey


def _check_survey_fields(slug, access, opens_at, closes_at, quotas) -> None:
    if not SLUG.fullmatch(slug or ""):
        raise OperatorError(f"slug {slug!r} must be 2-80 characters of a-z, 0-9 and '-', starting with a letter/digit")
    if db.session.scalar(select(Survey.id).where(Survey.slug == slug)) is not None:
        raise OperatorError(f"a survey with slug {slug!r} already exists")
    if access not in ("invitation", "open"):
        raise OperatorError(f"access must be 'invitation' or 'open', got {access!r}")
    if opens_at.tzinfo is None or closes_at.tzinfo is None:
        raise OperatorError("opening and closing times need a time zone (e.g. 2026-12-01T08:00+07:00)")
    if closes_at <= opens_at:
        raise OperatorError("the survey must close after it opens")
    if quotas and access != "open":
        raise OperatorError("quotas apply only to open-link surveys (--access open)")
    bad = [f"{code}={n}" for code, n in (quotas or {}).items() if not isinstance(n, int) or n < 0]
    if bad:
        raise OperatorError(f"quotas must be whole numbers >= 0: {', '.join(bad)}")


def get_survey(slug: str) -> Survey:
    """The survey with ``slug``, or an :class:`OperatorError` naming it."""
    survey = db.session.scalar(select(Survey).where(Survey.slug == slug))
    if survey is None:
        raise OperatorError(f"no survey has the slug {slug!r}")
    return survey


def get_unit(code: str) -> Unit:
    """The unit with ``code``, or an :class:`OperatorError` naming it."""
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise OperatorError(f"no unit has the code {code!r} (load the sample frame with 'parsurvey units load')")
    return unit


def get_group(code: str) -> RespondentGroup:
    """The respondent group with ``code``, or an :class:`OperatorError` naming it."""
    group = db.session.scalar(select(RespondentGroup).where(RespondentGroup.code == code))
    if group is None:
        raise OperatorError(f"no respondent group has the code {code!r} (groups come from published methodologies)")
    return group
