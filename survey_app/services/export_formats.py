"""Writers of a :class:`ResponseTable` as CSV (+ codebook JSON beside it), XLSX and SPSS ``.sav``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from questionnaires.codebook import Variable
from questionnaires.record import SYSTEM_MISSING, SYSTEM_MISSING_LABELS, value_text
from survey_app.services.cell_safety import csv_text, starts_formula, xml_text
from survey_app.services.exports import ResponseTable


def codebook_path(path: Path) -> Path:
    """``out.csv`` -> ``out.codebook.json``."""
    return path.with_suffix(".codebook.json")


def write_codebook_json(table: ResponseTable, path: Path) -> Path:
    target = codebook_path(path)
    target.write_text(json.dumps(table.codebook.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    return target


def write_csv(table: ResponseTable, path: Path) -> list[Path]:
    """UTF-8 CSV with a BOM (Excel then shows Vietnamese correctly), plus the codebook JSON beside it."""
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(table.columns)
        writer.writerows([_csv_cell(v) for v in row] for row in table.rows)
    return [path, write_codebook_json(table, path)]


def _csv_cell(value: object) -> str:
    return csv_text(value) if isinstance(value, str) else value_text(value)


CODEBOOK_SHEET_COLUMNS = ("name", "item", "section", "type", "label", "scale", "criterion", "scored", "option",
                          "values", "missing_codes")


def write_xlsx(table: ResponseTable, path: Path) -> list[Path]:
    """Sheets ``responses`` and ``codebook`` (one variable per row; label, values, missing codes as JSON)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    responses = book.create_sheet("responses")
    _append(responses, table.columns)
    for row in table.rows:
        _append(responses, row)
    sheet = book.create_sheet("codebook")
    _append(sheet, CODEBOOK_SHEET_COLUMNS)
    for variable in table.codebook.to_json()["variables"]:
        _append(sheet, [_cell(key, variable.get(key)) for key in CODEBOOK_SHEET_COLUMNS])
    about = book.create_sheet("about")
    header = table.codebook.to_json()
    for key in ("questionnaire", "version", "checksum"):
        _append(about, [key, header[key]])
    _append(about, ["system_missing", json.dumps(header["system_missing"], ensure_ascii=False)])
    book.save(path)
    return [path]


def _append(sheet, values) -> None:
    """One row in which every string is a text cell: never a formula, never a character XML refuses."""
    sheet.append([_xlsx_cell(sheet, v) if isinstance(v, str) else v for v in values])


def _xlsx_cell(sheet, text: str):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=xml_text(text))
    cell.data_type = "s"  # openpyxl makes any "=..." a formula; this keeps the text as typed
    if starts_formula(cell.value):
        cell.quotePrefix = True  # and editing the cell in Excel keeps it text
    return cell


def _cell(key: str, value: object) -> object:
    if key == "scored":
        return "true" if value else None  # an empty cell reads back as false
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_sav(table: ResponseTable, path: Path) -> list[Path]:
    """SPSS with variable labels (Vietnamese), value labels and user-missing values (-97, -99, don't know).

    Categorical variables whose codes are all whole numbers are numeric in SPSS; others are strings. SPSS
    allows three discrete missing values per variable, so a variable keeps -97, -99 and its first own
    missing code. The codebook JSON is also written beside the file, for an exact round trip.
    """
    import pandas as pd
    import pyreadstat

    variables = {v.name: v for v in table.codebook.variables}
    numeric = {name for name, v in variables.items() if v.is_numeric or _numeric_codes(v)}
    frame = pd.DataFrame(table.rows, columns=list(table.columns))
    for name in table.codebook.names:
        frame[name] = pd.to_numeric(frame[name]) if name in numeric else frame[name].map(value_text)
    labels, value_labels, missing = _sav_metadata(table, variables, numeric)
    pyreadstat.write_sav(frame, str(path), column_labels=labels, variable_value_labels=value_labels,
                         missing_ranges=missing)
    return [path, write_codebook_json(table, path)]


def _numeric_codes(variable: Variable) -> bool:
    codes = [v.code for v in variable.values]
    return variable.type == "categorical" and bool(codes) and all(_is_whole(c) for c in codes)


def _is_whole(code: str) -> bool:
    return code.lstrip("-").isdigit()


def _sav_metadata(table: ResponseTable, variables: dict[str, Variable], numeric: set[str]):
    labels = {name: name for name in table.columns if name not in variables}
    value_labels, missing = {}, {}
    for name, variable in variables.items():
        labels[name] = variable.label.get("vi")
        as_value = int if name in numeric else str
        system = {as_value(c): text.get("vi") for c, text in SYSTEM_MISSING_LABELS.items()}
        own = {as_value(v.code): v.label.get("vi") for v in variable.values}
        value_labels[name] = {**own, **system}
        missing[name] = [as_value(c) for c in SYSTEM_MISSING] + [as_value(c) for c in variable.missing_codes[:1]]
    return labels, value_labels, missing
