"""A sample frame uploaded in the browser (CSV or XLSX): read, checked and previewed before anything is written.

Reading names the file's own trouble (not UTF-8, ``;``-separated, missing columns); the row checks are those
of ``parsurvey units load`` (:func:`survey_app.services.units.check_rows`: every problem of every row at once),
plus, for a unit-scoped coordinator, that each unit lies within their units. Text is normalised to Unicode NFC
(Vietnamese typed on some keyboards arrives decomposed), so an unchanged reload reports "unchanged".
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select

from questionnaires.problems import Problem
from survey_app.extensions import db
from survey_app.models import Unit
from survey_app.services.errors import N_, FileProblemsError
from survey_app.services.units import COLUMNS, check_rows, save_units


@dataclass(frozen=True)
class FramePreview:
    rows: list[dict[str, str]]
    problems: list[Problem]
    new: int
    changed: int
    unchanged: int


def read_upload(name: str, data: bytes) -> list[dict[str, str]]:
    """Rows of an uploaded CSV (UTF-8) or XLSX, NFC-normalised, or :class:`FileProblemsError` naming the trouble."""
    if name.lower().endswith(".xlsx"):
        table = _xlsx_rows(name, data)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileProblemsError([Problem.worded(name, None, None, N_(
                "the file is not UTF-8 text: in Excel choose Save As > CSV UTF-8 (comma delimited)"))])
        table = list(csv.reader(io.StringIO(text)))
        header = table[0] if table else []
        if len(header) == 1 and ";" in header[0]:
            raise FileProblemsError([Problem.worded(name, 1, None, N_(
                "the columns are separated by ';': save the file as CSV with commas (CSV UTF-8)"))])
    if not table:
        raise FileProblemsError([Problem.worded(name, None, None, N_("the file is empty"))])
    header = [unicodedata.normalize("NFC", (h or "").strip()) for h in table[0]]
    missing = [c for c in COLUMNS if c not in header and c != "name_en"]
    if missing:
        raise FileProblemsError([Problem.worded(name, 1, None, N_("missing column(s): %(columns)s"),
                                                columns=", ".join(missing))])
    rows = []
    for values in table[1:]:
        if not any((v or "").strip() for v in values):
            continue
        row = dict(zip(header, values, strict=False))
        rows.append({c: unicodedata.normalize("NFC", str(row.get(c) or "").strip()) for c in COLUMNS})
    return rows


def _xlsx_rows(name: str, data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise FileProblemsError([Problem.worded(name, None, None, N_("not an Excel .xlsx workbook"))])
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def preview(name: str, rows: list[dict[str, str]], scope: set[int] | None) -> FramePreview:
    """Every problem, and how many units would be new, changed or unchanged; nothing is written."""
    existing = {u.code: u for u in db.session.scalars(select(Unit))}
    problems = check_rows(name, rows, {code: u.level for code, u in existing.items()})
    if scope is not None:
        problems += _out_of_scope(name, rows, existing, scope)
    new = changed = 0
    for row in rows:
        unit = existing.get(row["code"])
        if unit is None:
            new += 1
        elif _differs(unit, row):
            changed += 1
    return FramePreview(rows, problems, new, changed, len(rows) - new - changed)


def _differs(unit: Unit, row: dict[str, str]) -> bool:
    parent = unit.parent.code if unit.parent else ""
    return (unit.name_vi, unit.name_en or "", unit.level, parent) != (
        row["name_vi"], row["name_en"], row["level"], row["parent_code"])


OUTSIDE = N_("'%(code)s' is outside the units you work for")


def _out_of_scope(name, rows, existing, scope) -> list[Problem]:
    in_file = {row["code"] for row in rows}
    problems = []
    for number, row in enumerate(rows, start=2):
        unit = existing.get(row["code"])
        if unit is not None and unit.id not in scope:
            problems.append(Problem.worded(name, number, "code", OUTSIDE, code=row["code"]))
        parent = existing.get(row["parent_code"])
        if row["parent_code"] and row["parent_code"] not in in_file and (parent is None or parent.id not in scope):
            problems.append(Problem.worded(name, number, "parent_code", OUTSIDE, code=row["parent_code"]))
        if not row["parent_code"] and unit is None:
            problems.append(Problem.worded(name, number, "parent_code", N_("only an admin can add a province")))
    return problems


def apply(name: str, rows: list[dict[str, str]], scope: set[int] | None) -> FramePreview:
    """Check again (the file may have changed since the preview), then write every unit in one transaction."""
    checked = preview(name, rows, scope)
    if checked.problems:
        raise FileProblemsError(checked.problems)
    if checked.new or checked.changed:
        save_units(rows, name)
    return checked
