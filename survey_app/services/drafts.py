"""Answers in progress: found again from a code or a browser session, saved page by page."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from questionnaires.answers import apply_relevance, is_missing
from questionnaires.model import Questionnaire
from survey_app.extensions import db
from survey_app.models import Draft, Invitation, RespondentGroup, Response, SpentSession, Survey, Unit
from survey_app.services.errors import AlreadySubmitted, CodeNotFound, InvitationRevoked, SurveyFull
from survey_app.services.surveys import ensure_open


def open_for_invitation(invitation: Invitation, now: datetime | None = None) -> Draft:
    """The invitation's draft, created on first use (the invitation becomes ``started``).

    Raises :class:`InvitationRevoked`, :class:`AlreadySubmitted`, :class:`SurveyNotOpenYet` or
    :class:`SurveyClosed`. Two first visits racing create one draft: the loser rolls back and reads it.
    """
    check_invitation_usable(invitation)
    ensure_open(invitation.survey, now)
    return _draft_of(invitation)


def open_for_paper(invitation: Invitation) -> Draft:
    """The code of a paper form was typed in the console: the invitation is started as on a first visit.

    Its draft (empty: the typed answers live in the paper entry, never beside the invitation) stands for "being
    answered", so submitting later writes nothing to the invitation row, as online. The survey's period is not
    checked: forms posted before the closing day still arrive after it. Raises :class:`InvitationRevoked` or
    :class:`AlreadySubmitted`.
    """
    check_invitation_usable(invitation)
    return _draft_of(invitation)


def _draft_of(invitation: Invitation) -> Draft:
    draft = invitation.draft
    if draft is not None:
        return draft
    invitation_id = invitation.id
    draft = Draft(
        survey=invitation.survey, unit=invitation.unit, group=invitation.group, invitation=invitation, answers={}
    )
    invitation.status = "started"
    return _insert_or_reread(draft, Draft.invitation_id == invitation_id)


def check_invitation_usable(invitation: Invitation) -> None:
    """Raise the error a respondent must see for a revoked or used invitation."""
    if invitation.status == "revoked":
        raise InvitationRevoked()
    if invitation.status == "completed":
        raise AlreadySubmitted()


def session_token_hash(survey: Survey, token: str) -> str:
    """What identifies an open-survey draft: a hash of the survey and the browser session's random token."""
    return _token_hash(survey.id, token)


def _token_hash(survey_id: int | str, token: str) -> str:
    return hashlib.sha256(f"{survey_id}:{token}".encode()).hexdigest()


def find_for_link(slug: str, unit_code: str, tokens: Mapping[str, str]) -> tuple[Survey, Unit, Draft | None]:
    """An open link's survey (with its questionnaire version), its unit and this browser's draft, in one statement.

    ``tokens`` maps survey id (as text) to the browser's token for it, as the web layer keeps them: the survey is
    not known before the statement, so the draft is looked for among all of them. Raises :class:`CodeNotFound`
    when the link names no survey or no unit. Pass the draft on to :func:`open_for_session`, which checks the rest.
    """
    hashes = [_token_hash(survey_id, token) for survey_id, token in tokens.items()]
    found = db.session.execute(
        select(Survey, Unit, Draft)
        .join_from(Survey, Unit, Unit.code == unit_code)
        .outerjoin(Draft, (Draft.survey_id == Survey.id) & Draft.session_token_hash.in_(hashes))
        .options(joinedload(Unit.parent).joinedload(Unit.parent))  # the page names the rated unit and province
        .where(Survey.slug == slug)
    ).first()
    if found is None:
        raise CodeNotFound()
    survey, unit, draft = found
    return survey, unit, draft


def open_for_session(
    survey: Survey, unit: Unit, token: str, now: datetime | None = None, group: RespondentGroup | None = None,
    found: Draft | None = None,
) -> Draft:
    """The draft of this browser session in an open survey, created on first visit.

    ``token`` is a random value the web layer keeps in the session (at least 128 bits). One response per
    session: a session that has submitted gets :class:`AlreadySubmitted`; a new session on a unit whose quota
    is reached gets :class:`SurveyFull` (a respondent who already started may always finish). ``found`` is the
    draft :func:`find_for_link` already loaded: a live draft means the session has not submitted (submitting
    deletes it), so no more queries are needed.
    """
    if survey.access != "open":
        raise CodeNotFound()
    ensure_open(survey, now)
    token_hash = session_token_hash(survey, token)
    if found is not None and found.session_token_hash == token_hash:
        return found
    if db.session.get(SpentSession, token_hash) is not None:
        raise AlreadySubmitted()
    draft = db.session.scalar(select(Draft).where(Draft.session_token_hash == token_hash))
    if draft is not None:
        return draft
    quota = survey.quota_for(unit)
    if quota is not None and responses_count(survey, unit) >= quota:
        raise SurveyFull()
    draft = Draft(
        survey=survey, unit=unit, group=group or (survey.groups[0] if survey.groups else None),
        session_token_hash=token_hash, answers={},
    )
    return _insert_or_reread(draft, Draft.session_token_hash == token_hash)


def responses_count(survey: Survey, unit: Unit) -> int:
    """How many responses ``unit`` has sent to ``survey`` (for quotas and coordinators' progress)."""
    return db.session.scalar(
        select(func.count()).select_from(Response).where(Response.survey_id == survey.id, Response.unit_id == unit.id)
    )


def _insert_or_reread(draft: Draft, key) -> Draft:
    db.session.add(draft)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        existing = db.session.scalar(select(Draft).where(key))
        if existing is None:
            raise
        return existing
    return draft


def save_page(draft: Draft, section_id: str, values: Mapping[str, object], questionnaire: Questionnaire) -> Draft:
    """Merge one page's checked ``values`` into the draft and drop answers that are no longer relevant.

    ``values`` replaces every answer of the section: a variable of the section absent from ``values`` (or
    empty) was cleared by the respondent or hidden by relevance.
    """
    section = next((s for s in questionnaire.sections if s.id == section_id), None)
    if section is None:
        raise ValueError(f"{questionnaire.key} has no section {section_id!r}")
    section_vars = set(section.variables)
    stray = sorted(set(values) - section_vars)
    if stray:
        raise ValueError(f"section {section_id!r} has no variable(s) {', '.join(stray)}")
    merged = {k: v for k, v in (draft.answers or {}).items() if k not in section_vars}
    merged.update({k: v for k, v in values.items() if not is_missing(v)})
    kept, _ = apply_relevance(questionnaire, merged)
    draft.answers = dict(kept)
    draft.current_section = section_id
    try:
        db.session.flush()
    except StaleDataError:  # submitted from another tab in the meantime: the draft row is gone
        db.session.rollback()
        raise AlreadySubmitted()
    return draft

