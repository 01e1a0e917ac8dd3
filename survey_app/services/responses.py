"""Submitting: once per draft, enforced by the database, leaving nothing that joins answers to a code."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError

from questionnaires.answers import apply_relevance, is_missing
from questionnaires.model import Questionnaire
from questionnaires.record import value_text
from questionnaires.route import first_incomplete_section
from survey_app.clock import as_utc, utc_today
from survey_app.extensions import db
from survey_app.models import (
    Draft,
    Invitation,
    PaperCompletion,
    RespondentGroup,
    Response,
    ResponseIdentity,
    SpentSession,
    Survey,
    Unit,
)
from survey_app.services.drafts import check_invitation_usable
from survey_app.services.errors import AlreadySubmitted, Incomplete, OperatorError
from survey_app.services.surveys import ensure_open


def submit(
    draft: Draft, questionnaire: Questionnaire, mode: str = "online", now: datetime | None = None
) -> Response:
    """Turn the draft into a response and delete the draft; one response per draft, whatever races.

    The response's unique ``submission_id`` (drawn when the draft was created) makes the database refuse a
    second insert: a double click, a reload or a retry ends in :class:`AlreadySubmitted`, after the session
    has been rolled back. Raises :class:`Incomplete` when a required question is unanswered.
    """
    survey = draft.survey
    if draft.invitation is not None:
        check_invitation_usable(draft.invitation)
    ensure_open(survey, now)
    answers, _ = apply_relevance(questionnaire, draft.answers or {})
    unanswered = first_incomplete_section(questionnaire, answers)
    if unanswered is not None:
        raise Incomplete(unanswered.id)
    response = _insert_response(
        survey, draft.unit_id, draft.group_id, answers, mode, draft.submission_id, (as_utc(now).date() if now else None)
    )
    _record_participation(draft, survey, response)
    db.session.delete(draft)
    db.session.flush()
    return response


def submit_for_invitation(
    invitation: Invitation, answers: Mapping[str, object], questionnaire: Questionnaire, mode: str
) -> Response:
    """Store ``answers`` (already checked) as the response of ``invitation`` and complete the invitation.

    The paper entry calls this with ``mode="paper"`` once a form typed with its code is final: the invitation
    then counts as completed, with the same anonymity as online. In the current design that is the online
    submit: the invitation's draft (created when the code was typed, :func:`drafts.open_for_paper`) is deleted
    and the invitation row is not written; an anonymous survey keeps no link, an identified one its
    ``response_identity``. A paper complete is also counted in ``paper_completion`` (unit and group only), so
    participation counts it once, as paper. Online, required questions must be answered and the survey open;
    on paper a respondent may leave a question blank and a form may arrive after the closing day. Raises
    :class:`InvitationRevoked`, :class:`AlreadySubmitted` (used meanwhile), :class:`Incomplete`.
    """
    check_invitation_usable(invitation)
    survey = invitation.survey
    kept, _ = apply_relevance(questionnaire, answers)
    if mode == "online":
        ensure_open(survey)
        unanswered = first_incomplete_section(questionnaire, kept)
        if unanswered is not None:
            raise Incomplete(unanswered.id)
    draft = invitation.draft
    if draft is None:  # never opened: started now (the row is then written with the response; avoid by opening)
        invitation.status = "started"
    submission_id = draft.submission_id if draft is not None else uuid.uuid4()
    response = _insert_response(survey, invitation.unit_id, invitation.group_id, kept, mode, submission_id, None)
    if not survey.anonymous:
        db.session.add(ResponseIdentity(response_id=response.id, invitation_id=invitation.id))
    if mode == "paper":
        db.session.add(PaperCompletion(survey_id=survey.id, unit_id=invitation.unit_id,
                                       group_id=invitation.group_id))
    if draft is not None:
        db.session.delete(draft)
    db.session.flush()
    return response


def _insert_response(
    survey: Survey, unit_id: int, group_id: int | None, answers: Mapping, mode: str,
    submission_id: uuid.UUID, day: date | None,
) -> Response:
    response = Response(
        id=uuid.uuid4(),
        survey_id=survey.id,
        questionnaire_version_id=survey.questionnaire_version_id,
        unit_id=unit_id,
        group_id=group_id,
        mode=mode,
        answers=dict(answers),
        submitted_on=day or utc_today(),  # a day, never a time: see the anonymity guarantee
        submission_id=submission_id,
    )
    db.session.add(response)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AlreadySubmitted()
    return response


def _record_participation(draft: Draft, survey: Survey, response: Response) -> None:
    """Mark who took part, apart from what they answered (linked only in identified surveys).

    The invitation row is deliberately left untouched: deleting its draft is what marks it completed (see
    :class:`~survey_app.models.Invitation`), so no row version written with the response names it.
    """
    invitation = draft.invitation
    if invitation is not None and not survey.anonymous:
        db.session.add(ResponseIdentity(response_id=response.id, invitation_id=invitation.id))
    if draft.session_token_hash is not None:
        db.session.add(SpentSession(token_hash=draft.session_token_hash, survey_id=survey.id))


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
    from questionnaires.answers import apply_relevance

    known = {var for var, _ in questionnaire.variables()}
    stray = sorted(set(answers) - known)
    if stray:
        raise OperatorError(f"{questionnaire.key} has no question(s) {', '.join(stray)}")
    if group is not None and group not in survey.groups:
        raise OperatorError(f"group {group.code!r} is not part of survey {survey.slug!r}")
    kept, _ = apply_relevance(questionnaire, checked_paper_answers(questionnaire, answers))
    return store_paper(survey, unit, group, kept, submission_id or uuid.uuid4(), day)


def store_paper(
    survey: Survey, unit: Unit, group: RespondentGroup | None, answers: Mapping[str, object],
    submission_id: uuid.UUID, day: date | None = None,
) -> Response:
    """Store paper answers already checked as :func:`enter_paper` checks them (typed, relevant, in the survey's
    groups), e.g. by the paper import, which checks every row before storing any."""
    response = _insert_response(survey, unit.id, group.id if group else None, answers, "paper", submission_id, day)
    db.session.flush()
    return response


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
