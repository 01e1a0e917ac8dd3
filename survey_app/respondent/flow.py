"""Who is answering what: the survey, questionnaire and draft behind a personal code or an open link.

A :class:`Flow` is loaded at the start of every respondent request, whichever of the two URL shapes was used
(``/s/<code>/...`` or ``/o/<slug>/<unit_code>/...``), so that every view below is written once for both.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from flask import session
from sqlalchemy import inspect

from questionnaires.model import Questionnaire, Section
from survey_app.models import Draft, Survey
from survey_app.services import drafts, invitations, questionnaire_versions
from survey_app.services.errors import AlreadySubmitted

SESSION_TOKENS = "open_survey_tokens"
# Open surveys this browser has submitted: only their ids, which every respondent's cookie holds alike.
SESSION_SUBMITTED = "open_surveys_submitted"


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

    @property
    def survey_key(self) -> str:
        """The survey's id as the session cookie keys it; read from the identity map, so no query after a commit."""
        return str(inspect(self.survey).identity[0])


def load_flow(where: dict[str, str]) -> Flow:
    """The flow for the URL's arguments; raises the services' domain errors (code unknown, survey closed...)."""
    if "code" in where:
        return _closed_flow(where)
    return _open_flow(where)


def _closed_flow(where: dict[str, str]) -> Flow:
    invitation = invitations.find_invitation(where["code"])  # with survey, version and draft: one query
    draft = drafts.open_for_invitation(invitation)  # refuses revoked, used, closed and not-yet-open
    return Flow(where, invitation.survey, questionnaire_versions.questionnaire_for(invitation.survey), draft)


def _open_flow(where: dict[str, str]) -> Flow:
    """Survey, unit and this browser's draft come in one query; a submitted survey is told from the cookie alone."""
    survey, unit, found = drafts.find_for_link(where["slug"], where["unit_code"], session.get(SESSION_TOKENS) or {})
    if str(survey.id) in (session.get(SESSION_SUBMITTED) or ()):
        raise AlreadySubmitted()
    try:
        draft = drafts.open_for_session(survey, unit, session_token(survey), found=found)
    except AlreadySubmitted:  # a token kept by a request that raced the submit, or a cookie restored from before
        forget_token(str(survey.id))
        raise
    return Flow(where, survey, questionnaire_versions.questionnaire_for(survey), draft)


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


def forget_token(survey_key: str) -> None:
    """After an open survey is submitted: drop the browser's token and keep only that this survey was answered.

    The token's hash is in the ``spent_session`` row written with the response; kept in the cookie, it would let
    whoever holds the browser join the two (see the anonymity guarantee). The flag is enough to say "already
    submitted"; a cookie restored from before the submit still meets the ``spent_session`` row.
    """
    tokens = dict(session.get(SESSION_TOKENS) or {})
    tokens.pop(survey_key, None)
    session[SESSION_TOKENS] = tokens
    submitted = list(session.get(SESSION_SUBMITTED) or [])
    if survey_key not in submitted:
        session[SESSION_SUBMITTED] = [*submitted, survey_key]


def after_submit(flow: Flow) -> None:
    """What the browser keeps once ``flow``'s draft has become a response (or was found already submitted)."""
    if not flow.resumes_with_code:
        forget_token(flow.survey_key)
