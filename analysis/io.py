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

from ._docs import fill_doc

#: The columns an export starts with, before the codebook variables.
LEADING_COLUMNS: tuple[str, ...] = (
    "response_id", "survey", "questionnaire", "questionnaire_version", "unit", "unit_level", "group", "mode",
    "submitted_on",
)  # fmt: skip

#: System-missing codes of every variable: not applicable, not answered.
SYSTEM_MISSING: tuple[str, ...] = ("-97", "-99")


class ExportError(ValueError):
    """An export or codebook that cannot be read as parsurvey wrote it; the message names file, row and column."""


def read_export(path: str | Path, codebook: Mapping | object | None = None) -> pd.DataFrame:
    """Read a parsurvey response export into a tidy DataFrame with its codebook applied.

    Parameters
    ----------
    path : str or Path
        ``.csv`` (its codebook is read from the ``.codebook.json`` beside it), ``.xlsx`` (sheets ``responses`` and
        ``codebook``) or ``.sav`` (SPSS: the ``.codebook.json`` beside it when there is one, else the codebook
        rebuilt from the file's variable labels, value labels and user-missing values).
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
        from analysis._export_formats import read_xlsx_export

        raw, stored = read_xlsx_export(path)
    elif suffix == ".sav":
        from analysis._export_formats import read_sav_export

        raw, stored = read_sav_export(path)
        if _sidecar(path).is_file():
            stored = _read_codebook_json(_sidecar(path))
    else:
        raise ExportError(f"{path}: cannot read {suffix or 'files without a suffix'}; expected .csv, .xlsx or .sav")
    book = _codebook_json(codebook) if codebook is not None else stored
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
    from analysis._database import answer_text, fetch_survey

    definition, rows = fetch_survey(url, survey)
    book = _codebook_json(codebook) if codebook is not None else _codebook_of_snapshot(definition)
    raw = pd.DataFrame({name: [str(r[name]) if r[name] is not None else None for r in rows]
                        for name in LEADING_COLUMNS})
    for variable in book["variables"]:
        raw[variable["name"]] = [answer_text(r["answers"] or {}, variable) for r in rows]
    return apply_codebook(raw, book, source=f"survey {survey}")


def _codebook_of_snapshot(definition: Mapping) -> dict:
    from questionnaires.codebook import build_codebook
    from questionnaires.loader import QuestionnaireError, from_snapshot

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
    book = _codebook_json(codebook)
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


@fill_doc
def value_labels(source: pd.DataFrame | Mapping, variable: str, language: str = "vi") -> dict[str, str]:
    """The option labels of a variable, code -> label in ``language`` (falling back to Vietnamese).

    Parameters
    ----------
    {label_source}
    language : str, default "vi"
        Label language.

    Returns
    -------
    dict
        Every option of the variable, missing ones included, in codebook order.
    """
    entry = _variable_entry(source, variable)
    return {str(v["code"]): _text(v.get("label"), language) for v in entry.get("values", [])}


@fill_doc
def variable_label(source: pd.DataFrame | Mapping, variable: str, language: str = "vi") -> str:
    """The question text of a variable.

    Parameters
    ----------
    {label_source}
    language : str, default "vi"
        Label language; falls back to Vietnamese, then to the variable's name.

    Returns
    -------
    str
    """
    return _text(_variable_entry(source, variable).get("label"), language) or variable


def label_categories(frame: pd.DataFrame, variable: str, language: str = "vi") -> pd.Series:
    """The variable's codes replaced by their labels, e.g. for a table or a chart's legend.

    Parameters
    ----------
    frame : pandas.DataFrame
        A frame from :func:`read_export` / :func:`read_database`.
    variable : str
        Variable name.
    language : str, default "vi"
        Label language.

    Returns
    -------
    pandas.Series
        Categorical with the labels as categories (same order), or the mapped values for other columns.
    """
    labels = value_labels(frame, variable, language)
    column = frame[variable]
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.rename_categories({c: labels.get(str(c), str(c)) for c in column.cat.categories})
    return column.map(lambda c: labels.get(str(c), c) if pd.notna(c) else c)


def _variable_entry(source, variable: str) -> dict:
    book = source.attrs.get("codebook") if isinstance(source, pd.DataFrame) else _codebook_json(source)
    if not book:
        raise ValueError("this frame carries no codebook; read it with read_export or read_database")
    entry = next((v for v in book.get("variables", []) if v["name"] == variable), None)
    if entry is None:
        raise ValueError(f"{variable!r} is not a variable of the codebook")
    return entry


def _text(label, language: str) -> str:
    if isinstance(label, Mapping):
        return label.get(language) or label.get("vi") or ""
    return "" if label is None else str(label)


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
    return _codebook_json(book, source=path.name)


def _codebook_json(codebook, source: str = "codebook") -> dict:
    book = codebook.to_json() if hasattr(codebook, "to_json") else codebook
    if not isinstance(book, Mapping) or not isinstance(book.get("variables"), list):
        raise ExportError(f"{source}: a codebook is an object with a 'variables' list")
    for i, variable in enumerate(book["variables"]):
        if not isinstance(variable, Mapping) or "name" not in variable or "type" not in variable:
            raise ExportError(f"{source}: variables[{i}] needs a 'name' and a 'type'")
    return dict(book)


def _leading_column(column: pd.Series) -> pd.Series:
    text = column.astype("string").replace("", pd.NA)
    if column.name == "submitted_on":
        return pd.to_datetime(text, errors="coerce")
    return text


def _typed_column(column: pd.Series, variable: Mapping, source: str) -> pd.Series:
    """One variable's values, typed; system-missing and the variable's missing codes become NA."""
    from analysis._codebook_types import convert

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
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
