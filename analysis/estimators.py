"""Means, totals, proportions and ratios on a `SurveyDesign`, overall or by domain.

Each estimate is linearised (R ``survey``'s ``svymean``/``svytotal``/``svyratio``): the score of each row is
passed to the design variance, so strata, clusters, fpc and calibration are honoured. Domains (``by=``) are
domain estimation, not subsetting: a row outside the domain keeps its PSU and stratum and contributes a zero
score, so the other PSUs stay in the variance (R's ``svyby``). Missing values are treated like R with
``na.rm=TRUE``: the row stays in the design with a zero score, and the estimate uses the rows with a value.
The design effect compares with simple random sampling without replacement of the same number of rows from a
population of the estimated size (R's ``deff=TRUE``).
"""

from __future__ import annotations

import copy
import functools
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from ._docs import fill_doc
from .errors import DesignError
from .results import Estimate, estimate_frame, normal_estimate
from .stages import codes_of
from .variance import domain_variances

if TYPE_CHECKING:
    from .design import SurveyDesign

By = str | Sequence[str] | None
Deff = bool | Literal["replace"]


def numeric_column(design: SurveyDesign, var: str) -> np.ndarray:
    """Values of `var` as floats, NaN where missing; a clear error when absent or not numeric."""
    if var not in design.data.columns:
        raise DesignError(f"column '{var}' is not in the data")
    column = design.data[var]
    if not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)):
        raise DesignError(f"column '{var}' is not numeric (dtype {column.dtype}); use proportion() for categories")
    return column.to_numpy(dtype=float, na_value=np.nan)


def domain_codes(design: SurveyDesign, by: By) -> tuple[np.ndarray, pd.DataFrame]:
    """Domain code per row (-1 where a `by` value is missing) and the table of domain labels."""
    if by is None:
        return np.zeros(design.n, dtype=np.int64), pd.DataFrame(index=[0])
    columns = [by] if isinstance(by, str) else list(by)
    absent = [c for c in columns if c not in design.data.columns]
    if absent:
        raise DesignError(f"by column(s) {', '.join(absent)} not in the data")
    if len(columns) == 1:
        return design.codes(columns)
    present = design.data[columns].notna().all(axis=1).to_numpy()
    codes = np.full(design.n, -1, dtype=np.int64)
    if not present.any():
        return codes, pd.DataFrame(columns=columns)
    codes[present], labels = codes_of(design.data.loc[present, columns], columns)
    return codes, labels


