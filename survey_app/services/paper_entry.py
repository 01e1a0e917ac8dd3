"""Paper questionnaires typed in the console, page by page, once or twice (double entry), then stored once.

A :class:`PaperForm` is one paper questionnaire being typed; each operator's typing of it is a
:class:`PaperEntry` (pass 1, and pass 2 under double entry, blind: nobody sees the other pass). Nothing is a
response until the form is final: at once in single entry; under double entry when both passes are finished and
agree, or when a coordinator has resolved each difference. Then the response is stored (mode ``paper``) and the
form and its entries are deleted.

The form is found again from what is written on the paper: for an invitation survey the code, kept only as
SHA-256 of ``paper-form`` + survey + code (never the invitation's own hash, so without the code nothing joins a
form to its invitation), and storing asks for the code once more (whoever stores holds the paper); for an open
survey the clerk's entry number, whose response key is the one the spreadsheet import derives, so a number is
never stored twice whichever way it came in. Answers are checked as online (``check_page``), except that a
question left blank on paper stays blank: the clerk types what is on the paper and never invents an answer
(as :func:`responses.enter_paper` accepts unanswered required questions).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from questionnaires.answers import apply_relevance, is_missing
from questionnaires.model import Item, Questionnaire
from survey_app.extensions import db
from survey_app.models import Invitation, PaperEntry, PaperForm, RespondentGroup, Response, StaffUser, Survey, Unit
from survey_app.services import drafts, invitations, responses
from survey_app.services.errors import AlreadySubmitted, CodeNotFound, InvitationRevoked, OperatorError
from survey_app.services.paper import submission_id as numbered_submission_id
from survey_app.services.units import unit_level_problem

KEY_PREFIX = "paper-form"
ENTRY_NUMBER_MAX = 40


class PaperEntryRefused(OperatorError):
    """Why a paper form cannot be typed or stored; ``reason`` names it for the page, ``params`` fill the text."""

    def __init__(self, reason: str, **params):
        super().__init__(reason)
        self.reason, self.params = reason, params


@dataclass(frozen=True)
class Difference:
    """One variable the two passes typed differently (``None``: left blank)."""

    variable: str
    item: Item
    first: object
    second: object


def passes_needed(survey: Survey) -> int:
    return 2 if survey.double_entry else 1


def form_key(survey: Survey, written: str) -> str:
    """The key of a paper form: the code (normalised) or the entry number, with a prefix no invitation uses."""
    kind = "code" if survey.access == "invitation" else "number"
    return hashlib.sha256(f"{KEY_PREFIX}\n{kind}\n{survey.id}\n{written}".encode()).hexdigest()


def invitation_for_code(survey: Survey, typed: str, unit: Unit, scope: Collection[int] | None) -> Invitation:
    """The invitation of a code typed from a paper form of ``survey`` for ``unit``, looked up as online (hash).

    A revoked or used code is refused here (:func:`drafts.open_for_paper`), before anything is typed; nothing is
    written to the invitation, now or when the form is stored. Raises :class:`PaperEntryRefused`.
    """
    if not invitations.normalise_code(typed):
        raise PaperEntryRefused("no_code")
    try:
        invitation = invitations.find_invitation(typed)
    except CodeNotFound:
        raise PaperEntryRefused("unknown_code")
    if invitation.survey_id != survey.id:
        raise PaperEntryRefused("other_survey")
    if scope is not None and invitation.unit_id not in scope:
        raise PaperEntryRefused("code_out_of_scope")
    if invitation.unit_id != unit.id:
        raise PaperEntryRefused("code_of_other_unit")
    try:
        drafts.open_for_paper(invitation)
    except InvitationRevoked:
        raise PaperEntryRefused("revoked")
    except AlreadySubmitted:
        raise PaperEntryRefused("used")
    return invitation


def begin(survey: Survey, operator: StaffUser, unit: Unit, group: RespondentGroup | None, written: str,
          questionnaire: Questionnaire, invitation: Invitation | None = None) -> PaperEntry:
    """The operator's entry of the paper form ``written`` (a code already checked with
    :func:`invitation_for_code`, or an entry number): resumed if this operator started it, else a new pass.

    Refuses a form this operator has finished, one whose passes are all taken by others, an entry number already
    stored or used for another unit, and a group the survey or the unit's level does not take. Operators starting
    the same form at the same moment: the database's unique keys let one form and one operator per pass through;
    a loser reads the form again once (then takes the next pass or is refused with the reason).
    """
    for _attempt in range(2):
        try:
            return _begin(survey, operator, unit, group, written, questionnaire, invitation)
        except IntegrityError:
            db.session.rollback()
    raise PaperEntryRefused("try_again")


def _begin(survey: Survey, operator: StaffUser, unit: Unit, group: RespondentGroup | None, written: str,
           questionnaire: Questionnaire, invitation: Invitation | None) -> PaperEntry:
    if invitation is not None:
        unit, group, key = invitation.unit, invitation.group, form_key(survey, invitations.normalise_code(written))
    else:
        written = written.strip()
        if not written:
            raise PaperEntryRefused("no_entry_number")
        if len(written) > ENTRY_NUMBER_MAX:
            raise PaperEntryRefused("entry_number_too_long", max=ENTRY_NUMBER_MAX)
        group = _checked_group(survey, questionnaire, unit, group)
        key = form_key(survey, written)
        if db.session.scalar(select(Response.id).where(
                Response.submission_id == numbered_submission_id(survey, written))) is not None:
            raise PaperEntryRefused("number_stored", number=written)
    form = db.session.scalar(select(PaperForm).where(PaperForm.key_hash == key))
    if form is None:
        form = PaperForm(survey=survey, unit=unit, group=group, key_hash=key,
                         entry_number=None if invitation is not None else written,
                         submission_id=uuid.uuid4() if invitation is not None else
                         numbered_submission_id(survey, written))
        db.session.add(form)
    elif form.unit_id != unit.id or form.group_id != (group.id if group else None):
        raise PaperEntryRefused("number_of_other_unit", number=written)  # typed by the first pass differently
    mine = next((e for e in form.entries if e.operator_id == operator.id), None)
    if mine is not None:
        if mine.finished:
            raise PaperEntryRefused("finished_by_you")
        return mine
    taken = {e.pass_number for e in form.entries}
    free = [n for n in range(1, passes_needed(survey) + 1) if n not in taken]
    if not free:
        raise PaperEntryRefused("taken" if passes_needed(survey) == 1 else "typed_twice")
    entry = PaperEntry(form=form, operator=operator, pass_number=free[0], answers={})
    db.session.add(entry)
    db.session.flush()  # IntegrityError: another operator started the same form or pass at the same moment
    return entry


def _checked_group(survey: Survey, questionnaire: Questionnaire, unit: Unit,
                   group: RespondentGroup | None) -> RespondentGroup | None:
    if group is None:
        if len(survey.groups) == 1:
            group = survey.groups[0]
        elif survey.groups:
            raise PaperEntryRefused("no_group")
    if group is not None and group not in survey.groups:
        raise PaperEntryRefused("group_not_in_survey")
    if group is not None and unit_level_problem(questionnaire, unit, group) is not None:
        raise PaperEntryRefused("unit_level")
    return group


def entries_of(operator: StaffUser) -> list[PaperEntry]:
    """The operator's own entries not finished yet, to continue them."""
    return list(db.session.scalars(
        select(PaperEntry).where(PaperEntry.operator_id == operator.id, PaperEntry.finished.is_(False))
        .order_by(PaperEntry.id)))


