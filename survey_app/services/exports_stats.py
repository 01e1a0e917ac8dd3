"""SPSS ``.sav`` and Stata ``.dta`` exports (pyreadstat), with variable labels, value labels and missing codes.

pyreadstat writes a whole frame, so the frame is built to be small: the streamed chunks are turned into one typed
numpy array per column (``int8``/``int16`` for codes and flags, ``float64`` for numbers, shared string objects
for codes and days), never a frame of Python objects per cell, and the frame is made from them without a copy.

SPSS: categoricals with whole-number codes are numeric, other codes are strings; -97, -99 and the variable's first
own missing code ("don't know") are user-missing values (SPSS allows three). Stata has no user-missing values and
labels only integers: -97 and -99 stay as labelled codes (``mvdecode _all, mv(-97=.a \\ -99=.b)`` makes them
missing), and a categorical with letter codes is numbered 1..k in codebook order with the options as labels. Both
files get the codebook JSON beside them (``<name>.codebook.json``), which :func:`analysis.io.read_export` uses.
Date answers are ISO text (``YYYY-MM-DD``) so that their missing codes stay apart; the submission day is a date.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from questionnaires.codebook import Codebook, Variable
from questionnaires.record import LEADING_COLUMNS, SYSTEM_MISSING, SYSTEM_MISSING_LABELS
from survey_app.services.errors import OperatorError
from survey_app.services.export_records import UnreadableRecords, typed_columns
from survey_app.services.exports_columns import ColumnMemo, as_number, column_kinds, plain_text
from survey_app.services.exports_csv import write_codebook_json
from survey_app.services.exports_source import ExportSource, Progress, partial_path

STATA_LABEL_LENGTH = 80
#: Record lines parsed at once: the parser's fixed cost per call is then paid 20 times per 100,000 rows, not 100
#: (1.0 s less than by chunk); more lines at once are no faster and hold more memory (10,000: +28 MB).
PARSE_ROWS = 5_000


def write_sav(source: ExportSource, path: Path, language: str = "vi",
              progress: Progress | None = None) -> list[tuple[Path, Path]]:
    import pyreadstat

    frame = _frame(source, progress, stata=False)
    labels, value_labels, missing = _metadata(source.codebook, language, stata=False)
    partial = partial_path(path)
    _written_by(lambda: pyreadstat.write_sav(frame, str(partial), column_labels=labels,
                                             variable_value_labels=value_labels, missing_ranges=missing), path)
    return [(path, partial), write_codebook_json(source, path)]


def write_dta(source: ExportSource, path: Path, language: str = "vi",
              progress: Progress | None = None) -> list[tuple[Path, Path]]:
    import pyreadstat

    frame = _frame(source, progress, stata=True)
    labels, value_labels, _ = _metadata(source.codebook, language, stata=True)
    labels = [label[:STATA_LABEL_LENGTH] for label in labels]
    partial = partial_path(path)
    _written_by(lambda: pyreadstat.write_dta(frame, str(partial), column_labels=labels,
                                             variable_value_labels=value_labels), path)
    return [(path, partial), write_codebook_json(source, path)]


def _written_by(write: Callable[[], None], path: Path) -> None:
    import pyreadstat

    try:
        write()
    except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError) as error:
        raise OperatorError(f"{path.name}: cannot be written ({error})") from error


def _frame(source: ExportSource, progress: Progress | None, stata: bool):
    """One typed array per column, built chunk by chunk, then a frame over them (no copy).

    The variables' columns come typed from pandas' C parser over the chunk's record lines (:func:`_parsed`);
    text columns stay numpy ``object`` arrays in the frame (``dtype=object`` said explicitly): pandas 3 would
    otherwise turn them into its ``str`` dtype, which costs a copy here and, in pyreadstat's writer, a Python
    call per cell when it reads them back (about 0.6 s of 100,000 rows)."""
    import pandas as pd

    lead = len(LEADING_COLUMNS)
    kinds = column_kinds(source.codebook)
    variables = [None] * lead + list(source.codebook.variables)
    builders = [_builder(kind, variable, stata) for kind, variable in zip(kinds, variables, strict=True)]
    dtypes = [_number_dtype(kind, variable) or object for kind, variable in zip(kinds[lead:], variables[lead:],
                                                                                 strict=True)]
    parts: list[list[np.ndarray]] = [[] for _ in builders]
    pending: list[str] = []

    def parse_pending() -> None:
        for position, values in enumerate(_parsed(pending, dtypes), start=lead):
            parts[position].append(builders[position](values, position))
        pending.clear()

    for chunk in source.read(progress):
        for position, values in enumerate(chunk.leading):
            parts[position].append(builders[position](values, position))
        pending.extend(chunk.lines)
        if len(pending) >= PARSE_ROWS:
            parse_pending()
    parse_pending()
    columns = {}
    for name, pieces in zip(source.columns, parts, strict=True):
        array = np.concatenate(pieces) if pieces else np.array([], dtype=object)
        pieces.clear()
        columns[name] = pd.Series(array, dtype=object, copy=False) if array.dtype == object else array
    return pd.DataFrame(columns, copy=False)


def _parsed(lines: list[str], dtypes: list[object]) -> list[np.ndarray]:
    """A chunk's record lines as one array per variable, typed by the parser; a value that does not fit its
    type sends the chunk through the text path instead, whose builders name the value."""
    try:
        return typed_columns(lines, dtypes)
    except UnreadableRecords:  # a ValueError too, but no other reading of the lines would mend it
        raise
    except (ValueError, OverflowError):
        return typed_columns(lines, [object] * len(dtypes))


def _number_dtype(kind: str, variable: Variable | None) -> type | None:
    """The numeric type a column of ``kind`` is written as (codes and flags: the smallest integer that holds them;
    integers and decimals: float64, for their missing codes and the system-missing value), None for text: what
    the parser types a variable's text as, and what its builder converts to."""
    if kind in ("code_number", "flag"):
        return _code_dtype(variable)
    if kind in ("integer", "decimal"):
        return np.float64
    return None


