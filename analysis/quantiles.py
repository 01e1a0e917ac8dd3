"""Quantiles with Woodruff confidence intervals, as R ``survey`` >= 4.1's default ``svyquantile``.

Point estimate (``qrule="math"``): the smallest observed value whose estimated weighted CDF reaches p, computed
with R's own comparisons (see `weighted_quantile`).
Interval (``interval.type="mean"``, Woodruff 1952): a Wald interval for the estimated proportion of values at or
below the quantile, with t critical values on the design degrees of freedom, mapped back through the inverse
CDF; the standard error is the interval length over twice the critical value. Before survey 4.1 R interpolated
the CDF linearly, so numbers printed by older versions differ. A domain's degrees of freedom are R's ``degf`` of
the domain (PSUs with a member minus strata with one); with none left the interval is NaN, as in R.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from ._docs import fill_doc
from .errors import DesignError
from .estimators import domain_codes, domain_variance, numeric_column
from .results import Estimate, records_frame

if TYPE_CHECKING:
    from .design import SurveyDesign


def weighted_quantile(x: np.ndarray, w: np.ndarray, p: float) -> float:
    """Quantile of `x` under weights `w` by R's ``qrule_math`` (``survey:::qs``), to the last bit.

    With the values sorted and ``F_i`` the cumulative weight share: take the last i with ``F_i <= p`` (the first
    value when there is none); return its value when ``F_i = p`` exactly, the next value otherwise. That is the
    smallest value whose weighted CDF reaches p, except that for p below the first value's share R returns the
    second value, and so does this function. Cumulative sums are taken in extended precision and rounded, as
    R's ``cumsum`` and ``sum`` do, so that an exact tie (weights 0.3 x 6, p = 0.5) is seen as R sees it.

    Parameters
    ----------
    x, w : numpy.ndarray
        Values and non-negative weights (no missing values); zero weights are dropped.
    p : float
        Probability in [0, 1].

    Returns
    -------
    float
    """
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    nonzero = w != 0
    x, w = x[nonzero], w[nonzero]
    order = np.argsort(x, kind="stable")
    cumulative = np.cumsum(w[order].astype(np.longdouble)).astype(float)
    total = float(np.cumsum(w.astype(np.longdouble))[-1])
    below = np.flatnonzero(cumulative <= p * total)
    position = int(below[-1]) if below.size else 0
    if p - cumulative[position] / total == 0:
        return float(x[order][position])
    return float(x[order][min(position + 1, len(x) - 1)])


def _one(design: SurveyDesign, y: np.ndarray, inside: np.ndarray, p: float, df: int) -> Estimate:
    """Quantile and Woodruff interval for the rows `inside` (others stay in the design with zero score)."""
    w = design.weights
    xs, ws = y[inside], w[inside]
    qhat = weighted_quantile(xs, ws, p)
    below = np.where(inside, (y <= qhat).astype(float), 0.0)
    total_w = ws.sum()
    share = float((ws * below[inside]).sum() / total_w)
    score = np.where(inside, (below - share) / total_w, 0.0)
    se_share = float(np.sqrt(max(domain_variance(design, score, np.where(inside, 0, 1), 1)[0], 0.0)))
    crit = float(stats.t.ppf(0.975, df))
    low_p, high_p = share - crit * se_share, share + crit * se_share
    low = weighted_quantile(xs, ws, low_p) if low_p >= 0 else np.nan
    high = weighted_quantile(xs, ws, high_p) if high_p <= 1 else np.nan
    return Estimate(qhat, (high - low) / (2 * crit), low, high, np.nan, int(inside.sum()))


def _domain_degf(design: SurveyDesign, inside: np.ndarray) -> int:
    """Degrees of freedom of the domain as R's ``degf`` of the subset: PSUs with a member minus strata with one."""
    stage = design.stages[0]
    psus = np.unique(stage.unit[inside])
    strata = np.unique(stage.unit_stratum[psus])
    return int(psus.size - strata.size)


@fill_doc
def quantile(design: SurveyDesign, var: str, q: float | Sequence[float] = 0.5, by: str | Sequence[str] | None = None,
             na_rm: bool = True) -> Estimate | pd.DataFrame:
    """Quantile(s) of `var` with Woodruff 95% intervals (R >= 4.1: ``svyquantile(~var, design, q)``).

    Parameters
    ----------
    {design}
    var : str
        A numeric column.
    q : float or sequence of float
        Probabilities in [0, 1].
    {by}
    {na_rm}

    Returns
    -------
    Estimate or pandas.DataFrame
        One `Estimate` for a single `q` without `by`; otherwise a tidy table with the domain columns, a
        ``quantile`` column (the probability) and the estimate columns. ``deff`` is NaN.
    """
    y = numeric_column(design, var)
    probabilities = [q] if np.isscalar(q) else list(q)
    if any(not 0 <= float(p) <= 1 for p in probabilities):
        raise DesignError(f"quantile probabilities must lie in [0, 1], got {probabilities}")
    if np.isnan(y).any() and not na_rm:
        raise DesignError(f"column '{var}' has missing values; pass na_rm=True to leave them out")
    dom, labels = domain_codes(design, by)
    dom = np.where(np.isnan(y), -1, dom)
    records, rows = [], []
    for k in range(len(labels)):
        inside = dom == k
        if not inside.any():
            continue
        df = _domain_degf(design, inside)
        for p in probabilities:
            records.append(_one(design, y, inside, float(p), df))
            rows.append({**(labels.iloc[k].to_dict() if by is not None else {}), "quantile": float(p)})
    if not records:
        raise DesignError(f"column '{var}' has no values")
    if by is None and np.isscalar(q):
        return records[0]
    return records_frame(records, pd.DataFrame(rows))
