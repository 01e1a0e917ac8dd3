"""Reliability of a multi-item scale: Cronbach's alpha with Feldt's interval, item-total statistics.

Everything is computed from the items' covariance matrix, so listwise and pairwise handling of missing answers are
one switch: listwise drops every respondent with a missing item first; pairwise (the default, as in R ``psych``
``alpha()`` and pingouin) estimates each covariance from the respondents who answered both items, which keeps the
information of partly answered questionnaires.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

MissingHandling = Literal["pairwise", "listwise"]


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
        raise ValueError(f"items {non_numeric} are not numeric; score them first with analysis.scales.item_scores")
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
