"""Reliability of a multi-item scale: Cronbach's alpha with Feldt's interval, item-total statistics.

Everything is computed from the items' covariance matrix, so listwise and pairwise handling of missing answers are
one switch: listwise drops every respondent with a missing item first; pairwise (the default, as in R ``psych``
``alpha()`` and pingouin) estimates each covariance from the respondents who answered both items, which keeps the
information of partly answered questionnaires.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

MissingHandling = Literal["pairwise", "listwise"]
ScoreMethod = Literal["mean", "sum"]


@dataclass(frozen=True)
class AlphaResult:
    """Cronbach's alpha of a scale with its confidence interval.

    ``n`` is the number of respondents the interval is based on: the complete cases under listwise handling, the
    respondents with at least one answered item under pairwise handling.
    """

    alpha: float
    ci_low: float
    ci_high: float
    n: int
    k: int
    missing: MissingHandling
    confidence: float


def cronbach_alpha(
    data: pd.DataFrame,
    items: Sequence[str] | None = None,
    missing: MissingHandling = "pairwise",
    confidence: float = 0.95,
) -> AlphaResult:
    """Cronbach's alpha with Feldt's F-based confidence interval.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent, numeric item scores (NaN for a missing answer).
    items : sequence of str, optional
        The scale's item columns; all columns by default.
    missing : {"pairwise", "listwise"}, default "pairwise"
        Pairwise (default): each covariance from the respondents who answered both items, as R ``psych::alpha``
        and pingouin do. Listwise: only respondents who answered every item.
    confidence : float, default 0.95
        Coverage of the interval.

    Returns
    -------
    AlphaResult
        ``alpha = k / (k - 1) * (1 - trace(C) / sum(C))`` for the covariance matrix ``C``; the interval is
        ``1 - (1 - alpha) * F_{q}(n - 1, (n - 1)(k - 1))`` at q = (1 +- confidence) / 2 (Feldt, Woodruff and
        Salih 1987).

    Raises
    ------
    ValueError
        Fewer than two items or respondents, non-numeric items, or a scale whose total has no variance.

    Notes
    -----
    Under listwise handling ``n`` is the number of complete cases; pingouin 0.5 computes the alpha on the complete
    cases but its interval with all rows, so its listwise interval is narrower than this one.
    """
    frame = _items_frame(data, items, missing)
    cov = _covariance(frame)
    n, k = _respondents(frame), frame.shape[1]
    if n < 2:
        raise ValueError(f"Cronbach's alpha needs at least two respondents, got {n}")
    alpha = _alpha_from_cov(cov)
    if not np.isfinite(alpha):
        raise ValueError("Cronbach's alpha is undefined: the items' total score has no variance")
    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - confidence) / 2
    low = 1 - (1 - alpha) * stats.f.isf(tail, df1, df2)
    high = 1 - (1 - alpha) * stats.f.isf(1 - tail, df1, df2)
    return AlphaResult(float(alpha), float(low), float(high), n, k, missing, confidence)


def item_total_statistics(
    data: pd.DataFrame,
    items: Sequence[str] | None = None,
    missing: MissingHandling = "pairwise",
) -> pd.DataFrame:
    """Per-item statistics of a scale: corrected item-total correlation and alpha if the item is dropped.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent, numeric item scores.
    items : sequence of str, optional
        The scale's item columns; all columns by default.
    missing : {"pairwise", "listwise"}, default "pairwise"
        As in :func:`cronbach_alpha`.

    Returns
    -------
    pandas.DataFrame
        Indexed by item: ``n`` (answers), ``mean``, ``sd``, ``item_rest_r`` (correlation of the item with the sum
        of the other items, R ``psych``'s ``r.drop``) and ``alpha_if_dropped``. Both come from the covariance
        matrix, so they follow the same missing-value handling as the alpha.
    """
    frame = _items_frame(data, items, missing)
    if frame.shape[1] < 3:
        raise ValueError("alpha if an item is dropped needs a scale of at least three items")
    cov = _covariance(frame).to_numpy()
    rows = []
    for i, name in enumerate(frame.columns):
        rest = [j for j in range(cov.shape[0]) if j != i]
        rest_var = cov[np.ix_(rest, rest)].sum()
        item_rest_cov = cov[i, rest].sum()
        rows.append({
            "item": name,
            "n": int(frame[name].notna().sum()),
            "mean": float(frame[name].mean()),
            "sd": float(frame[name].std()),
            "item_rest_r": float(item_rest_cov / np.sqrt(cov[i, i] * rest_var)),
            "alpha_if_dropped": float(_alpha_from_cov(cov[np.ix_(rest, rest)])),
        })  # fmt: skip
    return pd.DataFrame(rows).set_index("item")


def _items_frame(data: pd.DataFrame, items: Sequence[str] | None, missing: str) -> pd.DataFrame:
    """The item columns as floats, after listwise deletion if asked; refuse what alpha cannot mean."""
    if missing not in ("pairwise", "listwise"):
        raise ValueError(f"missing must be 'pairwise' or 'listwise', not {missing!r}")
    columns = list(data.columns if items is None else items)
    absent = [c for c in columns if c not in data.columns]
    if absent:
        raise ValueError(f"items {absent} are not columns of the data")
    if len(columns) < 2:
        raise ValueError(f"a scale needs at least two items, got {columns}")
    frame = data[columns]
    non_numeric = [c for c in columns if not _numeric_like(frame[c])]
    if non_numeric:
        raise ValueError(f"items {non_numeric} are not numeric; score them first with item_scores(..., codebook=...)")
    frame = frame.astype(float)
    return frame.dropna(how="any") if missing == "listwise" else frame


def _numeric_like(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)


def _covariance(frame: pd.DataFrame) -> pd.DataFrame:
    cov = frame.cov()
    if cov.isna().any().any():
        pairs = [(a, b) for a in cov.index for b in cov.columns if pd.isna(cov.at[a, b])]
        raise ValueError(f"too few respondents answered both items of {pairs[0]} to estimate their covariance")
    return cov


def _respondents(frame: pd.DataFrame) -> int:
    return int(frame.notna().any(axis=1).sum())


def _alpha_from_cov(cov) -> float:
    c = np.asarray(cov, dtype=float)
    k, total = c.shape[0], c.sum()
    if total <= 0:
        return float("nan")
    return k / (k - 1) * (1 - np.trace(c) / total)


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
        Range of the response scale; required to reverse items without a codebook.
    codebook : dict or Codebook, optional
        A parsurvey codebook (its JSON or an object with ``to_json()``). Each item's valid options (neither
        missing nor system-missing) are scored 1..m in the order of their weights, lowest weight first, so a scale
        written best-first (A = "very good", weight 1.0) scores "very good" highest: the codebook decides which
        items run backwards. Without weights, options score 1..m in codebook order. ``reverse`` then applies on
        top, with the range 1..m.

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
    variables = _codebook_variables(codebook) if codebook is not None else {}
    scores = {}
    for item in items:
        if codebook is not None:
            scores[item], low, high = _score_from_codebook(data[item], item, variables)
        else:
            scores[item], low, high = _numeric_item(data[item], item), scale_min, scale_max
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


def _numeric_item(column: pd.Series, item: str) -> pd.Series:
    values = column.astype(object).where(column.notna(), None)
    numeric = pd.to_numeric(values, errors="coerce")
    bad = column.notna() & numeric.isna()
    if bad.any():
        examples = sorted({str(v) for v in column[bad]})[:3]
        raise ValueError(f"item {item!r} holds non-numeric codes {examples}; pass codebook= to score them")
    return numeric.astype(float)


def _codebook_variables(codebook) -> dict[str, dict]:
    data = codebook.to_json() if hasattr(codebook, "to_json") else codebook
    return {v["name"]: v for v in data.get("variables", [])}


def _score_from_codebook(column: pd.Series, item: str, variables: Mapping[str, dict]):
    """Score one item by the rank of its options' weights; returns the scores and the range 1..m."""
    variable = variables.get(item)
    if variable is None or not variable.get("values"):
        raise ValueError(f"item {item!r} has no coded values in the codebook")
    missing_codes = {str(c) for c in variable.get("missing_codes", [])}
    valid = [v for v in variable["values"] if not v.get("missing") and str(v["code"]) not in missing_codes]
    if any(v.get("weight") is not None for v in valid):
        valid = sorted(valid, key=lambda v: (v.get("weight") is None, v.get("weight") or 0.0))
    points = {str(v["code"]): float(rank) for rank, v in enumerate(valid, start=1)}
    codes = column.dropna().astype(object).map(_code_text)
    known = {str(v["code"]) for v in variable["values"]} | missing_codes | {"-97", "-99"}
    strange = sorted(set(codes) - known)
    if strange:
        raise ValueError(f"item {item!r} holds codes {strange[:3]} that its codebook does not list")
    scored = codes.map(points).reindex(column.index)
    return scored.astype(float), 1.0, float(len(valid))


def _code_text(code: object) -> str:
    """Codes as the codebook writes them: 3.0 read from a numeric column is the code "3"."""
    if isinstance(code, float) and code.is_integer():
        return str(int(code))
    return str(code)
