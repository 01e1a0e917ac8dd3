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
from survey_app.i18n import current_language
from survey_app.models import Draft, Survey, Unit
from survey_app.respondent import heading
from survey_app.services import drafts, invitations, openings, questionnaire_versions, resume_codes
from survey_app.services.errors import AlreadySubmitted

SESSION_TOKENS = "open_survey_tokens"
# Open surveys this browser has submitted: only their ids, which every respondent's cookie holds alike.
SESSION_SUBMITTED = "open_surveys_submitted"
# The resume code this browser was given per open survey, so "save and continue later" shows the same one again.
SESSION_RESUME_CODES = "open_survey_resume_codes"


@dataclass
class Flow:
    """The loaded context of one respondent request; ``where`` rebuilds its URLs with ``url_for``."""

    where: dict[str, str]
    survey: Survey
    questionnaire: Questionnaire
    draft: Draft
    unit: Unit | None = None  # open links only: the unit being rated

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
    flow = _closed_flow(where) if "code" in where else _open_flow(where)
    show_heading(flow.survey, flow.unit)
    return flow


def show_heading(survey: Survey, unit: Unit | None = None) -> None:
    """Name ``survey`` (and for open links the rated ``unit``) at the top of this request's page."""
    heading.show(heading.heading_for(survey, unit, current_language()))


def _closed_flow(where: dict[str, str]) -> Flow:
    invitation = invitations.find_invitation(where["code"])  # with survey, version and draft: one query
    draft = drafts.open_for_invitation(invitation)  # refuses revoked, used, closed and not-yet-open
    openings.record_opening(invitation)  # once, before this request writes anything: its own transaction
    return Flow(where, invitation.survey, questionnaire_versions.questionnaire_for(invitation.survey), draft)


def _open_flow(where: dict[str, str]) -> Flow:
    """Survey, unit and this browser's draft come in one query; a submitted survey is told from the cookie alone."""
    tokens = session.get(SESSION_TOKENS) or {}
    survey, unit, found, spent = drafts.find_for_link(where["slug"], where["unit_code"], tokens)
    if str(survey.id) in (session.get(SESSION_SUBMITTED) or ()):
        raise AlreadySubmitted()
    try:
        if spent:
            raise AlreadySubmitted()
        draft = drafts.open_for_session(survey, unit, session_token(survey), found=found,
                                        searched=str(survey.id) in tokens)
    except AlreadySubmitted:  # a token kept by a request that raced the submit, or a cookie restored from before
        forget_token(str(survey.id))
        raise
    return Flow(where, survey, questionnaire_versions.questionnaire_for(survey), draft, unit)


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
    codes = dict(session.get(SESSION_RESUME_CODES) or {})
    if codes.pop(survey_key, None) is not None:
        session[SESSION_RESUME_CODES] = codes
    submitted = list(session.get(SESSION_SUBMITTED) or [])
    if survey_key not in submitted:
        session[SESSION_SUBMITTED] = [*submitted, survey_key]


def after_submit(flow: Flow) -> None:
    """What the browser keeps once ``flow``'s draft has become a response (or was found already submitted)."""
    if not flow.resumes_with_code:
        forget_token(flow.survey_key)


def resume_code(flow: Flow) -> str | None:
    """The resume code of ``flow``'s open-link draft, given on first need and then shown again from the cookie."""
    if flow.resumes_with_code:
        return None
    codes = dict(session.get(SESSION_RESUME_CODES) or {})
    code = codes.get(flow.survey_key)
    if code is None or flow.draft.resume_code_hash != invitations.hash_code(code):
        code = resume_codes.give(flow.draft)
        codes[flow.survey_key] = code
        session[SESSION_RESUME_CODES] = codes
    return code


def adopt_resume_code(typed: str) -> dict[str, str]:
    """Continue, in this browser, the open-link draft a typed resume code belongs to; returns its link's ``where``.

    Raises :class:`CodeNotFound` or :class:`SurveyClosed` (the code expires with the survey).
    """
    draft = resume_codes.find_draft(typed)
    key = str(draft.survey_id)
    tokens = dict(session.get(SESSION_TOKENS) or {})
    tokens[key] = secrets.token_urlsafe(24)
    session[SESSION_TOKENS] = tokens
    session[SESSION_SUBMITTED] = [k for k in (session.get(SESSION_SUBMITTED) or []) if k != key]
    session[SESSION_RESUME_CODES] = dict(session.get(SESSION_RESUME_CODES) or {}) | {key: _grouped(typed)}
    session.permanent = True
    resume_codes.move_to_session(draft, tokens[key])
    return {"slug": draft.survey.slug, "unit_code": draft.unit.code}


def _grouped(typed: str) -> str:
    """The code as the saved page prints it (``XXXX-XXXX-...``), whatever way it was typed."""
    code = invitations.normalise_code(typed)
    return "-".join(code[i : i + invitations.GROUP_SIZE] for i in range(0, len(code), invitations.GROUP_SIZE))