def forms_to_resolve(scope: Collection[int] | None) -> list[PaperForm]:
    """Forms waiting for a coordinator (see :func:`awaits_coordinator`), in the given units (None: all)."""
    statement = select(PaperForm).join(PaperEntry).where(PaperEntry.finished.is_(True))
    if scope is not None:
        statement = statement.where(PaperForm.unit_id.in_(list(scope)))
    forms = set(db.session.scalars(statement))
    return sorted((f for f in forms if awaits_coordinator(f)), key=lambda f: str(f.id))


def awaits_coordinator(form: PaperForm) -> bool:
    """Every pass is finished and the form is still not stored: the two passes differ (a finish that agrees
    stores at once), both finished at the same moment (each saw the other unfinished), or double entry was
    switched off after a first pass waited for a second; the coordinator's page then shows what differs, if
    anything, and stores the form."""
    entries = form.entries
    return bool(entries) and all(e.finished for e in entries) and (
        len(entries) == 2 or len(entries) >= passes_needed(form.survey))


def save_page(entry: PaperEntry, section_id: str, values: Mapping[str, object], questionnaire: Questionnaire) -> None:
    """Merge one checked page into the operator's entry, dropping answers the form's own answers now skip."""
    if entry.finished:
        raise PaperEntryRefused("finished_by_you")
    section = next(s for s in questionnaire.sections if s.id == section_id)
    names = set(section.variables)
    merged = {k: v for k, v in (entry.answers or {}).items() if k not in names}
    merged.update({k: v for k, v in values.items() if not is_missing(v)})
    kept, _ = apply_relevance(questionnaire, merged)
    entry.answers = dict(kept)
    entry.current_section = section_id
    db.session.flush()


