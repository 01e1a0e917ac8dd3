"""Who is answering what: the survey, questionnaire and draft behind a personal code or an open link.

A :class:`Flow` is loaded at the start of every respondent request, whichever of the two URL shapes was used
(``/s/<code>/...`` or ``/o/<slug>/<unit_code>/...``), so that every view below is written once for both.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from flask import session
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from questionnaires.model import Questionnaire, Section
from survey_app.extensions import db
from survey_app.models import Draft, Invitation, Survey, Unit
from survey_app.services import drafts, invitations, surveys
from survey_app.services.errors import CodeNotFound

SESSION_TOKENS = "open_survey_tokens"


@dataclass
class Flow:
    """The loaded context of one respondent request; ``where`` rebuilds its URLs with ``url_for``."""

    where: dict[str, str]
    survey: Survey
    questionnaire: Questionnaire
    draft: Draft

    @property
    def answers(self) -> dict[str, Any]:
        return dict(self.draft.answers or {})

    @property
    def sections(self) -> tuple[Section, ...]:
        return self.questionnaire.sections

    @property
    def resumes_with_code(self) -> bool:
        return "code" in self.where


def load_flow(where: dict[str, str]) -> Flow:
    """The flow for the URL's arguments; raises the services' domain errors (code unknown, survey closed...)."""
    if "code" in where:
        return _closed_flow(where)
    return _open_flow(where)


def _closed_flow(where: dict[str, str]) -> Flow:
    invitation = _invitation_with_survey_and_draft(where["code"])
    draft = drafts.open_for_invitation(invitation)  # refuses revoked, used, closed and not-yet-open
    return Flow(where, invitation.survey, surveys.questionnaire_for(invitation.survey), draft)


def _invitation_with_survey_and_draft(code: str) -> Invitation:
    """Like ``invitations.find_invitation``, in one query with what every page needs (survey, version, draft):
    one statement per page instead of three."""
    if not invitations.is_well_formed(code):
        raise CodeNotFound()
    invitation = db.session.scalar(
        select(Invitation)
        .options(joinedload(Invitation.survey), joinedload(Invitation.draft))
        .where(Invitation.code_hash == invitations.hash_code(code))
    )
    if invitation is None:
        raise CodeNotFound()
    return invitation


def _open_flow(where: dict[str, str]) -> Flow:
    survey = db.session.scalar(select(Survey).where(Survey.slug == where["slug"]))
    unit = db.session.scalar(select(Unit).where(Unit.code == where["unit_code"]))
    if survey is None or unit is None:
        raise CodeNotFound()
    draft = drafts.open_for_session(survey, unit, session_token(survey))
    return Flow(where, survey, surveys.questionnaire_for(survey), draft)


def session_token(survey: Survey) -> str:
    """This browser's random token for an open survey, kept in the signed session cookie (one response each)."""
    tokens = dict(session.get(SESSION_TOKENS) or {})
    token = tokens.get(str(survey.id))
    if not token:
        token = secrets.token_urlsafe(24)
        tokens[str(survey.id)] = token
        session[SESSION_TOKENS] = tokens
        session.permanent = True
    return token
