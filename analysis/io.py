"""Read parsurvey responses into a tidy DataFrame with the codebook applied, without running the web app.

Sources: an export file (CSV beside its ``.codebook.json``, XLSX with ``responses`` and ``codebook`` sheets, SPSS
``.sav``) or the web app's database (:func:`read_database`). Whatever the source, the result is the same:

- one row per response, the leading columns of the export (``response_id`` ... ``submitted_on``), then every
  codebook variable in codebook order;
- categorical variables as pandas ``Categorical`` whose categories are the option codes (the labels stay one
  lookup away: :func:`value_labels`), flags as nullable 0/1 integers, integers as ``Int64``, decimals as floats,
  dates as datetimes;
- not applicable (``-97``), not answered (``-99``) and each variable's own missing codes ("don't know") as NA;
- the codebook JSON in ``frame.attrs["codebook"]``.

A value that contradicts the codebook stops the reading with the file, row and column, never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from questionnaires.codebook import build_codebook
from questionnaires.loader import QuestionnaireError, from_snapshot
from questionnaires.record import record_value, value_text

from ._codebook_types import convert
from ._database import fetch_survey
from ._export_contract import LEADING_COLUMNS, SYSTEM_MISSING, codebook_json
from ._export_formats import read_dta_export, read_sav_export, read_xlsx_export
from .errors import ExportError
from .labels import label_categories, value_labels, variable_label

__all__ = ["LEADING_COLUMNS", "SYSTEM_MISSING", "ExportError", "apply_codebook", "label_categories", "read_codebook",
           "read_database", "read_export", "value_labels", "variable_label"]


def read_export(path: str | Path, codebook: Mapping | object | None = None) -> pd.DataFrame:
    """Read a parsurvey response export into a tidy DataFrame with its codebook applied.

    Parameters
    ----------
    path : str or Path
        ``.csv`` (its codebook is read from the ``.codebook.json`` beside it), ``.xlsx`` (sheets ``responses`` and
        ``codebook``) or ``.sav`` (SPSS: the ``.codebook.json`` beside it when there is one, else the codebook
        rebuilt from the file's variable labels, value labels and user-missing values) or ``.dta`` (Stata, with
        the ``.codebook.json`` beside it).
    codebook : dict or Codebook, optional
        Use this codebook instead of the one stored with the export.

    Returns
    -------
    pandas.DataFrame
        See the module documentation; ``attrs["codebook"]`` holds the codebook JSON.

    Raises
    ------
    ExportError
        Unknown file type, missing file or codebook, or a value that the codebook does not allow.
    """
    path = Path(path)
    if not path.is_file():
        raise ExportError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = _read_csv(path)
        stored = _read_codebook_json(_sidecar(path)) if codebook is None else None
    elif suffix == ".xlsx":
        raw, stored = read_xlsx_export(path)
    elif suffix == ".dta":
        stored = _read_codebook_json(_sidecar(path)) if codebook is None else None
        raw = read_dta_export(path, codebook_json(codebook) if codebook is not None else stored)
    elif suffix == ".sav":
        raw, stored = read_sav_export(path)
        if _sidecar(path).is_file():
            stored = _read_codebook_json(_sidecar(path))
    else:
        raise ExportError(f"{path}: cannot read {suffix or 'files without a suffix'}; "
                          "expected .csv, .xlsx, .sav or .dta")
    book = codebook_json(codebook) if codebook is not None else stored
    return apply_codebook(raw, book, source=path.name)


def read_database(url: str, survey: str, codebook: Mapping | object | None = None) -> pd.DataFrame:
    """Read a survey's submitted responses from the web app's database into the same tidy frame as an export.

    Parameters
    ----------
    url : str
        SQLAlchemy database URL, e.g. ``postgresql+psycopg://user@host/parsurvey`` or ``sqlite:///instance/x.db``.
    survey : str
        The survey's slug.
    codebook : dict or Codebook, optional
        Default: built from the questionnaire version stored with the survey (``questionnaires.codebook``).

    Returns
    -------
    pandas.DataFrame
        As :func:`read_export`; not applicable and not answered are both NA (a response stores only the answers
        of the items that were shown and answered). Ordered by submission date.

    Raises
    ------
    ExportError
        Unknown survey (the message lists the surveys there are), an unreachable database, or stored answers
        that contradict the codebook.
    """
    definition, rows = fetch_survey(url, survey)
    book = codebook_json(codebook) if codebook is not None else _codebook_of_snapshot(definition)
    raw = pd.DataFrame({name: [str(r[name]) if r[name] is not None else None for r in rows]
                        for name in LEADING_COLUMNS})
    for variable in book["variables"]:
        raw[variable["name"]] = [value_text(record_value(variable, r["answers"] or {})) for r in rows]
    return apply_codebook(raw, book, source=f"survey {survey}")


def _codebook_of_snapshot(definition: Mapping) -> dict:
    try:
        return build_codebook(from_snapshot(definition)).to_json()
    except QuestionnaireError as error:
        problems = "; ".join(str(p) for p in error.problems[:3])
        raise ExportError(f"the survey's stored questionnaire cannot be read: {problems}")


def apply_codebook(raw: pd.DataFrame, codebook: Mapping | object, source: str = "data") -> pd.DataFrame:
    """Type and clean a frame of raw export values (text) following a codebook.

    Parameters
    ----------
    raw : pandas.DataFrame
        Values as text, one column per leading column and codebook variable; ``""`` or NaN for an empty cell.
    codebook : dict or Codebook
        The codebook JSON (or an object with ``to_json()``).
    source : str, default "data"
        Name used in error messages (usually the file name).

    Returns
    -------
    pandas.DataFrame
        The tidy frame described in the module documentation.
    """
    book = codebook_json(codebook)
    variables = book.get("variables", [])
    absent = [v["name"] for v in variables if v["name"] not in raw.columns]
    if absent:
        raise ExportError(f"{source}: the codebook's variables {absent[:5]} are not columns of the responses")
    columns = {name: _leading_column(raw[name]) for name in LEADING_COLUMNS if name in raw.columns}
    for variable in variables:
        columns[variable["name"]] = _typed_column(raw[variable["name"]], variable, source)
    frame = pd.DataFrame(columns, index=raw.index)
    frame.attrs["codebook"] = book
    return frame


def read_codebook(path: str | Path) -> dict:
    """Read a ``.codebook.json`` file, or the one beside an export.

    Parameters
    ----------
    path : str or Path
        The codebook file itself, or the export (``out.csv`` reads ``out.codebook.json``).

    Returns
    -------
    dict
        The codebook JSON.
    """
    path = Path(path)
    return _read_codebook_json(path if path.name.endswith(".json") else _sidecar(path))


def _sidecar(path: Path) -> Path:
    return path.with_suffix(".codebook.json")


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as error:
        raise ExportError(f"{path.name}: not a readable CSV export ({error})")


def _read_codebook_json(path: Path) -> dict:
    if not path.is_file():
        raise ExportError(f"{path.name}: the export's codebook is missing (expected beside the responses)")
    try:
        book = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ExportError(f"{path.name}: not valid JSON ({error})")
    return codebook_json(book, source=path.name)


def _leading_column(column: pd.Series) -> pd.Series:
    text = column.astype("string").replace("", pd.NA)
    if column.name == "submitted_on":
        return pd.to_datetime(text, errors="coerce")
    return text


def _typed_column(column: pd.Series, variable: Mapping, source: str) -> pd.Series:
    """One variable's values, typed; system-missing and the variable's missing codes become NA."""
    missing = set(SYSTEM_MISSING) | {str(c) for c in variable.get("missing_codes", [])}
    if pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty"):
        text = column.fillna("").astype(str)  # text cells (CSV), taken as written: no per-cell Python call
    else:
        text = column.map(_cell_text)
    text = text.where(~text.isin(missing | {""}), None)
    return convert(text, variable, source)


def _cell_text(value: object) -> str:
    """A cell as export text: NaN is empty, and 3.0 read from a numeric cell is the code "3"."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return value_text(value).strip()
