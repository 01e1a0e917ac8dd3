"""The value model and the coercions of the expression language (XPath 1.0 rules, made total).

Values are ``''`` (missing, also the empty string), ``str``, ``float`` (every number, as in XPath and in the
browser), ``bool`` and ``tuple[str, ...]`` (the codes of a multiple-choice answer). NaN and infinities never
appear: where XPath would produce them we give ``''`` (no value), which keeps the browser mirror and JSON test
cases exact and makes a missing answer propagate through arithmetic.
"""

from __future__ import annotations

import datetime
import decimal
import math
import re
from collections.abc import Callable

MISSING = ""

# XPath's Number syntax, ASCII digits only (Python's \d would also accept other scripts' digits; JS would not).
_NUMERIC = re.compile(r"[ \t\r\n]*-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[ \t\r\n]*")
# XPath's whitespace; str.split() would also split on no-break spaces, which the browser would not agree on.
_WHITESPACE = re.compile(r"[ \t\r\n]+")


def normalise(value: object) -> object:
    """An answer as the language sees it: absent/None/''/[] become ``''``, ints become floats."""
    if value is None or value == "" or value == []:
        return MISSING
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int | float | decimal.Decimal):
        try:
            return _finite(float(value))
        except OverflowError:  # an int beyond any double
            return MISSING
    if isinstance(value, list | tuple | set | frozenset):
        codes = tuple(str(v) for v in value if v is not None and v != "")
        return codes if codes else MISSING
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _finite(number: float) -> object:
    return number if math.isfinite(number) else MISSING


def to_number(value: object) -> object:
    """A float, or ``''`` when the value is missing or does not look like a number."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    if isinstance(value, tuple):
        value = to_string(value)
    if isinstance(value, str) and _NUMERIC.fullmatch(value):
        return _finite(float(value))
    return MISSING


def to_string(value: object) -> str:
    """The string form: codes joined by spaces, numbers written like JavaScript writes them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, tuple):
        return " ".join(value)
    return str(value)


def format_number(number: float) -> str:
    """JavaScript's ``String(number)`` for finite numbers, so both engines agree on ``string-length(1 div 3)``.

    Both languages print the shortest digits that round-trip; only the placement of the point differs.
    """
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    _, digit_tuple, exponent = decimal.Decimal(repr(abs(number))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    k, n = len(digits), len(digits) + exponent  # n: where the decimal point falls after the digits' start
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return f"{sign}{digits[:n]}.{digits[n:]}"
    if -6 < n <= 0:
        return f"{sign}0.{'0' * -n}{digits}"
    mantissa = digits if k == 1 else f"{digits[0]}.{digits[1:]}"
    return f"{sign}{mantissa}e{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}"


def is_true(value: object) -> bool:
    """XPath boolean(): non-zero numbers, non-empty strings and lists are true; ``''`` and missing are false."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0 and not math.isnan(value)
    if value is None:
        return False
    return len(value) > 0 if isinstance(value, str | tuple | list) else True


def codes_of(value: object) -> tuple[str, ...]:
    """The selected codes of a value: a multiple-choice tuple, or a space-separated string as XLSForm stores it."""
    if isinstance(value, tuple):
        return value
    if value == MISSING:
        return ()
    return tuple(code for code in _WHITESPACE.split(to_string(value)) if code)


def equals(left: object, right: object) -> bool:
    """``=``: booleans if either side is one, numbers if either side is a number, else exact strings.

    A number never equals a missing value or a string that does not look like a number (``!=`` is the negation).
    """
    if isinstance(left, bool) or isinstance(right, bool):
        return is_true(left) == is_true(right)
    if isinstance(left, float) or isinstance(right, float):
        a, b = to_number(left), to_number(right)
        return a != MISSING and b != MISSING and a == b
    return to_string(left) == to_string(right)


def compare(left: object, right: object, test: Callable[[object, object], bool]) -> bool:
    """``<``, ``<=``, ``>``, ``>=``: numbers when both sides are numbers, else code-point order of strings."""
    if left == MISSING or right == MISSING:
        return False
    a, b = to_number(left), to_number(right)
    if a != MISSING and b != MISSING:
        return test(a, b)
    if isinstance(left, float | bool) or isinstance(right, float | bool):
        return False
    return test(to_string(left), to_string(right))
