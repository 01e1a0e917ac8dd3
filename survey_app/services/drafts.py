"""Answers in progress: found again from a code or a browser session, saved page by page."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from questionnaires.answers import apply_relevance, is_missing
from questionnaires.model import Questionnaire
from survey_app.extensions import db
from survey_app.models import Draft, Invitation, RespondentGroup, Response, SpentInvitation, SpentSession, Survey, Unit
from survey_app.pseudonyms import draft_key, spent_key
from survey_app.services import invitation_status
from survey_app.services.errors import AlreadySubmitted, CodeNotFound, InvitationRevoked, SurveyFull
from survey_app.services.locks import serialise
from survey_app.services.surveys import ensure_open


def open_for_invitation(invitation: Invitation, now: datetime | None = None) -> Draft:
    """The invitation's draft; until a page is saved, a new one that is not stored (:func:`save_page` stores it).

    Raises :class:`InvitationRevoked`, :class:`AlreadySubmitted`, :class:`SurveyNotOpenYet` or
    :class:`SurveyClosed`. A visit writes nothing: neither a draft nor the invitation row (see
    :class:`~survey_app.models.Invitation`). ``invitation`` must come with its progress
    (:func:`~survey_app.services.invitations.find_invitation` brings it).
    """
    if invitation.progress is None:
        invitation_status.load([invitation])
    check_invitation_usable(invitation)
    ensure_open(invitation.survey, now)
    key = draft_key(invitation.code_hash)
    if invitation.draft is None and invitation.progress == "started":
        invitation.draft = db.session.scalar(select(Draft).where(Draft.invitation_key == key))
    draft = invitation.draft or Draft(  # ids, not the unit and group themselves: no query to load them
        survey=invitation.survey, unit_id=invitation.unit_id, group_id=invitation.group_id,
        invitation_key=key, answers={},
    )
    draft.invitation = invitation
    return draft


def open_for_paper(invitation: Invitation) -> None:
    """The code of a paper form was typed in the console: refuse it now if it cannot be completed.

    Nothing is written: the typed answers live in the paper entry (keyed apart from the invitation) until
    :func:`~survey_app.services.responses.submit_for_invitation` completes the invitation, as online. The survey's
    period is not checked: forms posted before the closing day still arrive after it. Raises
    :class:`InvitationRevoked` or :class:`AlreadySubmitted`.
    """
    if invitation.progress is None:
        invitation_status.load([invitation])
    check_invitation_usable(invitation)


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


def find_for_link(
    slug: str, unit_code: str, tokens: Mapping[str, str]
) -> tuple[Survey, Unit, Draft | None, bool]:
    """An open link's survey (with its questionnaire version), its unit and this browser's draft, in one statement.

    ``tokens`` maps survey id (as text) to the browser's token for it, as the web layer keeps them: the survey is
    not known before the statement, so the draft (and the spent marker of a session that submitted) is looked for
    among all of them. The last value says whether this browser's session for the survey has submitted. Raises
    :class:`CodeNotFound` when the link names no survey or no unit. Pass the draft on to :func:`open_for_session`
    (with ``searched=True``), which checks the rest.
    """
    hashes = [_token_hash(survey_id, token) for survey_id, token in tokens.items()]
    found = db.session.execute(
        select(Survey, Unit, Draft, SpentSession.token_hash)
        .join_from(Survey, Unit, Unit.code == unit_code)
        .outerjoin_from(Survey, Draft, (Draft.survey_id == Survey.id) & Draft.session_token_hash.in_(hashes))
        .outerjoin_from(Survey, SpentSession,
                        (SpentSession.survey_id == Survey.id) & SpentSession.token_hash.in_(hashes))
        .options(joinedload(Unit.parent).joinedload(Unit.parent))  # the page names the rated unit and province
        .where(Survey.slug == slug)
    ).first()
    if found is None:
        raise CodeNotFound()
    survey, unit, draft, spent = found
    return survey, unit, draft, spent is not None and spent == _token_hash(survey.id, tokens.get(str(survey.id), ""))


def open_for_session(
    survey: Survey, unit: Unit, token: str, now: datetime | None = None, group: RespondentGroup | None = None,
    found: Draft | None = None, searched: bool = False,
) -> Draft:
    """The draft of this browser session in an open survey; until a page is saved, a new one that is not stored.

    ``token`` is a random value the web layer keeps in the session (at least 128 bits). One response per
    session: a session that has submitted gets :class:`AlreadySubmitted`. A session without a draft on a unit
    whose quota is reached gets :class:`SurveyFull` at once; the quota is checked again, under a lock, at submit
    (:func:`survey_app.services.responses.submit`). ``found`` is the draft :func:`find_for_link` already loaded:
    a live draft means the session has not submitted (submitting deletes it), so no more queries are needed;
    ``searched`` says it looked for this token's draft and spent marker and found neither. Visits write
    nothing, so a crawler or a cookie-less browser leaves no rows behind.
    """
    if survey.access != "open":
        raise CodeNotFound()
    ensure_open(survey, now)
    token_hash = session_token_hash(survey, token)
    if found is not None and found.session_token_hash == token_hash:
        return found
    if not searched:
        if db.session.get(SpentSession, token_hash) is not None:
            raise AlreadySubmitted()
        draft = db.session.scalar(select(Draft).where(Draft.session_token_hash == token_hash))
        if draft is not None:
            return draft
    quota = survey.quota_for(unit)
    if quota is not None and responses_count(survey, unit) >= quota:
        raise SurveyFull()
    return Draft(
        survey=survey, unit=unit, group=group or (survey.groups[0] if survey.groups else None),
        session_token_hash=token_hash, answers={},
    )


def responses_count(survey: Survey, unit: Unit | int) -> int:
    """How many responses ``unit`` has sent to ``survey`` (for quotas and coordinators' progress)."""
    unit_id = unit if isinstance(unit, int) else unit.id
    return db.session.scalar(
        select(func.count()).select_from(Response).where(Response.survey_id == survey.id, Response.unit_id == unit_id)
    )


def store(draft: Draft) -> Draft:
    """Store a draft made by a visit (its first saved page): the stored one, or the one a racing request stored.

    A draft already stored is returned as it is.
    """
    if not inspect(draft).transient:
        return draft
    invitation = draft.invitation
    if invitation is not None:
        _check_still_usable(invitation)
    key = (Draft.invitation_key == draft.invitation_key if draft.invitation_key is not None
           else Draft.session_token_hash == draft.session_token_hash)
    db.session.add(draft)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        existing = db.session.scalar(select(Draft).where(key))
        if existing is None:
            raise
        draft = existing
    draft.invitation = invitation
    if invitation is not None:
        invitation.draft, invitation.progress = draft, "started"
    return draft


def _check_still_usable(invitation: Invitation) -> None:
    """Under the invitation's lock (as revoking and submitting take it), read whether it was revoked or completed
    since the page was shown: a draft stored after a revocation would outlive the revocation's deletion."""
    spent_marker = spent_key(invitation.code_hash)
    serialise("invitation", spent_marker)
    spent_now = select(SpentInvitation.key).where(SpentInvitation.key == spent_marker).scalar_subquery()
    recorded, spent = db.session.execute(
        select(Invitation.recorded_status, spent_now).where(Invitation.id == invitation.id)
    ).one()
    if recorded == "revoked" or spent is not None:
        db.session.rollback()
        raise InvitationRevoked() if recorded == "revoked" else AlreadySubmitted()


def _merge_page(draft: Draft, section_vars: set[str], values: Mapping[str, object], section_id: str,
                questionnaire: Questionnaire) -> None:
    merged = {k: v for k, v in (draft.answers or {}).items() if k not in section_vars}
    merged.update({k: v for k, v in values.items() if not is_missing(v)})
    kept, _ = apply_relevance(questionnaire, merged)
    draft.answers = dict(kept)
    draft.current_section = section_id


def save_page(draft: Draft, section_id: str, values: Mapping[str, object], questionnaire: Questionnaire) -> Draft:
    """Merge one page's checked ``values`` into the draft and drop answers that are no longer relevant; returns
    the stored draft (the first saved page stores it: see :func:`store`).

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
    if inspect(draft).transient:
        _merge_page(draft, section_vars, values, section_id, questionnaire)
        draft = store(draft)  # one insert with the page; a racing request's draft gets the page below
    _merge_page(draft, section_vars, values, section_id, questionnaire)
    try:
        db.session.flush()
    except StaleDataError:  # submitted from another tab in the meantime: the draft row is gone
        db.session.rollback()
        raise AlreadySubmitted()
    return draft

