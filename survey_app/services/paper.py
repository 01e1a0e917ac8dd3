"""Importing paper questionnaires typed into a spreadsheet: every row checked first, then all stored at once.

One row per paper form: ``unit``, ``group``, ``entry_id`` (the number the clerk wrote on the form), optional
``day`` (ISO date, default today), then one column per codebook variable. Multiple choice is typed as the
codebook's 0/1 flag columns ``{item}__{code}`` (as the export writes them, so an export can be typed into and
read back); one column of codes separated by ``;`` is refused with a message naming the flag columns. An empty
cell, ``-97`` or ``-99`` is no answer. The response's ``submission_id`` is uuid5(survey slug + entry_id), so a
file imported twice stores each form once. Answers the form's own answers skip are dropped, as on the web.

An optional ``code`` column takes the invitation code printed on a form sent with a letter: that row completes
the invitation as an online submit would (:func:`survey_app.services.responses.submit_for_invitation`, mode
paper: spent marker, draft deleted, no link to the response in anonymous surveys); its unit and group must be the
invitation's. A code already completed (online, or by an earlier import) is counted as already there.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select

from questionnaires.codebook import build_codebook
from questionnaires.model import Questionnaire
from questionnaires.problems import Problem
from questionnaires.record import SYSTEM_MISSING
from survey_app.clock import utc_today
from survey_app.extensions import db
from survey_app.models import Invitation, RespondentGroup, Response, Survey, Unit
from survey_app.services import invitation_status
from survey_app.services.errors import CodeNotFound, FileProblemsError
from survey_app.services.invitations import find_invitation
from survey_app.services.openings import record_opening
from survey_app.services.paper_sheet import read_sheet
from survey_app.services.questionnaire_versions import questionnaire_for
from survey_app.services.responses import store_paper, submit_for_invitation
from survey_app.services.units import unit_level_problem

# Fixed forever: changing it would make every earlier import look new.
PAPER_NAMESPACE = uuid.UUID("5f1d3c0e-2b7a-4c61-9a52-6f3e8d0b7a14")
REQUIRED_COLUMNS = ("unit", "group", "entry_id")
FIXED_COLUMNS = (*REQUIRED_COLUMNS, "day", "code")
BLANK = {"", *SYSTEM_MISSING}
PROBLEM_TEXT = {
    "not_an_option": "{value!r} is not an option of this question ({options})",
    "not_an_integer": "{value!r} is not a whole number",
    "not_a_number": "{value!r} is not a number",
    "below_min": "{value} is below the minimum {min}",
    "above_max": "{value} is above the maximum {max}",
    "too_long": "{length} characters; at most {max_length} are allowed",
    "not_a_date": "{value!r} is not a date (YYYY-MM-DD)",
    "constraint": "breaks the question's rule {expression}",
}


@dataclass(frozen=True)
class PaperEntry:
    """One checked row: where it goes and its typed, relevant answers."""

    row: int
    unit: Unit
    group: RespondentGroup
    entry_id: str
    day: date
    answers: dict
    dropped: int  # answers to questions the form's own answers skip
    invitation: Invitation | None = None  # the code typed from the form, if any


@dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do): forms stored, already there, skipped answers dropped."""

    stored: int = 0
    already_there: int = 0
    dropped: int = 0
    entries: list[PaperEntry] = field(default_factory=list)


def submission_id(survey: Survey, entry_id: str) -> uuid.UUID:
    """The response key of a paper form: the same survey and entry number always give the same id."""
    return uuid.uuid5(PAPER_NAMESPACE, f"{survey.slug}\n{entry_id}")


def import_paper(survey: Survey, path: Path, dry_run: bool = False, today: date | None = None) -> ImportResult:
    """Check every row of ``path``, then store the forms not stored before (unless ``dry_run``). Flushes only.

    Raises :class:`FileProblemsError` listing every problem of every row; then nothing is written.
    """
    questionnaire = questionnaire_for(survey)
    entries = check_file(survey, questionnaire, path, today or utc_today())
    ids = {e.entry_id: submission_id(survey, e.entry_id) for e in entries}
    stored = set(db.session.scalars(select(Response.submission_id).where(Response.submission_id.in_(ids.values()))))
    result = ImportResult(entries=entries, dropped=sum(e.dropped for e in entries))
    invitation_status.load(e.invitation for e in entries if e.invitation is not None)
    if not dry_run:  # a code on a paper form reached its respondent: opened, as when a clerk types it in the console
        record_opening([e.invitation for e in entries
                        if e.invitation is not None and e.invitation.status != "completed"])
    for entry in entries:
        if ids[entry.entry_id] in stored or (entry.invitation is not None and entry.invitation.status == "completed"):
            result.already_there += 1
            continue
        result.stored += 1
        if dry_run:
            continue
        if entry.invitation is not None:
            submit_for_invitation(entry.invitation, entry.answers, questionnaire, "paper", day=entry.day,
                                  submission_id=ids[entry.entry_id], checked=True)
        else:
            store_paper(survey, entry.unit, entry.group, entry.answers, ids[entry.entry_id], entry.day)
    db.session.flush()
    return result