def _builder(kind: str, variable: Variable | None, stata: bool) -> Callable[[Sequence, int], np.ndarray]:
    dtype = _number_dtype(kind, variable)
    if dtype is not None:
        return lambda values, _: _numbers(values, dtype, variable)
    if kind == "code_text" and stata:
        positions = {value.code: number for number, value in enumerate(variable.values, start=1)}
        positions.update({code: int(code) for code in SYSTEM_MISSING})
        memo = ColumnMemo(lambda v: _number_of(variable)(positions.get(v, v)))
        return lambda values, _: _numbers(memo.column(values), np.int16, variable)
    # codes, units, days, free text, dates: one object per distinct value, not one per cell, so that repeated
    # answers are held once and the parsed chunks they came from can be freed whole
    if kind == "day":
        memo = ColumnMemo(lambda v: v)
    elif kind == "code_text":
        memo = ColumnMemo(plain_text)
    elif kind == "text" and variable is None:  # leading columns: the response key is unique, the rest repeat
        memo = ColumnMemo(lambda v: v)
        return lambda values, position: np.array(values if position == 0 else memo.column(values), dtype=object)
    else:
        memo = ColumnMemo(lambda v: v if isinstance(v, str) else plain_text(v))
    return lambda values, _: np.array(memo.column(values), dtype=object)


def _number_of(variable: Variable) -> Callable[[object], object]:
    """A stored code or number as a number (``"3"`` -> 3, ``"3.0"`` -> 3), or an error naming the value."""
    def number(value: object) -> object:
        converted = as_number(value)
        if not isinstance(converted, int | float):
            raise OperatorError(f"variable {variable.name}: stored value {value!r} is not a number")
        return converted
    return number


def _code_dtype(variable: Variable) -> type:
    codes = [int(v.code) for v in variable.values] + [int(c) for c in SYSTEM_MISSING] + [0, 1]
    for dtype in (np.int8, np.int16, np.int32):
        info = np.iinfo(dtype)
        if info.min <= min(codes) and max(codes) <= info.max:
            return dtype
    return np.float64


def _numbers(values, dtype, variable: Variable) -> np.ndarray:
    """A column as numbers: numpy converts the stored codes and numbers (``"3"``, ``-97``, ``7.5``) in one call;
    only a column it refuses is read value by value, to convert ``"3.0"`` or name the value that is no number."""
    try:
        return np.asarray(values, dtype=dtype)  # no copy when the parser typed the column already
    except (TypeError, ValueError, OverflowError):
        pass
    try:
        return np.array([as_number(v) for v in values], dtype=dtype)
    except (TypeError, ValueError, OverflowError) as error:
        bad = next((v for v in values if not isinstance(as_number(v), int | float)), None)
        raise OperatorError(f"variable {variable.name}: stored value {bad!r} is not a number ({error})") from error


def _metadata(codebook: Codebook, language: str, stata: bool):
    """Variable labels (a list in column order), value labels and (SPSS) user-missing values."""
    kinds = column_kinds(codebook)[len(LEADING_COLUMNS):]
    labels = list(LEADING_COLUMNS) + [v.label.get(language) for v in codebook.variables]
    value_labels, missing = {}, {}
    for variable, kind in zip(codebook.variables, kinds, strict=True):
        key = _code_key(variable, kind, stata)
        if key is None:
            continue
        system = {key(code): text.get(language) for code, text in SYSTEM_MISSING_LABELS.items()}
        value_labels[variable.name] = {**{key(v.code): v.label.get(language) for v in variable.values}, **system}
        missing[variable.name] = [key(code) for code in (*SYSTEM_MISSING, *variable.missing_codes[:1])]
    return labels, value_labels, missing


def _code_key(variable: Variable, kind: str, stata: bool) -> Callable[[str], object] | None:
    """How a code is written in the file: a number, text, or (Stata, letter codes) its position 1..k."""
    if kind in ("code_number", "flag", "integer", "decimal"):
        return int
    if stata and kind == "code_text":
        positions = {value.code: number for number, value in enumerate(variable.values, start=1)}
        return lambda code: positions[code] if code in positions else int(code)
    return None if stata else str
