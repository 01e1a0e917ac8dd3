"""Read an XLSForm workbook into rows that remember their cells, so every problem can name ``sheet!B7``.

Headers are normalised the way XLSForm tools accept them (``list name`` = ``list_name``, ``relevance`` =
``relevant``, ``caption`` = ``label``), and translated columns (``label::English (en)``) carry a language code.
An untranslated column (plain ``label``) belongs to the form's default language: ``settings!default_language``
when it is given, Vietnamese otherwise.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from questionnaires.record import value_text
from questionnaires.xlsform.problems import Report

TRANSLATABLE = frozenset(
    {"label", "hint", "guidance_hint", "constraint_message", "required_message", "form_title",
     "image", "big-image", "audio", "video"}
)
MEDIA = frozenset({"image", "big-image", "audio", "video"})
EXPRESSIONS = frozenset({"relevant", "constraint", "calculation", "choice_filter", "required", "default",
                         "read_only", "repeat_count"})
STRAIGHT_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
HEADER_ALIASES = {
    "list name": "list_name", "relevance": "relevant", "caption": "label", "constraining_message":
    "constraint_message", "constraint message": "constraint_message", "required message": "required_message",
    "choice filter": "choice_filter", "repeat count": "repeat_count", "jr:count": "repeat_count", "value": "name",
    "calculate": "calculation", "media::image": "image", "media::audio": "audio", "media::video": "video",
    "jr:constraintmsg": "constraint_message", "jr:requiredmsg": "required_message", "readonly": "read_only",
    "read only": "read_only", "jr:choice_filter": "choice_filter", "id_string": "form_id",
}
LANGUAGE_NAMES = {
    "vietnamese": "vi", "tiếng việt": "vi", "tieng viet": "vi", "việt": "vi",
    "english": "en", "tiếng anh": "en", "tieng anh": "en",
    # languages pyxform's and KoboToolbox's forms name without a code
    "french": "fr", "spanish": "es", "portuguese": "pt", "italian": "it", "german": "de", "chinese": "zh",
    "arabic": "ar", "russian": "ru", "swahili": "sw", "hindi": "hi", "khmer": "km", "lao": "lo", "thai": "th",
    "burmese": "my", "indonesian": "id", "japanese": "ja", "korean": "ko", "default": None,
}
_CODE_IN_BRACKETS = re.compile(r"\(\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*\)\s*$")
_BARE_CODE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")


def language_code(name: str) -> str | None:
    """``"English (en)"``, ``"en"`` or ``"English"`` -> ``"en"``; None when the language cannot be told."""
    name = name.strip()
    match = _CODE_IN_BRACKETS.search(name) or _BARE_CODE.match(name)
    if match:
        return match.group(1).lower()
    return LANGUAGE_NAMES.get(name.lower())


@dataclass(frozen=True)
class Cell:
    value: str
    ref: str


@dataclass(frozen=True)
class Row:
    """One non-empty row of a sheet: cells by (column key, language), language None when untranslated."""

    sheet: str
    number: int
    cells: Mapping[tuple[str, str | None], Cell]

    def get(self, key: str, language: str | None = None) -> str:
        cell = self.cells.get((key, language))
        return cell.value if cell else ""

    def ref(self, key: str | None = None, language: str | None = None) -> str:
        """The cell to point the author at: the column's cell, or the row's first cell when it has none."""
        cell = self.cells.get((key, language)) if key else None
        return cell.ref if cell else f"{self.sheet}!A{self.number}"

    def texts(self, key: str) -> dict[str, Cell]:
        """Non-empty translations of a translatable column, by language code."""
        return {lang: cell for (k, lang), cell in self.cells.items() if k == key and lang and cell.value}

    def filled(self) -> list[tuple[str, Cell]]:
        return [(key, cell) for (key, _lang), cell in self.cells.items() if cell.value]


@dataclass(frozen=True)
class Sheet:
    name: str
    keys: frozenset[str]
    rows: tuple[Row, ...]
    columns: tuple[tuple[str, str | None], ...] = ()  # (key, language) in column order

    def has(self, key: str) -> bool:
        return key in self.keys


def read_grids(path: str | Path, report: Report) -> dict[str, list[tuple]] | None:
    """Every sheet's raw rows, by lower-cased sheet name; None (with a problem) when the file is not readable.

    ``.xls`` (Excel 97-2003, still common from older offices) is read with xlrd, everything else with openpyxl.
    The readers' own warnings (data validation, styles, extensions) say nothing about a questionnaire: they are
    silenced, so that the only lines an author sees are ``sheet!cell: message``.
    """
    path = Path(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _xls_grids(path) if path.suffix.lower() == ".xls" else _xlsx_grids(path)
    except Exception as exc:  # a damaged file may fail anywhere inside the reader: a message, never a traceback
        _unreadable(path, exc, report)
    return None


def _xlsx_grids(path: Path) -> dict[str, list[tuple]]:
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        return {ws.title.strip().lower(): _grid(ws) for ws in workbook.worksheets}
    finally:
        workbook.close()


def _xls_grids(path: Path) -> dict[str, list[tuple]]:
    import xlrd  # only needed for the old format

    book = xlrd.open_workbook(str(path), on_demand=True)
    try:
        grids = {}
        for sheet in book.sheets():
            grids[sheet.name.strip().lower()] = [
                tuple(_xls_value(cell, book.datemode) for cell in sheet.row(r)) for r in range(sheet.nrows)]
        return grids
    finally:
        book.release_resources()


def _xls_value(cell, datemode: int) -> object:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        return xlrd.xldate_as_datetime(cell.value, datemode)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    return cell.value


def _grid(worksheet) -> list[tuple]:
    worksheet.reset_dimensions()  # files written by some tools state a wrong size; read every row there is
    return list(worksheet.iter_rows(values_only=True))


def _unreadable(path: Path, exc: Exception, report: Report) -> None:
    kind = ".xls" if path.suffix.lower() == ".xls" else ".xlsx"
    report.problem(None, f"{path.name}: cannot read the workbook (is it an {kind} file?): {exc}")


def parse_sheet(name: str, grid: list[tuple], default_language: str, report: Report) -> Sheet:
    """Turn a raw grid (header row first) into rows keyed by normalised column, reporting bad headers."""
    header = grid[0] if grid else ()
    columns: dict[int, tuple[str, str | None]] = {}
    seen: dict[tuple[str, str | None], str] = {}  # column -> "E ('relevant')", to say which one it repeats
    for index, raw in enumerate(header):
        title = _cell_text(raw)
        if not title or title.startswith("#"):
            continue
        ref = f"{name}!{get_column_letter(index + 1)}1"
        column = _column(title, default_language, ref, report)
        if column is None:
            continue
        if column in seen:
            report.problem(ref, f"column '{title}' repeats column {seen[column]}")
            continue
        seen[column] = f"{get_column_letter(index + 1)} ('{title}')"
        columns[index] = column
    return Sheet(name, frozenset(k for k, _ in columns.values()), tuple(_rows(name, grid, columns)),
                 tuple(columns.values()))


def _column(title: str, default_language: str, ref: str, report: Report) -> tuple[str, str | None] | None:
    base, suffix, translated = _split_header(title)
    lowered = title.strip().lower()
    if lowered in HEADER_ALIASES:
        base, suffix, translated = HEADER_ALIASES[lowered], "", False
    key = HEADER_ALIASES.get(base.strip().lower(), base.strip().lower().replace(" ", "_"))
    if key not in TRANSLATABLE:
        return (lowered if translated else key), None
    if not translated:
        return key, default_language
    language = language_code(suffix)
    if language is None:
        report.problem(ref, f"cannot tell the language of column '{title}': write its code in brackets, "
                            f"e.g. '{base}::Vietnamese (vi)'")
        return None
    return key, language


def _split_header(title: str) -> tuple[str, str, bool]:
    """``(column, language, translated?)`` of a header, as pyxform reads it.

    pyxform's own spelling (``bind::relevant``, ``bind::jr:constraintMsg::English (en)``, ``control::appearance``)
    is read as the plain column, and a single colon (``label:English``, ``bind:relevant``) as a double one.
    """
    text = title.strip()
    prefix = re.match(r"^(bind|control|body|media)::?", text, re.IGNORECASE)
    if prefix:
        text = text[prefix.end():]
    if "::" in text:
        base, _, suffix = text.partition("::")
        return base, suffix, True
    base, sep, suffix = text.partition(":")
    if sep and base.strip().lower() in TRANSLATABLE:
        return base, suffix, True
    return text, "", False


def _rows(name: str, grid: list[tuple], columns: dict[int, tuple[str, str | None]]):
    for number, values in enumerate(grid[1:], start=2):
        cells = {}
        for index, column in columns.items():
            value = _cell_text(values[index]) if index < len(values) else ""
            if column[0] in EXPRESSIONS:
                value = value.translate(STRAIGHT_QUOTES)  # Excel's autocorrect: ${x}=’yes’ means ${x}='yes'
            cells[column] = Cell(value, f"{name}!{get_column_letter(index + 1)}{number}")
        if any(cell.value for cell in cells.values()):
            yield Row(name, number, cells)


def _cell_text(value: object) -> str:
    """A cell as the text an author sees: 1.0 -> "1", TRUE -> "true", a date -> "2024-05-01"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return value_text(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()
