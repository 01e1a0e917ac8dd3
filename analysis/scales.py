"""Scale scores: items scored, reverse-coded where needed, and combined into one score per respondent.

With a parsurvey codebook (passed, or carried by the frame in ``attrs["codebook"]`` as `read_export` leaves it) the
coded items score themselves: each option's rank by weight, so an item written best-first (A = "very good") and one
written worst-first (1 = "very dissatisfied") both score higher for the better answer, and "don't know" and the
system-missing codes are missing. Any other item must hold numbers, and reversed items are named with the range of
the scale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import pandas as pd

from questionnaires.record import SYSTEM_MISSING, value_text

from ._export_contract import frame_codebook

ScoreMethod = Literal["mean", "sum"]


def scale_items(source: pd.DataFrame | Mapping | object, scale: str | None = None, section: str | None = None,
                criterion: str | None = None, item: str | None = None) -> list[str]:
    """The codebook variables that make up a scale, in codebook order.

    Parameters
    ----------
    source : pandas.DataFrame, dict or Codebook
        A frame that carries its codebook (from `read_export` / `read_database`), or a parsurvey codebook (its
        JSON or an object with ``to_json()``).
    scale : str, optional
        Keep variables answered on this option set (e.g. ``"likert5_satisfaction"``).
    section : str, optional
        Keep variables of this questionnaire section.
    criterion : str, optional
        Keep variables mapped to this PAR criterion or to one below it (``"F1.C1"`` keeps ``"F1.C1.S2"``).
    item : str, optional
        Keep the variables of one item (the rows of a matrix).

    Returns
    -------
    list of str
        Variable names; an error when none matches, so an empty scale never goes unnoticed.
    """
    variables = _codebook_variables(source).values()
    chosen = [
        v["name"] for v in variables
        if (scale is None or v.get("scale") == scale)
        and (section is None or v.get("section") == section)
        and (item is None or v.get("item") == item)
        and (criterion is None or str(v.get("criterion") or "") == criterion
             or str(v.get("criterion") or "").startswith(criterion + "."))
    ]  # fmt: skip
    if not chosen:
        raise ValueError(f"no codebook variable matches scale={scale!r}, section={section!r}, "
                         f"criterion={criterion!r}, item={item!r}")
    return chosen


def item_scores(
    data: pd.DataFrame,
    items: Sequence[str],
    reverse: Sequence[str] = (),
    scale_min: float | None = None,
    scale_max: float | None = None,
    codebook: Mapping | object | None = None,
) -> pd.DataFrame:
    """Numeric item scores, reverse-coded where needed, ready for :func:`cronbach_alpha` or :func:`scale_scores`.

    Parameters
    ----------
    data : pandas.DataFrame
        Answers: numbers, numeric codes, or option codes (e.g. as read by :func:`analysis.io.read_export`).
    items : sequence of str
        Item columns.
    reverse : sequence of str, optional
        Items to reverse: ``x -> scale_min + scale_max - x``.
    scale_min, scale_max : float, optional
        Range of the response scale; required to reverse items the codebook does not code.
    codebook : dict or Codebook, optional
        A parsurvey codebook (its JSON or an object with ``to_json()``). **Default**: the one `data` carries in
        ``attrs["codebook"]``, if any. The valid options (neither missing nor system-missing) of each item the
        codebook codes are scored 1..m in the order of their weights, lowest weight first, so a scale written
        best-first (A = "very good", weight 1.0) scores "very good" highest: the codebook decides which items run
        backwards. Without weights, options score 1..m in codebook order. ``reverse`` then applies on top, with
        the range 1..m. An item the codebook does not code (absent, or without options) must hold numbers.

    Returns
    -------
    pandas.DataFrame
        One float column per item; a missing or "don't know" answer is NaN.
    """
    absent = [c for c in [*items, *reverse] if c not in data.columns]
    if absent:
        raise ValueError(f"items {absent} are not columns of the data")
    unknown_reverse = [c for c in reverse if c not in items]
    if unknown_reverse:
        raise ValueError(f"reverse items {unknown_reverse} are not among the scale's items {list(items)}")
    book = codebook if codebook is not None else frame_codebook(data)
    variables = _codebook_variables(book) if book is not None else {}
    scores = {}
    for item in items:
        if variables.get(item, {}).get("values"):
            scores[item], low, high = _score_from_codebook(data[item], item, variables)
        else:
            hint = "the codebook lists no options for it" if variables else "pass codebook= to score them"
            scores[item], low, high = _numeric_item(data[item], item, hint), scale_min, scale_max
        if item in reverse:
            if low is None or high is None:
                raise ValueError(f"to reverse {item!r} give scale_min and scale_max (or a codebook)")
            scores[item] = low + high - scores[item]
    return pd.DataFrame(scores, index=data.index)


def scale_scores(
    data: pd.DataFrame,
    items: Sequence[str],
    reverse: Sequence[str] = (),
    scale_min: float | None = None,
    scale_max: float | None = None,
    method: ScoreMethod = "mean",
    min_valid: int | None = None,
    codebook: Mapping | object | None = None,
) -> pd.Series:
    """One score per respondent: the mean (or prorated sum) of the scale's item scores.

    Parameters
    ----------
    data, items, reverse, scale_min, scale_max, codebook
        As in :func:`item_scores`.
    method : {"mean", "sum"}, default "mean"
        ``"mean"`` of the answered items, or ``"sum"``: that mean times the number of items (a prorated sum, so
        a respondent who skipped an allowed item is not scored lower for it).
    min_valid : int, optional
        Fewest answered items for a score; a respondent with fewer gets NaN. **Default**: every item must be
        answered (no imputation unless asked for).

    Returns
    -------
    pandas.Series
        Named ``"score"``, aligned with ``data``.
    """
    if method not in ("mean", "sum"):
        raise ValueError(f"method must be 'mean' or 'sum', not {method!r}")
    k = len(items)
    needed = k if min_valid is None else min_valid
    if not 1 <= needed <= k:
        raise ValueError(f"min_valid must be between 1 and the number of items ({k}), got {min_valid}")
    scores = item_scores(data, items, reverse, scale_min, scale_max, codebook)
    answered = scores.notna().sum(axis=1)
    mean = scores.mean(axis=1).where(answered >= needed)
    return (mean if method == "mean" else mean * k).rename("score")


def _numeric_item(column: pd.Series, item: str, hint: str) -> pd.Series:
    values = column.astype(object).where(column.notna(), None)
    numeric = pd.to_numeric(values, errors="coerce")
    bad = column.notna() & numeric.isna()
    if bad.any():
        examples = sorted({str(v) for v in column[bad]})[:3]
        raise ValueError(f"item {item!r} holds non-numeric codes {examples}; {hint}")
    return numeric.astype(float)


def _codebook_variables(source) -> dict[str, dict]:
    data = frame_codebook(source) if isinstance(source, pd.DataFrame) else source
    if data is None:
        raise ValueError("this frame carries no codebook; read it with read_export or read_database, or pass one")
    data = data.to_json() if hasattr(data, "to_json") else data
    return {v["name"]: v for v in data.get("variables", [])}


def _score_from_codebook(column: pd.Series, item: str, variables: Mapping[str, dict]):
    """Score one item by the rank of its options' weights; returns the scores and the range 1..m."""
    variable = variables[item]
    missing_codes = {str(c) for c in variable.get("missing_codes", [])}
    valid = [v for v in variable["values"] if not v.get("missing") and str(v["code"]) not in missing_codes]
    if any(v.get("weight") is not None for v in valid):
        valid = sorted(valid, key=lambda v: (v.get("weight") is None, v.get("weight") or 0.0))
    points = {str(v["code"]): float(rank) for rank, v in enumerate(valid, start=1)}
    codes = column.dropna().astype(object).map(_code_text)
    known = {str(v["code"]) for v in variable["values"]} | missing_codes | set(SYSTEM_MISSING)
    strange = sorted(set(codes) - known)
    if strange:
        raise ValueError(f"item {item!r} holds codes {strange[:3]} that its codebook does not list")
    scored = codes.map(points).reindex(column.index)
    return scored.astype(float), 1.0, float(len(valid))


def _code_text(code: object) -> str:
    """Codes as the codebook writes them: 3.0 read from a numeric column is the code "3"."""
    return value_text(code)
