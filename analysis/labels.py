"""Labels of a tidy frame's variables and codes, in Vietnamese or English, from the codebook it carries.

A frame read by :func:`analysis.io.read_export` or :func:`analysis.io.read_database` keeps its codebook in
``frame.attrs["codebook"]``; these look-ups also accept the codebook JSON itself. A label missing in the language
asked for falls back to Vietnamese.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ._docs import fill_doc
from ._export_contract import codebook_json, frame_codebook


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
    book = frame_codebook(source) if isinstance(source, pd.DataFrame) else codebook_json(source)
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
