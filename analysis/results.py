"""Result records of the estimators: one `Estimate`, or a tidy DataFrame of them.

Every estimator reports the same six numbers (estimate, standard error, 95% confidence interval, design effect,
sample size), so tables, charts and notebooks can treat a mean, a total and a quantile alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

#: The columns every estimate table carries, after its domain or category columns.
ESTIMATE_COLUMNS = ("estimate", "se", "ci_low", "ci_high", "deff", "n")

#: Two-sided 95% normal critical value, as R's ``confint(..., df=Inf)``.
Z95 = float(stats.norm.ppf(0.975))


@dataclass(frozen=True)
class Estimate:
    """One estimate with its design-based uncertainty.

    Attributes
    ----------
    estimate : float
        The point estimate.
    se : float
        Standard error (Taylor linearisation, or Woodruff for quantiles).
    ci_low, ci_high : float
        Bounds of the 95% confidence interval.
    deff : float
        Design effect against simple random sampling without replacement (NaN where undefined).
    n : int
        Number of rows that carried a value into the estimate.
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    deff: float
    n: int

    def as_dict(self) -> dict:
        """Return the record as a plain dict with the `ESTIMATE_COLUMNS` keys."""
        return asdict(self)

    def to_frame(self, name: str | None = None) -> pd.DataFrame:
        """Return a one-row tidy DataFrame (indexed by `name` when given)."""
        return pd.DataFrame([self.as_dict()], index=[name] if name is not None else None)


def normal_estimate(estimate: float, se: float, deff: float, n: int) -> Estimate:
    """Build an `Estimate` with a symmetric normal 95% interval, as R's default ``confint``.

    Parameters
    ----------
    estimate, se, deff : float
        Point estimate, standard error and design effect.
    n : int
        Rows used.

    Returns
    -------
    Estimate
    """
    return Estimate(float(estimate), float(se), float(estimate - Z95 * se), float(estimate + Z95 * se),
                    float(deff), int(n))


def estimate_frame(estimates: np.ndarray, ses: np.ndarray, deffs: np.ndarray, ns: np.ndarray,
                   labels: pd.DataFrame) -> pd.DataFrame:
    """Assemble a tidy table: the label columns, then `ESTIMATE_COLUMNS` with normal 95% intervals.

    Parameters
    ----------
    estimates, ses, deffs, ns : numpy.ndarray
        One value per row of `labels`.
    labels : pandas.DataFrame
        Domain and/or category columns, one row per estimate.

    Returns
    -------
    pandas.DataFrame
    """
    estimates = np.asarray(estimates, dtype=float)
    ses = np.asarray(ses, dtype=float)
    columns = {name: labels[name].to_numpy() for name in labels.columns}
    columns.update(estimate=estimates, se=ses, ci_low=estimates - Z95 * ses, ci_high=estimates + Z95 * ses,
                   deff=np.asarray(deffs, dtype=float), n=np.asarray(ns, dtype=np.int64))
    return pd.DataFrame(columns)


def records_frame(records: Sequence[Estimate], labels: pd.DataFrame) -> pd.DataFrame:
    """Assemble a tidy table from already built `Estimate` records (e.g. quantiles with asymmetric intervals).

    Parameters
    ----------
    records : sequence of Estimate
        One record per row of `labels`.
    labels : pandas.DataFrame
        Domain and/or category columns.

    Returns
    -------
    pandas.DataFrame
    """
    table = labels.reset_index(drop=True).copy()
    body = pd.DataFrame([r.as_dict() for r in records], columns=list(ESTIMATE_COLUMNS))
    for column in ESTIMATE_COLUMNS:
        table[column] = body[column].to_numpy()
    table["n"] = table["n"].astype(np.int64)
    return table
