"""Turn the raw strings a form posts into typed answers, one function per kind of item.

Each parser returns ``(value, problem)``: ``value`` is None when the field was left empty or could not be read,
and ``problem`` is ``(kind, params)`` for ``AnswerProblem`` or None. Bounds and constraints are checked later.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date

from questionnaires import date_bounds
from questionnaires.model import Item, ItemType

TEXT_LIMITS = {ItemType.TEXT: 500, ItemType.LONG_TEXT: 5000}
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
# Longer numbers are typing accidents (and Python refuses to read ints of 4,300+ digits): "not a whole number".
MAX_DIGITS = 18
# Word pastes a line break inside a paragraph as a vertical tab (and a page break as a form feed).
_LINE_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})
# Other control characters cannot be typed, PostgreSQL refuses NUL, and spreadsheets refuse them all.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")

Parsed = tuple[object, tuple[str, dict] | None]


def parse_value(item: Item, raw: Sequence[str]) -> Parsed:
    """The typed value of one variable of ``item`` from its posted strings."""
    strings = [s.strip() for s in raw if isinstance(s, str) and s.strip() != ""]
    if item.type is ItemType.MULTIPLE_CHOICE:
        return _codes(item, strings)
    if not strings:
        return None, None
    if len(set(strings)) > 1 and item.type.has_options:
        return None, ("not_an_option", {"value": strings})  # one choice only; a forged post sends several
    text = strings[0]
    if item.type.has_options:
        return _code(item, text)
    if item.type is ItemType.INTEGER:
        return _integer(text)
    if item.type is ItemType.DECIMAL:
        return _decimal(text)
    if item.type is ItemType.DATE:
        return _date(text)
    return _text(item, [s for s in raw if isinstance(s, str)][0].strip())


def _code(item: Item, text: str) -> Parsed:
    if item.scale is None or text not in item.scale.codes:
        return None, ("not_an_option", {"value": text})
    return text, None


def _codes(item: Item, strings: list[str]) -> Parsed:
    codes = item.scale.codes if item.scale else ()
    unknown = [s for s in strings if s not in codes]
    if unknown:
        return None, ("not_an_option", {"value": unknown[0]})
    chosen = [c for c in codes if c in strings]  # questionnaire order, no duplicates
    return (chosen or None), None


def _integer(text: str) -> Parsed:
    if not _INTEGER.match(text) or len(text.lstrip("+-")) > MAX_DIGITS:
        return None, ("not_an_integer", {"value": text[:40]})
    return int(text), None


def _decimal(text: str) -> Parsed:
    """A number; a decimal comma (Vietnamese habit: ``3,5``) is read as a decimal point."""
    if not _DECIMAL.match(text) or len(text) > 40:
        return None, ("not_a_number", {"value": text[:40]})
    number = float(text.replace(",", "."))
    if not math.isfinite(number):
        return None, ("not_a_number", {"value": text})
    return number, None


def _date(text: str) -> Parsed:
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text).isoformat(), None
    except ValueError:
        return None, ("not_a_date", {"value": text})


def _text(item: Item, text: str) -> Parsed:
    limit = item.max_length or TEXT_LIMITS[item.type]
    text = clean_text(text)
    if len(text) > limit:
        return None, ("too_long", {"max_length": limit, "length": len(text)})
    return text, None


def clean_text(text: str) -> str:
    """Typed text as stored: Windows line ends and Word's vertical tabs as newlines, other control characters
    (NUL, ESC...) dropped, since nobody types them and neither PostgreSQL nor a spreadsheet accepts them all."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").translate(_LINE_BREAKS)).replace("\r", "\n")


def bound_problem(item: Item, value: object, today: date | None = None) -> tuple[str, dict] | None:
    """``below_min``/``above_max`` for numbers and ISO dates (which compare correctly as text).

    A date bound relative to the day of answering (``max: today``) is resolved on ``today`` (default: the day of
    answering in Vietnam), and the message names the resolved date.
    """
    if value is None or item.type not in (ItemType.INTEGER, ItemType.DECIMAL, ItemType.DATE):
        return None
    low, high = item.min, item.max
    if item.type is ItemType.DATE:
        low, high = date_bounds.resolve(low, today), date_bounds.resolve(high, today)
    if low is not None and value < low:
        return "below_min", {"min": low, "value": value}
    if high is not None and value > high:
        return "above_max", {"max": high, "value": value}
    return None


def is_missing(value: object) -> bool:
    """The contract's missing answer: None, an empty string or an empty list."""
    return value is None or value == "" or (isinstance(value, list | tuple) and len(value) == 0)
