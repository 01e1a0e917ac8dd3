"""Respondent groups: the groups a questionnaire's methodology names (leaders, civil servants, citizens...)."""

from __future__ import annotations

from sqlalchemy import select

from questionnaires.model import Questionnaire
from survey_app.extensions import db
from survey_app.models import RespondentGroup
from survey_app.services.errors import OperatorError


def get_group(code: str) -> RespondentGroup:
    """The respondent group with ``code``, or an :class:`OperatorError` naming it."""
    group = db.session.scalar(select(RespondentGroup).where(RespondentGroup.code == code))
    if group is None:
        raise OperatorError(f"no respondent group has the code {code!r} (groups come from published methodologies)")
    return group


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
