"""Reading the spreadsheet of typed paper questionnaires: a CSV (UTF-8) or the first sheet of an XLSX.

Cells come back as the text a clerk would read (whole numbers without ``.0``, dates as ISO dates), rows with
their numbers as a spreadsheet shows them, so every problem can point at ``FILE:ROW: COLUMN``.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from questionnaires.problems import Problem
from questionnaires.record import value_text
from survey_app.services.errors import FileProblemsError


def read_sheet(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and the non-empty rows (with their spreadsheet row numbers) of a CSV or the first XLSX sheet."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise FileProblemsError([Problem(str(path), None, None, "expected a .csv or .xlsx file")])
    try:
        records = _csv_records(path) if suffix == ".csv" else _xlsx_records(path)
    except UnicodeDecodeError as exc:
        message = f"not UTF-8 text ({exc.reason}); save as CSV UTF-8"
        raise FileProblemsError([Problem(str(path), None, None, message)])
    except OSError as exc:
        raise FileProblemsError([Problem(str(path), None, None, f"cannot be read: {exc.strerror or exc}")])
    except (ValueError, KeyError) as exc:  # openpyxl: not a workbook
        raise FileProblemsError([Problem(str(path), None, None, f"not a readable XLSX workbook ({exc})")])
    if not records:
        raise FileProblemsError([Problem(str(path), 1, None, "the file is empty: expected a header row")])
    header = [_text(c) for c in records[0]]
    while header and header[-1] == "":
        header.pop()  # trailing unnamed columns; a value under one is reported by its row (key "")
    rows = []
    for number, record in enumerate(records[1:], start=2):
        cells = [_text(c) for c in record]
        if any(cells):
            row = dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=False))
            row[""] = next((c for c in cells[len(header):] if c), "")
            rows.append((number, row))
    return header, rows


def _csv_records(path: Path) -> list[list]:
    import csv

    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.reader(fh))


def _xlsx_records(path: Path) -> list[list]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except BadZipFile as exc:
        raise ValueError(str(exc))
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def _text(cell: object) -> str:
    """A cell as the text a clerk would read: whole numbers without ``.0``, dates as ISO dates."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "1" if cell else "0"
    if isinstance(cell, float):
        return value_text(cell)
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()
