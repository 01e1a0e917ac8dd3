"""XLSX export (openpyxl write-only mode, rows appended chunk by chunk, so memory does not grow with the rows).

Sheets: ``responses`` (numeric codes, flags and numbers as numbers, the submission day and date answers as dates),
``codebook`` (one row per variable, then one row per value of it: readable and filterable, no JSON in cells) and
``about`` (questionnaire, version, checksum, label language, the system-missing codes). Every text cell goes
through ``exports_columns.xlsx_text_cell``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from questionnaires.codebook import Codebook, Variable
from questionnaires.record import SYSTEM_MISSING_LABELS
from survey_app.services.exports_columns import (
    NUMERIC_KINDS,
    as_date,
    as_number,
    column_kinds,
    variable_kind,
    xlsx_text_cell,
    xlsx_text_column,
)
from survey_app.services.exports_source import LANGUAGES, ExportSource, Progress, partial_path

CODEBOOK_ATTRIBUTES = ("type", "weight", "missing", "item", "section", "scale", "criterion", "scored", "option")


def codebook_sheet_header(language: str) -> list[str]:
    """``variable, value, label_<language>, label_<other>, ...``: the requested language first."""
    other = [lang for lang in LANGUAGES if lang != language]
    return ["variable", "value", f"label_{language}", *(f"label_{lang}" for lang in other), *CODEBOOK_ATTRIBUTES]


def write_xlsx(source: ExportSource, path: Path, language: str = "vi",
               progress: Progress | None = None) -> list[tuple[Path, Path]]:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    responses = book.create_sheet("responses")
    responses.append([xlsx_text_cell(responses, name) for name in source.columns])
    converters = [_converter(kind, responses) for kind in column_kinds(source.codebook)]
    try:
        for chunk in source.read(progress):
            columns = chunk.columns(source.codebook)
            for row in zip(*(convert(column) for convert, column in zip(converters, columns, strict=True)),
                           strict=True):
                responses.append(row)
    except BaseException:
        _abandon(responses)
        raise
    _write_codebook(book.create_sheet("codebook"), source.codebook, language)
    _write_about(book.create_sheet("about"), source.codebook, language)
    partial = partial_path(path)
    book.save(partial)
    return [(path, partial)]


def _abandon(sheet) -> None:
    """Close a write-only sheet that will not be saved and remove the temporary file openpyxl streams its rows
    to (about 1 KB per row): otherwise a failed export leaves it until the worker process ends, and the sheet's
    row writer complains when it is collected."""
    try:
        sheet.close()
    finally:
        writer = getattr(sheet, "_writer", None)  # openpyxl keeps no public handle on it
        if writer is not None and isinstance(writer.out, str) and os.path.exists(writer.out):
            writer.cleanup()


def _converter(kind: str, sheet) -> Callable[[list[object]], list[object]]:
    """How a chunk's column becomes cells: numbers as numbers, dates as dates, texts through the text hook."""
    if kind in NUMERIC_KINDS:
        return lambda values: xlsx_text_column(sheet, [v if type(v) is int else as_number(v) for v in values])
    if kind == "date":
        return lambda values: xlsx_text_column(sheet, [as_date(v) for v in values])
    return lambda values: xlsx_text_column(sheet, values)


def _write_codebook(sheet, codebook: Codebook, language: str) -> None:
    header = codebook_sheet_header(language)
    languages = [name.removeprefix("label_") for name in header if name.startswith("label_")]
    _append(sheet, header)
    for variable in codebook.variables:
        numeric = variable_kind(variable) in ("flag", "code_number")
        _append(sheet, [variable.name, None, *(variable.label.get(lang) for lang in languages),
                        *(_attribute(variable, key) for key in CODEBOOK_ATTRIBUTES)])
        for value in variable.values:
            code = as_number(value.code) if numeric else value.code
            row = [variable.name, code, *(value.label.get(lang) for lang in languages), None, value.weight,
                   "yes" if value.missing else None]
            _append(sheet, row + [None] * (len(header) - len(row)))


def _attribute(variable: Variable, key: str) -> object:
    if key == "scored":
        return "true" if variable.scored else None  # an empty cell reads back as false
    if key in ("weight", "missing"):
        return None
    return getattr(variable, key)


def _write_about(sheet, codebook: Codebook, language: str) -> None:
    rows = [["questionnaire", codebook.questionnaire], ["version", codebook.version],
            ["checksum", codebook.checksum], ["labels", language]]
    rows += [[code, text.get(language)] for code, text in SYSTEM_MISSING_LABELS.items()]
    for row in rows:
        _append(sheet, row)


def _append(sheet, values: list[object]) -> None:
    sheet.append([xlsx_text_cell(sheet, v) if isinstance(v, str) else v for v in values])
