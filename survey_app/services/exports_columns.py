"""What each export column holds, decided once per column so the writers never guess per cell.

Kinds: ``text`` (leading columns, free text), ``day`` (the submission day), ``code_number`` (a categorical whose
codes are all whole numbers: written as numbers), ``code_text`` (other categoricals), ``flag`` (0/1), ``integer``,
``decimal`` and ``date`` (answers ``YYYY-MM-DD``). Also home of the text-cell hooks of CSV and XLSX.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable, Iterable
from datetime import date

from openpyxl.cell import WriteOnlyCell

from questionnaires.codebook import Codebook, Variable
from questionnaires.record import LEADING_COLUMNS, SYSTEM_MISSING, value_text
from survey_app.services.cell_safety import csv_text, starts_formula, xml_text

NUMERIC_KINDS = frozenset({"code_number", "flag", "integer", "decimal"})


def column_kinds(codebook: Codebook) -> list[str]:
    """One kind per column of the export, leading columns first."""
    leading = ["day" if name == "submitted_on" else "text" for name in LEADING_COLUMNS]
    return leading + [variable_kind(v) for v in codebook.variables]


def variable_kind(variable: Variable) -> str:
    if variable.type == "categorical":
        return "code_number" if numeric_codes(variable) else "code_text"
    if variable.type in ("flag", "integer", "decimal", "date"):
        return variable.type
    return "text"


def numeric_codes(variable: Variable) -> bool:
    """A categorical whose codes (missing ones included) are all whole numbers."""
    codes = [v.code for v in variable.values] + list(variable.missing_codes)
    return bool(codes) and all(_is_whole(c) for c in codes)


def _is_whole(code: str) -> bool:
    return code.lstrip("-").isdigit()


def as_number(value: object) -> object:
    """A code or stored number as a number (``"3"`` -> 3, ``"-97"`` -> -97); anything else as it is."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value) if isinstance(value, float) and value.is_integer() else value
    try:
        return int(str(value))
    except ValueError:
        try:
            return float(str(value))
        except ValueError:
            return value


def as_date(value: object) -> object:
    """An answer ``YYYY-MM-DD`` as a date; a missing code (or anything unreadable) as it is."""
    if isinstance(value, str) and value not in SYSTEM_MISSING:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def csv_cell_text(text: str) -> str:
    """Every text cell of a CSV export passes here, once: the one place for rules on what a spreadsheet may be
    given as text (formula neutralisation, :mod:`survey_app.services.cell_safety`, applied here, not by callers)."""
    return csv_text(text)


def xlsx_text_cell(sheet, text: str) -> object:
    """Every text cell of an XLSX export passes here, once (``sheet``: the write-only worksheet, for a styled
    cell): the one place for rules on text in a workbook (formulas, characters XML forbids).

    Plain text stays a plain string (a styled cell per text cell would slow a large export); only text that a
    spreadsheet would read as a formula becomes a string cell marked ``quotePrefix``, the value as typed.
    """
    text = xml_text(text)
    if not starts_formula(text):
        return text
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl makes any "=..." a formula; this keeps the text as typed
    cell.quotePrefix = True  # and editing the cell in Excel keeps it text
    return cell


def plain_text(value: object) -> str:
    """A non-text value as export text: whole floats without ``.0``, true/false as 1/0 (as in SPSS and Stata), so
    that 1, 1.0 and True, equal as dictionary keys, also read the same."""
    return value_text(int(value) if isinstance(value, bool) else value)


def csv_value(value: object) -> str:
    """A value as CSV text: numbers by :func:`plain_text`, text through :func:`csv_cell_text`."""
    if isinstance(value, str):
        return csv_cell_text(value)
    return plain_text(value)


def csv_columns(count: int) -> list[ColumnMemo]:
    """One converter per column of a CSV export, kept for the whole export: each distinct value of a column is
    made into its CSV field once (:func:`csv_value`: whole floats without ``.0``, every text through
    :func:`csv_cell_text`; then quoted as ``csv.writer`` quotes it), not once per chunk: codes, missing codes,
    units and days repeat down a column."""
    return [ColumnMemo(lambda value: csv_field(csv_value(value)), limit=CSV_MEMO_LIMIT) for _ in range(count)]


def csv_line(values: list[str]) -> str:
    """A row of text as ``csv.writer`` writes it in an export (the excel dialect), without its line end."""
    line = getattr(_LINE, "buffer", None)
    if line is None:  # one buffer per thread: exports may run in a worker's threads
        line = _LINE.buffer = io.StringIO()
        _LINE.writer = csv.writer(line)
    line.seek(0)
    line.truncate()
    _LINE.writer.writerow(values)
    return line.getvalue()[:-2]


def csv_field(text: str) -> str:
    """One field as ``csv.writer`` writes it inside a row (quoted only when it must be)."""
    return csv_line([text, ""])[:-1]  # alone, an empty field would be written as ``""``


_LINE = threading.local()


#: Distinct values a CSV column remembers before it starts afresh: free text and response keys rarely repeat, and
#: a memo of all of them would grow with the export.
CSV_MEMO_LIMIT = 20_000


class ColumnMemo(dict):
    """``value -> converted value``, converting each distinct value of a column once; :meth:`column` then
    converts a whole chunk's column by ``map`` over the look-up, in C, not a Python step per cell.

    Values that are equal as dictionary keys (``1``, ``1.0``, ``True``) share one entry, so ``convert`` must
    give them the same result (whole floats print as integers, true/false as 1/0). With a ``limit``, the memo
    forgets everything once it holds that many values (a column whose values rarely repeat)."""

    __slots__ = ("convert", "limit")

    def __init__(self, convert: Callable[[object], object], limit: int | None = None):
        super().__init__()
        self.convert = convert
        self.limit = limit

    def __missing__(self, value: object) -> object:
        if self.limit is not None and len(self) >= self.limit:
            self.clear()
        converted = self[value] = self.convert(value)
        return converted

    def column(self, values: Iterable[object]) -> list[object]:
        try:
            return list(map(self.__getitem__, values))
        except TypeError:  # a value that cannot be a dictionary key (a list where text was expected)
            return [self.convert(v) for v in values]


def xlsx_text_column(sheet, values: list[object]) -> list[object]:
    """A chunk's column of cells for XLSX, every text through :func:`xlsx_text_cell`, each distinct text of the
    column judged once (codes, units and missing codes repeat down a column)."""
    seen: dict[str, object] = {}
    return [(seen[v] if v in seen else seen.setdefault(v, xlsx_text_cell(sheet, v))) if type(v) is str else v
            for v in values]