def finish(entry: PaperEntry, questionnaire: Questionnaire, code: str | None = None) -> str:
    """The operator has typed the whole form. Returns what happened: ``stored`` (single entry, or the second
    pass agrees with the first), ``waiting`` (the other pass is not finished) or ``differs`` (a coordinator
    resolves). ``code``: for an invitation survey, needed only when this finish stores the form."""
    form = entry.form
    if not entry.answers:
        raise PaperEntryRefused("nothing_typed")
    entry.finished = True
    db.session.flush()
    if len(form.entries) < passes_needed(form.survey) or not all(e.finished for e in form.entries):
        return "waiting"
    if len(form.entries) == 2 and differences(form, questionnaire):
        return "differs"
    store(form, entry.answers or {}, questionnaire, code)
    return "stored"


def differences(form: PaperForm, questionnaire: Questionnaire) -> list[Difference]:
    """Where the two passes differ, in questionnaire order (each pass with its own relevance applied)."""
    if len(form.entries) < 2:
        return []
    first, second = (apply_relevance(questionnaire, e.answers or {})[0] for e in form.entries)
    found = []
    for variable, item in questionnaire.variables():
        a, b = first.get(variable), second.get(variable)
        if _comparable(a) != _comparable(b):
            found.append(Difference(variable, item, a, b))
    return found


def _comparable(value: object) -> object:
    if is_missing(value):
        return None
    return tuple(sorted(map(str, value))) if isinstance(value, list | tuple) else value


def resolved_answers(form: PaperForm, questionnaire: Questionnaire,
                     chosen: Mapping[str, object]) -> dict[str, object]:
    """The answers agreed by both passes, with each difference replaced by the coordinator's ``chosen`` value
    (already typed, or None for blank), checked as online; every difference must be chosen."""
    found = differences(form, questionnaire)
    missing = [d.variable for d in found if d.variable not in chosen]
    if missing:
        raise PaperEntryRefused("unresolved", variables=", ".join(missing))
    base = dict(apply_relevance(questionnaire, form.entries[0].answers or {})[0])
    for d in found:
        base.pop(d.variable, None)
        if not is_missing(chosen[d.variable]):
            base[d.variable] = chosen[d.variable]
    try:
        typed = responses.checked_paper_answers(questionnaire, base)
    except OperatorError as error:
        raise PaperEntryRefused("invalid_resolution", problems=str(error))
    return apply_relevance(questionnaire, typed)[0]


def store(form: PaperForm, answers: Mapping[str, object], questionnaire: Questionnaire,
          code: str | None = None) -> Response:
    """Store the final answers of ``form`` as one response (mode ``paper``) and delete the form and its entries.

    Invitation survey: ``code`` must be the form's code (typed again from the paper); the invitation is then
    completed through :func:`responses.submit_for_invitation`. Open survey: the response key comes from the entry
    number. Raises :class:`PaperEntryRefused` (wrong code, revoked or used meanwhile).
    """
    survey = form.survey
    if survey.access == "invitation":
        normalised = invitations.normalise_code(code or "")
        if not normalised:
            raise PaperEntryRefused("code_needed")
        if form_key(survey, normalised) != form.key_hash:
            raise PaperEntryRefused("code_mismatch")
        invitation = invitations.find_invitation(normalised)
        try:
            response = responses.submit_for_invitation(invitation, answers, questionnaire, "paper")
        except InvitationRevoked:
            raise PaperEntryRefused("revoked")
        except AlreadySubmitted:
            raise PaperEntryRefused("used")
    else:
        number = form.entry_number
        try:
            response = responses.store_paper(survey, form.unit, form.group,
                                             apply_relevance(questionnaire, answers)[0], form.submission_id)
        except AlreadySubmitted:  # the spreadsheet import stored this number meanwhile (session rolled back)
            raise PaperEntryRefused("number_stored", number=number)
    db.session.delete(form)
    db.session.flush()
    return response
