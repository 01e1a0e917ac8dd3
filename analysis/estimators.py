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

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .results import Estimate, estimate_frame, normal_estimate
from .stages import DesignError, codes_of
from .variance import domain_variances

if TYPE_CHECKING:
    from .design import SurveyDesign

By = str | Sequence[str] | None


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
    """Variance of each domain's weighted total of `score` (score is 0 outside its row's domain)."""
    if not design.calibration:
        return domain_variances(design.stages, design.weights * score, np.clip(dom, 0, n_domains - 1), n_domains)
    # calibrated: residuals are dense across domains, so take domains a few columns at a time (<= ~32 MB)
    variances = np.empty(n_domains)
    step = max(1, 4_000_000 // max(design.n, 1))
    for start in range(0, n_domains, step):
        ks = np.arange(start, min(n_domains, start + step))
        block = np.where(dom[:, None] == ks[None, :], score[:, None], 0.0)
        variances[ks] = np.diag(design.total_vcov(block))
    return variances


def _sums(key: np.ndarray, values: np.ndarray, n_domains: int) -> np.ndarray:
    """Per-domain sums; rows with key == n_domains (outside every domain) fall in a discarded extra bin."""
    return np.bincount(key, weights=values, minlength=n_domains + 1)[:n_domains]


def _srs_variance(w: np.ndarray, deviation: np.ndarray, key: np.ndarray, size: np.ndarray,
                  count: np.ndarray) -> np.ndarray:
    """Variance of an SRSWOR mean of the same n from a population of the estimated size (R's deff base).

    `deviation` is each row's distance from its domain's weighted mean (0 outside); the population variance is
    estimated as R's ``svyvar`` (weighted, with the n / (n - 1) correction).
    """
    ss = _sums(key, w * deviation * deviation, len(size))
    with np.errstate(divide="ignore", invalid="ignore"):
        return ss / size * count / (count - 1) * (size - count) / (size * count)


def _finish(values: np.ndarray, variances: np.ndarray, deffs: np.ndarray, counts: np.ndarray, labels: pd.DataFrame,
            by: By) -> Estimate | pd.DataFrame:
    ses = np.sqrt(np.maximum(variances, 0.0))
    if by is None:
        return normal_estimate(values[0], ses[0], deffs[0], counts[0])
    return estimate_frame(values, ses, deffs, counts, labels)


def _domain_setup(design: SurveyDesign, values: list[np.ndarray], by: By, na_rm: bool):
    """Domain key per row (``n_domains`` for rows outside every domain or missing a value: R's ``na.rm``)."""
    dom, labels = domain_codes(design, by)
    n_domains = len(labels)
    missing = np.zeros(design.n, dtype=bool)
    for v in values:
        missing |= np.isnan(v)
    if not na_rm and missing.any():
        raise DesignError(f"{int(missing.sum())} row(s) have a missing value; pass na_rm=True to leave them out")
    key = np.where(missing | (dom < 0), n_domains, dom)
    counts = np.bincount(key, minlength=n_domains + 1)[:n_domains]
    return key, labels, n_domains, counts


def _empty_domains_are_nan(function):
    """Let a domain without any value give NaN estimates (as R) instead of a division warning."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with np.errstate(divide="ignore", invalid="ignore"):
            return function(*args, **kwargs)

    return wrapper


@_empty_domains_are_nan
def mean(design: SurveyDesign, var: str, by: By = None, na_rm: bool = True) -> Estimate | pd.DataFrame:
    """Weighted mean with its linearised standard error (R: ``svymean``, ``svyby(..., svymean)``).

    Parameters
    ----------
    design : SurveyDesign
        The design.
    var : str
        A numeric column.
    by : str or list of str, optional
        Domain columns; the result is then a tidy DataFrame with one row per domain.
    na_rm : bool
        Leave rows with a missing value out of the estimate (they stay in the design with a zero score).

    Returns
    -------
    Estimate or pandas.DataFrame
        ``estimate, se, ci_low, ci_high, deff, n`` (after the domain columns when `by` is given).
    """
    y = numeric_column(design, var)
    key, labels, n_domains, counts = _domain_setup(design, [y], by, na_rm)
    w, inside = design.weights, key < n_domains
    size = _sums(key, w, n_domains)
    means = _sums(key, w * y, n_domains) / size
    deviation = np.where(inside, y - np.append(means, 0.0)[key], 0.0)
    score = deviation / np.append(size, 1.0)[key]
    variances = domain_variance(design, score, key, n_domains)
    deffs = variances / _srs_variance(w, deviation, key, size, counts)
    return _finish(means, variances, deffs, counts, labels, by)


@_empty_domains_are_nan
def total(design: SurveyDesign, var: str, by: By = None, na_rm: bool = True) -> Estimate | pd.DataFrame:
    """Weighted (Horvitz-Thompson) total with its linearised standard error (R: ``svytotal``).

    Parameters
    ----------
    design : SurveyDesign
        The design.
    var : str
        A numeric column.
    by : str or list of str, optional
        Domain columns (domain totals).
    na_rm : bool
        Leave rows with a missing value out (zero score).

    Returns
    -------
    Estimate or pandas.DataFrame
    """
    y = numeric_column(design, var)
    key, labels, n_domains, counts = _domain_setup(design, [y], by, na_rm)
    w, inside = design.weights, key < n_domains
    score = np.where(inside, y, 0.0)
    totals = _sums(key, w * score, n_domains)
    size = _sums(key, w, n_domains)
    deviation = np.where(inside, y - np.append(totals / size, 0.0)[key], 0.0)
    variances = domain_variance(design, score, key, n_domains)
    deffs = variances / (_srs_variance(w, deviation, key, size, counts) * size**2)
    return _finish(totals, variances, deffs, counts, labels, by)


@_empty_domains_are_nan
def ratio(design: SurveyDesign, numerator: str, denominator: str, by: By = None,
          na_rm: bool = True) -> Estimate | pd.DataFrame:
    """Ratio of two weighted totals (R: ``svyratio``), linearised as ``(y - R x) / X``.

    Parameters
    ----------
    design : SurveyDesign
        The design.
    numerator, denominator : str
        Numeric columns; a row missing either is left out (zero score).
    by : str or list of str, optional
        Domain columns.
    na_rm : bool
        Leave rows with a missing value out.

    Returns
    -------
    Estimate or pandas.DataFrame
    """
    y, x = numeric_column(design, numerator), numeric_column(design, denominator)
    key, labels, n_domains, counts = _domain_setup(design, [y, x], by, na_rm)
    w, inside = design.weights, key < n_domains
    den = _sums(key, w * x, n_domains)
    ratios = _sums(key, w * y, n_domains) / den
    score = np.where(inside, (y - np.append(ratios, 0.0)[key] * x) / np.append(den, 1.0)[key], 0.0)
    variances = domain_variance(design, score, key, n_domains)
    size = _sums(key, w, n_domains)
    # the weighted mean of the score within its domain is exactly 0, so the score is its own deviation
    deffs = variances / (_srs_variance(w, score, key, size, counts) * size**2)
    return _finish(ratios, variances, deffs, counts, labels, by)


def proportion(design: SurveyDesign, var: str, by: By = None, na_rm: bool = True) -> pd.DataFrame:
    """Proportion of each category of `var` (R: ``svymean(~factor)``), overall or by domain.

    Parameters
    ----------
    design : SurveyDesign
        The design.
    var : str
        A categorical (or any discrete) column; missing values are left out of the denominator.
    by : str or list of str, optional
        Domain columns.
    na_rm : bool
        Leave rows with a missing value out.

    Returns
    -------
    pandas.DataFrame
        The domain columns (if any), a column named `var` with the category, then the estimate columns.
    """
    if var not in design.data.columns:
        raise DesignError(f"column '{var}' is not in the data")
    column = design.data[var]
    present = column.notna().to_numpy()
    categories = np.sort(column[present].unique()) if len(column[present]) else np.array([])
    tables = []
    for category in categories:
        indicator = np.where(present, (column == category).to_numpy(dtype=float), np.nan)
        probe = design.data.assign(**{"__indicator__": indicator})
        table = mean(_with_data(design, probe), "__indicator__", by=by if by is not None else "__all__", na_rm=na_rm)
        table.insert(len(table.columns) - 6, var, category)
        tables.append(table)
    if not tables:
        raise DesignError(f"column '{var}' has no values")
    result = pd.concat(tables, ignore_index=True)
    keys = ([by] if isinstance(by, str) else list(by)) if by is not None else []
    result = result.sort_values(keys, kind="stable").reset_index(drop=True) if keys else result
    return result.drop(columns=["__all__"], errors="ignore")


def _with_data(design: SurveyDesign, data: pd.DataFrame) -> SurveyDesign:
    """The same design over a frame with extra helper columns (same rows, same order)."""
    import copy

    new = copy.copy(design)
    object.__setattr__(new, "_data", data.assign(__all__="all"))
    object.__setattr__(new, "_codes", {})
    return new
