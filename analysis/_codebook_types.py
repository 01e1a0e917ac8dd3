"""Turn one codebook variable's export text into its pandas type (private helper of :mod:`analysis.io`).

Every converter receives text with the missing codes already replaced by None, and refuses a value the codebook
does not allow, naming the file, the row (as a spreadsheet shows it: header is row 1) and the column.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from .errors import ExportError

VARIABLE_TYPES = ("categorical", "flag", "integer", "decimal", "text", "date")


def convert(text: pd.Series, variable: Mapping, source: str) -> pd.Series:
    """Dispatch on the codebook ``type``."""
    kind = variable["type"]
    converter = _CONVERTERS.get(kind)
    if converter is None:
        raise _error(source, None, variable["name"], f"unknown variable type {kind!r} (expected {VARIABLE_TYPES})")
    return converter(text, variable, source)


def _error(source: str, row: object, column: str, message: str) -> ExportError:
    where = f"{source}: row {row}, column {column}" if row is not None else f"{source}: column {column}"
    return ExportError(f"{where}: {message}")


def _first_bad(text: pd.Series, ok: pd.Series) -> tuple[object, object] | None:
    bad = text.notna() & ~ok
    if not bad.any():
        return None
    position = int(bad.to_numpy().nonzero()[0][0])
    return position + 2, text.iloc[position]


def _categorical(text: pd.Series, variable: Mapping, source: str) -> pd.Series:
    missing = {str(c) for c in variable.get("missing_codes", [])}
    codes = [str(v["code"]) for v in variable.get("values", [])]
    valid = [c for c, v in zip(codes, variable.get("values", []), strict=True) if not v.get("missing")
             and c not in missing]
    position = pd.Index(codes, dtype=object).get_indexer(text.astype(object))  # one hash lookup per cell
    found = _first_bad(text, pd.Series(position >= 0, index=text.index))
    if found:
        row, value = found
        raise _error(source, row, variable["name"], f"{value!r} is not one of its codes {codes}")
    # An option marked missing but not listed in missing_codes is missing too (index -1: the appended -1).
    to_category = np.array([valid.index(c) if c in valid else -1 for c in codes] + [-1])
    categorical = pd.Categorical.from_codes(to_category[position], categories=valid)
    return pd.Series(categorical, index=text.index, name=text.name)


def _flag(text: pd.Series, variable: Mapping, source: str) -> pd.Series:
    found = _first_bad(text, text.isin(["0", "1"]))
    if found:
        row, value = found
        raise _error(source, row, variable["name"], f"a flag is 0 or 1, not {value!r}")
    return pd.to_numeric(text).astype("Int64")


def _number(text: pd.Series, variable: Mapping, source: str, integer: bool) -> pd.Series:
    numbers = pd.to_numeric(text, errors="coerce")
    ok = numbers.notna() & ((numbers % 1 == 0) if integer else True)
    found = _first_bad(text, ok)
    if found:
        row, value = found
        kind = "a whole number" if integer else "a number"
        raise _error(source, row, variable["name"], f"{value!r} is not {kind}")
    return numbers.astype("Int64" if integer else float)


def _date(text: pd.Series, variable: Mapping, source: str) -> pd.Series:
    text = text.str.replace(r" 00:00:00$", "", regex=True)  # a date cell of a spreadsheet, read as text
    dates = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    found = _first_bad(text, dates.notna())
    if found:
        row, value = found
        raise _error(source, row, variable["name"], f"{value!r} is not a date YYYY-MM-DD")
    return dates


def _text(text: pd.Series, variable: Mapping, source: str) -> pd.Series:
    return text.astype("string")


_CONVERTERS: dict[str, Callable[[pd.Series, Mapping, str], pd.Series]] = {
    "categorical": _categorical,
    "flag": _flag,
    "integer": lambda t, v, s: _number(t, v, s, integer=True),
    "decimal": lambda t, v, s: _number(t, v, s, integer=False),
    "text": _text,
    "date": _date,
}