def check_file(survey: Survey, questionnaire: Questionnaire, path: Path, today: date) -> list[PaperEntry]:
    """Every row checked against the survey and the questionnaire; :class:`FileProblemsError` on any problem."""
    name = str(path)
    header, rows = read_sheet(path)
    columns = _Columns(questionnaire)
    problems = [Problem(name, 1, col, msg) for col, msg in columns.header_problems(header)]
    if any(c not in header for c in REQUIRED_COLUMNS):
        raise FileProblemsError(problems)  # every row would repeat it; the other problems wait for a fixed header
    if not rows:
        raise FileProblemsError([*problems, Problem(name, None, None, "no questionnaires in the file")])
    checker = _RowChecker(survey, questionnaire, columns, today)
    entries = []
    for number, row in rows:
        entry, found = checker.check(number, row)
        problems += [Problem(name, number, col, msg) for col, msg in found]
        if entry is not None:
            entries.append(entry)
    if problems:
        raise FileProblemsError(problems)
    return entries


class _Columns:
    """Which spreadsheet columns the questionnaire accepts, and what each answer variable is made of."""

    def __init__(self, questionnaire: Questionnaire):
        self.questionnaire = questionnaire
        self.flags: dict[str, dict[str, str]] = {}  # item -> {column: option code}
        self.plain: set[str] = set()
        for variable in build_codebook(questionnaire).variables:
            if variable.type == "flag":
                self.flags.setdefault(variable.item, {})[variable.name] = variable.option
            else:
                self.plain.add(variable.name)

    def header_problems(self, header: list[str]) -> list[tuple[str | None, str]]:
        found: list[tuple[str | None, str]] = []
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            found.append((None, f"missing column(s): {', '.join(missing)}"))
        seen: set[str] = set()
        for column in header:
            if column in seen:
                found.append((column, "this column appears twice"))
            seen.add(column)
            message = self._unknown(column)
            if message:
                found.append((column or "(no name)", message))
        return found

    def _unknown(self, column: str) -> str | None:
        flag_columns = {c for columns in self.flags.values() for c in columns}
        if column in FIXED_COLUMNS or column in self.plain or column in flag_columns:
            return None
        if not column:
            return "a column without a header: name it or delete it"
        if column in self.flags:
            wanted = ", ".join(self.flags[column])
            return (f"{column} is a multiple-choice question: type it as one 0/1 column per option ({wanted}), "
                    "not as one column of codes")
        item, _, code = column.partition("__")
        if item in self.flags:
            options = ", ".join(self.flags[item].values())
            return f"{item} has no option {code!r} (options: {options})"
        return f"unknown column: {self.questionnaire.key} has no such variable"


