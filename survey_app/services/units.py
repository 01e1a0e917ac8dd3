"""Units of the sample frame: loading them from a CSV file (all rows checked before anything is written), finding
one by code, and checking a respondent group answers for a unit of its level."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from sqlalchemy import select

from questionnaires.model import Questionnaire
from questionnaires.problems import Problem
from survey_app.extensions import db
from survey_app.models import RespondentGroup, Unit
from survey_app.models.unit import PARENT_LEVEL, UNIT_LEVELS
from survey_app.services.errors import N_, FileProblemsError, OperatorError

COLUMNS = ("code", "name_vi", "name_en", "level", "parent_code")
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")


def read_units_file(path: Path) -> list[dict[str, str]]:
    """The rows of a UTF-8 CSV (a BOM from Excel is fine) with the expected columns, or :class:`FileProblemsError`."""
    name = str(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise FileProblemsError([Problem(name, 1, None, f"missing column(s): {', '.join(missing)}")])
            rows = [{k: (row.get(k) or "").strip() for k in COLUMNS} for row in reader]
    except csv.Error as exc:  # a field over the csv module's limit, a stray quote...
        raise FileProblemsError([Problem(name, reader.line_num + 1, None, f"not readable as CSV: {exc}")])
    except UnicodeDecodeError as exc:
        raise FileProblemsError([Problem(name, None, None, f"not UTF-8 text ({exc.reason}); save it as CSV UTF-8")])
    except OSError as exc:
        raise FileProblemsError([Problem(name, None, None, f"cannot be read: {exc.strerror}")])
    control = [Problem(name, number, column, "contains a control character (NUL...): retype the cell")
               for number, row in enumerate(rows, start=2) for column, value in row.items() if _has_control(value)]
    if control:
        raise FileProblemsError(control)
    return rows


def _has_control(value: str) -> bool:
    return any(ord(c) < 32 and c not in "\t\n\r" for c in value)


def load_units(path: Path) -> tuple[int, int]:
    """Create or update the units of a sample-frame CSV; returns (created, updated). Flushes, never commits."""
    return save_units(read_units_file(path), str(path))


def save_units(rows: list[dict[str, str]], source: str) -> tuple[int, int]:
    """Check every row (raising :class:`FileProblemsError` naming ``source``), then create or update the units."""
    existing = {u.code: u for u in db.session.scalars(select(Unit))}
    problems = check_rows(source, rows, {code: u.level for code, u in existing.items()})
    if problems:
        raise FileProblemsError(problems)
    created = updated = 0
    for row in rows:
        unit = existing.get(row["code"])
        if unit is None:
            unit = existing[row["code"]] = Unit(code=row["code"])
            db.session.add(unit)
            created += 1
        else:
            updated += 1
        unit.name_vi, unit.name_en, unit.level = row["name_vi"], row["name_en"] or None, row["level"]
    for row in rows:
        existing[row["code"]].parent = existing.get(row["parent_code"]) if row["parent_code"] else None
    db.session.flush()
    return created, updated


def check_rows(file: str, rows: list[dict[str, str]], known_levels: dict[str, str]) -> list[Problem]:
    """Every problem of every row (not just the first), so the operator fixes the file in one go."""
    problems: list[Problem] = []
    levels = dict(known_levels)
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        if row["code"] in seen:
            problems.append(Problem.worded(file, number, "code", N_("'%(code)s' already used on row %(row)s"),
                                           code=row["code"], row=seen[row["code"]]))
        seen.setdefault(row["code"], number)
        levels[row["code"]] = row["level"]
    if not rows:
        problems.append(Problem.worded(file, None, None, N_("no units in the file")))
    for number, row in enumerate(rows, start=2):
        problems.extend(Problem.worded(file, number, field, template, **params)
                        for field, template, params in _row_problems(row, levels))
    return problems


def _row_problems(row: dict[str, str], levels: dict[str, str]) -> list[tuple[str, str, dict[str, object]]]:
    """(column, message template, its values) for each problem of one row."""
    found: list[tuple[str, str, dict[str, object]]] = []
    if not CODE.fullmatch(row["code"]):
        found.append(("code", N_("'%(code)s' is not a code (1-40 letters, digits, '_', '.', '-')"),
                      {"code": row["code"]}))
    if not row["name_vi"]:
        found.append(("name_vi", N_("the Vietnamese name is required"), {}))
    for column in ("name_vi", "name_en"):
        if len(row[column]) > 200:
            found.append((column, N_("longer than 200 characters"), {}))
    if row["level"] not in UNIT_LEVELS:
        found.append(("level", N_("'%(level)s' is not one of %(levels)s"),
                      {"level": row["level"], "levels": ", ".join(UNIT_LEVELS)}))
        return found
    wanted = PARENT_LEVEL[row["level"]]
    parent = row["parent_code"]
    if wanted is None and parent:
        found.append(("parent_code", N_("a province has no parent; leave it empty"), {}))
    elif wanted is not None and not parent:
        found.append(("parent_code", N_("a %(level)s needs the code of its %(parent)s"),
                      {"level": row["level"], "parent": wanted}))
    elif parent and parent not in levels:
        found.append(("parent_code", N_("unknown unit '%(code)s' (neither in this file nor already loaded)"),
                      {"code": parent}))
    elif parent and levels[parent] != wanted:
        found.append(("parent_code", N_("'%(code)s' is a %(actual)s; the parent of a %(level)s is a %(wanted)s"),
                      {"code": parent, "actual": levels[parent], "level": row["level"], "wanted": wanted}))
    return found


def get_unit(code: str) -> Unit:
    """The unit with ``code``, or an :class:`OperatorError` naming it."""
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise OperatorError(f"no unit has the code {code!r} (load the sample frame with 'parsurvey units load')")
    return unit


def unit_level_problem(questionnaire: Questionnaire, unit: Unit, group: RespondentGroup) -> str | None:
    """What is wrong when the methodology makes ``group`` answer at another level than ``unit``'s (department
    leaders for departments...), else None."""
    methodology = questionnaire.methodology
    declared = methodology.group(group.code) if methodology else None
    if declared is not None and declared.unit_level and declared.unit_level != unit.level:
        return f"group {group.code!r} answers for a {declared.unit_level}, but {unit.code!r} is a {unit.level}"
    return None
