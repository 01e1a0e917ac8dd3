"""Text that a spreadsheet can neither run nor choke on: applied by the export writers to every cell they write.

An answer typed through an open link reaches the analysts' workbook; a cell starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is a formula to Excel and LibreOffice (``=HYPERLINK(...)``, DDE ``=cmd|...``).
OWASP's rule (https://owasp.org/www-community/attacks/CSV_Injection) is to make such cells text: in CSV by a
leading apostrophe, in XLSX by a string cell marked ``quotePrefix`` (the value itself stays exactly as typed). Plain
numbers such as ``-97`` are left alone: they cannot be formulas and are the export's missing codes.

XML 1.0 forbids most control characters, so an XLSX cannot hold them (openpyxl refuses the whole file); they are
removed here. Answers are stripped of them at input already (``questionnaires.answer_values``); this covers rows
stored before that and text from other sources (unit names, labels).
"""

from __future__ import annotations

import re

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")
# A field (at the start or after a comma) that may start a formula: quoted, any trigger; unquoted, =, @, tab or
# CR, or + and - unless a plain number (digits, an optional point, an exponent) runs to the field's end.
_SUSPECT_FIELD = re.compile(
    r'(?:^|,)(?:"[=+\-@\t\r]|[=@\t\r]|[+-](?!(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?:,|\Z)))')
# C0 controls except tab, newline and carriage return; the non-characters U+FFFE/U+FFFF; lone surrogates.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def starts_formula(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula (and it is not simply a number)."""
    return text.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(text)


def may_start_formula(line: str) -> bool:
    """Whether a field of ``line`` (a row as ``csv.writer`` writes it) may be one :func:`starts_formula` judges a
    formula: never false when one is, sometimes true when none is (a comma inside quoted text), so that a writer
    can pass most lines through unread and read only these. A field starts the line or follows a comma; a quoted
    field starting with a trigger is suspect whatever follows, an unquoted one unless it is a plain number."""
    return _SUSPECT_FIELD.search(line) is not None


def csv_text(text: str) -> str:
    """``text`` for a CSV cell: a leading apostrophe before anything a spreadsheet would run."""
    return "'" + text if starts_formula(text) else text


def xml_text(text: str) -> str:
    """``text`` without the characters an XLSX (XML 1.0) cannot contain."""
    return _XML_FORBIDDEN.sub("", text)
