"""Submitting: once per invitation or browser session, enforced by the database, leaving nothing that joins
answers to a code (see the anonymity guarantee in the README)."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import delete, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from questionnaires.answers import apply_relevance, is_missing
from questionnaires.model import Questionnaire
from questionnaires.record import value_text
from questionnaires.route import first_incomplete_section
from survey_app.clock import as_utc, utc_today
from survey_app.extensions import db
from survey_app.models import (
    Draft,
    Invitation,
    RespondentGroup,
    Response,
    ResponseIdentity,
    SpentInvitation,
    SpentSession,
    Survey,
    Unit,
)
from survey_app.pseudonyms import draft_key, spent_key
from survey_app.services.drafts import responses_count
from survey_app.services.errors import AlreadySubmitted, Incomplete, InvitationRevoked, OperatorError, SurveyFull
from survey_app.services.export_records import stored_record
from survey_app.services.locks import serialise
from survey_app.services.questionnaire_versions import questionnaire_for
from survey_app.services.surveys import ensure_open

log = logging.getLogger(__name__)


def submit(
    draft: Draft, questionnaire: Questionnaire, mode: str = "online", now: datetime | None = None
) -> Response:
    """Turn the draft into a response and delete the draft; one response per invitation or browser session.

    A double click, a reload or a retry ends in :class:`AlreadySubmitted` (after the session has been rolled
    back). Raises :class:`Incomplete` when a required question is unanswered, :class:`InvitationRevoked` when the
    code was revoked meanwhile, :class:`SurveyFull` when an open link's quota filled meanwhile (the draft is kept).
    """
    if draft.session_token_hash is None:
        if draft.invitation is None:
            raise ValueError("open an invitation's draft with drafts.open_for_invitation before submitting it")
        return submit_for_invitation(draft.invitation, draft.answers or {}, questionnaire, mode, now)
    return _submit_for_session(draft, questionnaire, mode, now)


def submit_for_invitation(
    invitation: Invitation, answers: Mapping[str, object], questionnaire: Questionnaire, mode: str = "online",
    now: datetime | None = None, day: date | None = None, submission_id: uuid.UUID | None = None,
    checked: bool = False,
) -> Response:
    """Complete ``invitation`` with ``answers``: the one way an invitation becomes a response, online or on paper.

    Online answers come from the draft (checked page by page): required questions must be answered and the survey
    must be open. Paper answers are checked as :func:`enter_paper` checks them (unanswered questions allowed, also
    after closing). In one transaction, serialised with a revocation of the same code (:mod:`.locks`, writing
    nothing to the invitation row): the response (its own random keys), the invitation's spent marker (whose
    primary key refuses a second completion: :class:`AlreadySubmitted`), the identity link for identified surveys,
    and the deletion of the invitation's draft. A revoked code raises :class:`InvitationRevoked`.
    ``submission_id`` (paper: derived from the form's entry number) defaults to a random one; ``checked`` says the
    paper answers were already checked as :func:`enter_paper` checks them (the paper import checks every row
    before storing any).
    """
    survey = invitation.survey
    if mode == "paper":
        kept = dict(answers) if checked else _checked_paper(survey, invitation.group, answers, questionnaire)
    else:
        ensure_open(survey, now)
        kept = _complete_online(questionnaire, answers)
    invitation_id, code_hash = invitation.id, invitation.code_hash
    unit_id, group_id, anonymous = invitation.unit_id, invitation.group_id, survey.anonymous
    spent = spent_key(code_hash)
    serialise("invitation", spent)
    recorded = db.session.scalar(select(Invitation.recorded_status).where(Invitation.id == invitation_id))
    if recorded == "revoked":
        db.session.rollback()
        raise InvitationRevoked()
    if db.session.scalar(select(SpentInvitation.key).where(SpentInvitation.key == spent)) is not None:
        db.session.rollback()
        raise AlreadySubmitted()
    day = day or (as_utc(now).date() if now else None)
    # the draft goes first: a DELETE statement flushes whatever is pending, outside _flush_once's care
    db.session.execute(delete(Draft).where(Draft.invitation_key == draft_key(code_hash)))
    response = _insert_response(survey, unit_id, group_id, kept, mode, submission_id or uuid.uuid4(), day,
                                flush=False)
    db.session.add(SpentInvitation(key=spent, survey_id=survey.id, unit_id=unit_id, group_id=group_id, mode=mode))
    if not anonymous:
        db.session.add(ResponseIdentity(response_id=response.id, invitation_id=invitation_id))
    _flush_once()
    invitation.progress, invitation.draft = "completed", None
    return response


def _submit_for_session(draft: Draft, questionnaire: Questionnaire, mode: str, now: datetime | None) -> Response:
    """An open link's draft: one response per browser session; the unit's quota checked under a lock."""
    survey = draft.survey
    ensure_open(survey, now)
    answers = _complete_online(questionnaire, draft.answers or {})
    unit_id, group_id, token_hash = draft.unit_id or draft.unit.id, draft.group_id, draft.session_token_hash
    if group_id is None and draft.group is not None:
        group_id = draft.group.id
    quota = survey.quota_for(draft.unit)
    stored = not inspect(draft).transient
    if quota is not None:
        serialise("quota", survey.id, unit_id)
        if responses_count(survey, unit_id) >= quota:
            db.session.rollback()  # the draft stays: answers are not lost, the unit is simply full
            raise SurveyFull()
    if stored:  # first: a DELETE statement flushes whatever is pending, outside _flush_once's care
        db.session.execute(delete(Draft).where(Draft.session_token_hash == token_hash))
    response = _insert_response(survey, unit_id, group_id, answers, mode, uuid.uuid4(),
                                as_utc(now).date() if now else None, flush=False)
    db.session.add(SpentSession(token_hash=token_hash, survey_id=survey.id))
    _flush_once()
    return response


def _complete_online(questionnaire: Questionnaire, answers: Mapping[str, object]) -> dict[str, object]:
    kept, _ = apply_relevance(questionnaire, answers or {})
    unanswered = first_incomplete_section(questionnaire, kept)
    if unanswered is not None:
        raise Incomplete(unanswered.id)
    return dict(kept)


def _flush_once() -> None:
    """Flush the submit; a unique key already taken (a racing submit won) becomes :class:`AlreadySubmitted`."""
    try:
        db.session.flush()
    except (IntegrityError, StaleDataError):
        db.session.rollback()
        raise AlreadySubmitted()


def _insert_response(
    survey: Survey, unit_id: int, group_id: int | None, answers: Mapping, mode: str,
    submission_id: uuid.UUID, day: date | None, flush: bool = True,
) -> Response:
    stored = json.loads(json.dumps(dict(answers)))  # the answers as the database gives them back
    response = Response(
        id=uuid.uuid4(),
        survey_id=survey.id,
        questionnaire_version_id=survey.questionnaire_version_id,
        unit_id=unit_id,
        group_id=group_id,
        mode=mode,
        answers=stored,
        record=_export_record(survey, stored),
        submitted_on=day or utc_today(),  # a day, never a time: see the anonymity guarantee
        submission_id=submission_id,
    )
    db.session.add(response)
    if flush:
        _flush_once()
    return response


def _export_record(survey: Survey, answers: Mapping) -> str | None:
    """The response's export values, made once (:mod:`export_records`); a record is only a shortcut for exports,
    so a failure to make one never costs the respondent their submit: the export then reads the answers."""
    try:
        return stored_record(questionnaire_for(survey), answers)
    except Exception:
        log.exception("survey %s: export record not made; exports will read this response's answers", survey.slug)
        return None


def enter_paper(
    survey: Survey,
    unit: Unit,
    group: RespondentGroup | None,
    answers: Mapping[str, object],
    questionnaire: Questionnaire,
    submission_id: uuid.UUID | None = None,
    day: date | None = None,
) -> Response:
    """Store a paper questionnaire typed in by a coordinator (mode ``paper``).

    ``answers`` map variable -> value, typed or as typed in (``"3"``, ``["A", "B"]``); they are checked like
    a respondent's pages, except that unanswered required questions are accepted (paper allows skipping).
    Pass the ``submission_id`` drawn when the entry form was shown, and a double-posted form stores one
    response (:class:`AlreadySubmitted`).
    """
    kept = _checked_paper(survey, group, answers, questionnaire)
    return store_paper(survey, unit, group, kept, submission_id or uuid.uuid4(), day)


def _checked_paper(
    survey: Survey, group: RespondentGroup | None, answers: Mapping[str, object], questionnaire: Questionnaire
) -> dict[str, object]:
    known = {var for var, _ in questionnaire.variables()}
    stray = sorted(set(answers) - known)
    if stray:
        raise OperatorError(f"{questionnaire.key} has no question(s) {', '.join(stray)}")
    if group is not None and group not in survey.groups:
        raise OperatorError(f"group {group.code!r} is not part of survey {survey.slug!r}")
    kept, _ = apply_relevance(questionnaire, checked_paper_answers(questionnaire, answers))
    return dict(kept)


def store_paper(
    survey: Survey, unit: Unit, group: RespondentGroup | None, answers: Mapping[str, object],
    submission_id: uuid.UUID, day: date | None = None,
) -> Response:
    """Store paper answers already checked as :func:`enter_paper` checks them (typed, relevant, in the survey's
    groups), e.g. by the paper import, which checks every row before storing any."""
    return _insert_response(survey, unit.id, group.id if group else None, answers, "paper", submission_id, day)


def checked_paper_answers(questionnaire: Questionnaire, answers: Mapping[str, object]) -> dict[str, object]:
    """Typed answers, page by page through :func:`questionnaires.answers.check_page`; problems name the question."""
    from questionnaires.answers import check_page

    typed = {k: v for k, v in answers.items() if not is_missing(v)}
    problems = []
    for section in questionnaire.sections:
        names = set(section.variables)
        form = {name: _as_strings(typed[name]) for name in names if name in typed}
        result = check_page(questionnaire, section, form, typed, soft_acknowledged=True)
        problems += [f"{p.variable}: {p.kind}" for p in result.errors if p.kind != "required"]
        typed.update({k: v for k, v in result.values.items() if not is_missing(v)})
    if problems:
        raise OperatorError("the paper answers have problems: " + "; ".join(problems))
    return typed


def _as_strings(value: object) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [value_text(value)]