class _RowChecker:
    """Checks one row at a time, remembering entry numbers already seen in the file."""

    def __init__(self, survey: Survey, questionnaire: Questionnaire, columns: _Columns, today: date):
        self.survey, self.questionnaire, self.columns, self.today = survey, questionnaire, columns, today
        self.units = {u.code: u for u in db.session.scalars(select(Unit))}
        self.groups = {g.code: g for g in survey.groups}
        self.owners = dict(questionnaire.variables())  # variable -> its item
        self.entry_rows: dict[str, int] = {}
        self.codes: dict[int, int] = {}  # invitation id -> the row that typed its code

    def check(self, number: int, row: dict[str, str]) -> tuple[PaperEntry | None, list[tuple[str, str]]]:
        found: list[tuple[str, str]] = []
        if row.get(""):
            found.append(("(no name)", f"{row['']!r} is in a column without a header"))
        unit, group = self._unit(row, found), self._group(row, found)
        if unit is not None and group is not None:
            self._unit_level(unit, group, found)
        entry_id = self._entry_id(number, row, found)
        invitation = self._invitation(number, row, unit, group, found)
        day = self._day(row, found)
        answers, dropped = self._answers(row, found, day)
        if found:
            return None, found
        return PaperEntry(number, unit, group, entry_id, day, answers, dropped, invitation), found

    def _invitation(self, number: int, row, unit: Unit | None, group: RespondentGroup | None,
                    found) -> Invitation | None:
        code = row.get("code", "").strip()
        if not code:
            return None
        try:
            invitation = find_invitation(code)
        except CodeNotFound:
            found.append(("code", f"no invitation has the code {code!r}"))
            return None
        if invitation.survey_id != self.survey.id:
            found.append(("code", f"this code belongs to survey {invitation.survey.slug!r}, not {self.survey.slug!r}"))
        elif invitation.status == "revoked":
            found.append(("code", "this code was revoked"))
        elif unit is not None and group is not None and (invitation.unit_id, invitation.group_id) != (
                unit.id, group.id):
            found.append(("code", f"this code was issued to {invitation.unit.code} / {invitation.group.code}, "
                                  f"not {unit.code} / {group.code}"))
        if invitation.id in self.codes:
            found.append(("code", f"this code is already on row {self.codes[invitation.id]}"))
        self.codes.setdefault(invitation.id, number)
        return invitation

    def _unit(self, row, found) -> Unit | None:
        code = row.get("unit", "")
        if code in self.units:
            return self.units[code]
        found.append(("unit", f"no unit has the code {code!r}" if code else "the unit code is missing"))
        return None

    def _group(self, row, found) -> RespondentGroup | None:
        code = row.get("group", "")
        if code in self.groups:
            return self.groups[code]
        allowed = ", ".join(self.groups) or "none"
        where = f"{code!r} is not a group of survey {self.survey.slug!r}" if code else "the group is missing"
        found.append(("group", f"{where} (groups: {allowed})"))
        return None

    def _unit_level(self, unit: Unit, group: RespondentGroup, found) -> None:
        problem = unit_level_problem(self.questionnaire, unit, group)
        if problem is not None:
            found.append(("unit", problem))

    def _entry_id(self, number: int, row, found) -> str:
        entry_id = row.get("entry_id", "")
        if not entry_id:
            found.append(("entry_id", "missing: type the number written on the paper form"))
        elif entry_id in self.entry_rows:
            found.append(("entry_id", f"{entry_id!r} is already used on row {self.entry_rows[entry_id]}"))
        else:
            self.entry_rows[entry_id] = number
        return entry_id

    def _day(self, row, found) -> date:
        text = row.get("day", "")
        if not text:
            return self.today
        try:
            day = date.fromisoformat(text) if len(text) == 10 else None
        except ValueError:
            day = None
        if day is None:
            found.append(("day", f"{text!r} is not a date (YYYY-MM-DD)"))
        elif day > self.today:
            found.append(("day", f"{text} is in the future"))
        return day or self.today

    def _answers(self, row: dict[str, str], found, day: date) -> tuple[dict, int]:
        """Typed answers checked page by page as on the web, hidden ones dropped; problems named by column.

        A date bound relative to the day of answering (``max: today``) counts from the form's ``day``.
        """
        from questionnaires.answer_values import parse_value
        from questionnaires.answers import apply_relevance, check_page

        forms = self._form(row, found)
        context = {var: parse_value(self.owners[var], strings)[0] for var, strings in forms.items()}
        context = {k: v for k, v in context.items() if v is not None}
        answers: dict = {}
        for section in self.questionnaire.sections:
            names = set(section.variables)
            form = {var: forms[var] for var in names if var in forms}
            result = check_page(self.questionnaire, section, form, context, soft_acknowledged=True, today=day)
            found += [(self._column(p.variable), self._message(p.variable, p.kind, p.params))
                      for p in result.errors if p.kind != "required"]
            typed = {k: v for k, v in result.values.items() if v is not None and v != []}
            context.update(typed)
            answers.update(typed)
        kept, hidden = apply_relevance(self.questionnaire, answers)
        return kept, sum(1 for var in forms if var in hidden)

    def _form(self, row: dict[str, str], found) -> dict[str, list[str]]:
        """The posted-form equivalent of a row: variable -> strings; flag columns become chosen codes."""
        form = {c: [row[c]] for c in self.columns.plain if row.get(c, "") not in BLANK}
        for item, columns in self.columns.flags.items():
            marks = {c: row.get(c, "") for c in columns if row.get(c, "") not in BLANK}
            for column, mark in marks.items():
                if mark not in ("0", "1"):
                    found.append((column, f"{mark!r} is not 0 or 1 (1 = option ticked)"))
            if marks:
                form[item] = [columns[c] for c, mark in marks.items() if mark == "1"]
        return form

    def _column(self, variable: str) -> str:
        return f"{variable}__*" if variable in self.columns.flags else variable

    def _message(self, variable: str, kind: str, params: dict) -> str:
        item = self.owners[variable]
        options = ", ".join(item.scale.codes) if item.scale else ""
        values = {"value": "", "min": "", "max": "", "length": "", "max_length": "", "expression": "", **params}
        if isinstance(values["value"], list):
            values["value"] = values["value"][0] if len(values["value"]) == 1 else "; ".join(values["value"])
        text = PROBLEM_TEXT.get(kind, "this answer is not valid ({kind})")
        return text.format(**values, options=options, kind=kind)