def domain_variance(design: SurveyDesign, score: np.ndarray, dom: np.ndarray, n_domains: int) -> np.ndarray:
    """Variance of each domain's weighted total of `score` (`dom` is a row's domain, `n_domains` outside all)."""
    if not design.calibration:
        return domain_variances(design.stages, design.weights * score, dom, n_domains)
    # calibrated: residuals are dense across domains, so take domains a few columns at a time (<= ~32 MB)
    variances = np.empty(n_domains)
    step = max(1, 4_000_000 // max(design.n, 1))
    for start in range(0, n_domains, step):
        ks = np.arange(start, min(n_domains, start + step))
        block = np.where(dom[:, None] == ks[None, :], score[:, None], 0.0)
        variances[ks] = np.diag(design.total_vcov(block))
    return variances


class _Domains:
    """Which domain each row estimates for, computed once per estimate (R's ``svyby`` with ``na.rm=TRUE``).

    ``key`` is the row's domain code, or ``n`` for a row outside every domain or missing a value; such a row keeps
    its PSU and stratum in the variance with a zero score. ``counts`` are the rows per domain and ``size`` the
    weight per domain.
    """

    def __init__(self, design: SurveyDesign, values: list[np.ndarray], by: By, na_rm: bool):
        dom, self.labels = domain_codes(design, by)
        self.n = len(self.labels)
        missing = np.zeros(design.n, dtype=bool)
        for v in values:
            missing |= np.isnan(v)
        if not na_rm and missing.any():
            raise DesignError(f"{int(missing.sum())} row(s) have a missing value; pass na_rm=True to leave them out")
        self.key = np.where(missing | (dom < 0), self.n, dom)
        self.inside = self.key < self.n
        self.counts = np.bincount(self.key, minlength=self.n + 1)[:self.n]
        self.weights = design.weights
        self.size = self.sums(self.weights)

    def sums(self, values: np.ndarray) -> np.ndarray:
        """Per-domain sums; rows outside every domain fall in a discarded extra bin."""
        return np.bincount(self.key, weights=values, minlength=self.n + 1)[:self.n]

    def per_row(self, per_domain: np.ndarray, outside: float = 0.0) -> np.ndarray:
        """Each row's value of a per-domain quantity (`outside` for rows outside every domain)."""
        return np.append(per_domain, outside)[self.key]

    def deviation(self, y: np.ndarray, centres: np.ndarray) -> np.ndarray:
        """Each row's distance from its domain's centre, 0 outside every domain."""
        return np.where(self.inside, y - self.per_row(centres), 0.0)

    def srs_variance(self, deviation: np.ndarray, deff: Deff = True) -> np.ndarray:
        """Variance of a simple random sample mean of the same n (R's base for ``deff=``).

        The population variance is estimated as R's ``svyvar`` (weighted, with the n / (n - 1) correction) from
        each row's `deviation` from its domain's weighted mean. ``deff=True`` samples without replacement from a
        population of the estimated size (NaN, with a warning, when that size is below n: weights not scaled to
        the population); ``deff="replace"`` with replacement; ``deff=False`` gives NaN.
        """
        if deff not in (True, False, "replace"):
            raise DesignError(f"deff must be True, False or 'replace', not {deff!r}")
        ss = self.sums(self.weights * deviation * deviation)
        size, count = self.size, self.counts
        with np.errstate(divide="ignore", invalid="ignore"):
            variance = np.where(count > 1, ss / size * count / (count - 1), np.nan)  # one row: no deff
            if deff == "replace":
                return variance / count
            if deff is False:
                return np.full(self.n, np.nan)
            small = (size < count) & (count > 0)
            if small.any():
                warnings.warn("sample size greater than population size: are the weights scaled to the population? "
                              "The design effect is NaN (as R); deff='replace' needs no population size",
                              RuntimeWarning, stacklevel=4)
            return np.where(small, np.nan, variance * (size - count) / (size * count))

    def finish(self, design: SurveyDesign, values: np.ndarray, score: np.ndarray, srs_variance: np.ndarray,
               by: By) -> Estimate | pd.DataFrame:
        """Variances of the domain totals of `score`, design effects, and the `Estimate` or tidy table."""
        variances = domain_variance(design, score, self.key, self.n)
        ses = np.sqrt(np.maximum(variances, 0.0))
        deffs = variances / srs_variance
        if by is None:
            return normal_estimate(values[0], ses[0], deffs[0], self.counts[0])
        return estimate_frame(values, ses, deffs, self.counts, self.labels)


def _empty_domains_are_nan(function):
    """Let a domain without any value give NaN estimates (as R) instead of a division warning."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with np.errstate(divide="ignore", invalid="ignore"):
            return function(*args, **kwargs)

    return wrapper


@fill_doc
@_empty_domains_are_nan
def mean(design: SurveyDesign, var: str, by: By = None, na_rm: bool = True,
         deff: Deff = True) -> Estimate | pd.DataFrame:
    """Weighted mean of `var` with its linearised standard error (R: ``svymean``; with `by`, ``svyby``).

    {numeric_estimator_parameters}

    Returns
    -------
    Estimate or pandas.DataFrame
        ``estimate, se, ci_low, ci_high, deff, n`` (after the domain columns when `by` is given).
    """
    y = numeric_column(design, var)
    domains = _Domains(design, [y], by, na_rm)
    means = domains.sums(design.weights * y) / domains.size
    deviation = domains.deviation(y, means)
    score = deviation / domains.per_row(domains.size, 1.0)
    return domains.finish(design, means, score, domains.srs_variance(deviation, deff), by)


@fill_doc
@_empty_domains_are_nan
def total(design: SurveyDesign, var: str, by: By = None, na_rm: bool = True,
          deff: Deff = True) -> Estimate | pd.DataFrame:
    """Weighted (Horvitz-Thompson) total of `var` with its linearised standard error (R: ``svytotal``).

    {numeric_estimator_parameters}

    Returns
    -------
    Estimate or pandas.DataFrame
    """
    y = numeric_column(design, var)
    domains = _Domains(design, [y], by, na_rm)
    score = np.where(domains.inside, y, 0.0)
    totals = domains.sums(design.weights * score)
    deviation = domains.deviation(y, totals / domains.size)
    return domains.finish(design, totals, score, domains.srs_variance(deviation, deff) * domains.size**2, by)


@fill_doc
@_empty_domains_are_nan
def ratio(design: SurveyDesign, numerator: str, denominator: str, by: By = None,
          na_rm: bool = True, deff: Deff = True) -> Estimate | pd.DataFrame:
    """Ratio of the weighted totals of two columns (R: ``svyratio``), linearised as ``(y - R x) / X``.

    Parameters
    ----------
    {design}
    numerator, denominator : str
        Numeric columns; a row missing either is left out (zero score).
    {by}
    {na_rm}
    {deff}

    Returns
    -------
    Estimate or pandas.DataFrame
    """
    y, x = numeric_column(design, numerator), numeric_column(design, denominator)
    domains = _Domains(design, [y, x], by, na_rm)
    den = domains.sums(design.weights * x)
    ratios = domains.sums(design.weights * y) / den
    score = np.where(domains.inside, (y - domains.per_row(ratios) * x) / domains.per_row(den, 1.0), 0.0)
    # the weighted mean of the score within its domain is exactly 0, so the score is its own deviation
    return domains.finish(design, ratios, score, domains.srs_variance(score, deff) * domains.size**2, by)


def with_data(design: SurveyDesign, columns: dict[str, np.ndarray]) -> SurveyDesign:
    """The same design over its data plus helper columns and ``__all__`` (same rows, same order)."""
    new = copy.copy(design)
    object.__setattr__(new, "_data", design.data.assign(**columns, __all__="all"))
    object.__setattr__(new, "_codes", {})
    return new
