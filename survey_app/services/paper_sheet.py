"""Reading the spreadsheet of typed paper questionnaires: a CSV (UTF-8) or the first sheet of an XLSX.

Cells come back as the text a clerk would read (whole numbers without ``.0``, dates as ISO dates), rows with
their numbers as a spreadsheet shows them, so every problem can point at ``FILE:ROW: COLUMN``.
"""

from __future__ import annotations

import csv
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
    except FileProblemsError:
        raise
    except csv.Error as exc:  # a field over the csv module's limit, a stray quote...
        raise FileProblemsError([Problem(str(path), None, None, f"not readable as CSV: {exc}")])
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
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        try:
            return list(reader)
        except csv.Error as exc:
            raise FileProblemsError([Problem(str(path), reader.line_num + 1, None, f"not readable as CSV: {exc}")])


def _xlsx_records(path: Path) -> list[list]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except BadZipFile as exc:
        raise ValueError(str(exc))
    try:
        rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()
    _refuse_formulas_without_values(path, rows)
    return rows


def _refuse_formulas_without_values(path: Path, values: list[list]) -> None:
    """A formula cell whose value was never saved reads as empty: refuse it rather than lose the answer."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    book = load_workbook(path, read_only=True, data_only=False)
    try:
        formulas = [(r, c) for r, row in enumerate(book.worksheets[0].iter_rows(values_only=True))
                    for c, cell in enumerate(row) if isinstance(cell, str) and cell.startswith("=")
                    and (r >= len(values) or c >= len(values[r]) or values[r][c] is None)]
    finally:
        book.close()
    if formulas:
        header = [_text(cell) for cell in values[0]] if values else []
        message = "a formula without a saved value: open the file in Excel or LibreOffice and save it with values"
        raise FileProblemsError([
            Problem(str(path), r + 1, (header[c] if c < len(header) and header[c] else get_column_letter(c + 1)),
                        message)
            for r, c in formulas])


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
