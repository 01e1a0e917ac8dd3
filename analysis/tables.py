"""Weighted frequency tables and cross-tabulations with a design-based test of independence.

Both are built on the design's one variance primitive, ``design.total_vcov`` (the Taylor covariance of weighted
totals of per-row scores), so strata, clusters, finite population corrections and calibration (post-stratification,
raking) are honoured exactly as in the design's own estimators. Missing values are handled as R ``survey`` with
``na.rm=TRUE``: a row with a missing category keeps its place in the design (its PSU still counts) with a zero score.

The test of independence is Rao and Scott's second-order corrected Pearson chi-square, F version, which is R
``svychisq``'s default (``statistic="F"``); the first-order (chi-square) version is reported beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from analysis.results import Z95

if TYPE_CHECKING:
    from analysis.design import SurveyDesign


@dataclass(frozen=True)
class RaoScottTest:
    """Rao-Scott corrected Pearson test of independence of a two-way table.

    Attributes
    ----------
    statistic : float
        Second-order corrected F = X^2 / trace(Delta) (R ``svychisq`` ``statistic="F"``).
    ndf, ddf : float
        Its Satterthwaite degrees of freedom: d = trace(Delta)^2 / trace(Delta^2) and d times the design degrees
        of freedom (PSUs minus strata).
    p_value : float
        Upper tail of F(ndf, ddf).
    pearson : float
        Pearson X^2 of the weighted table rescaled to the number of rows.
    chisq : float
        First-order corrected statistic X^2 / mean(eigenvalues of Delta) (R ``statistic="Chisq"``).
    df : int
        (rows - 1) x (columns - 1).
    chisq_p_value : float
        Upper tail of chi-square(df) at ``chisq``.
    """

    statistic: float
    ndf: float
    ddf: float
    p_value: float
    pearson: float
    chisq: float
    df: int
    chisq_p_value: float


@dataclass(frozen=True)
class Crosstab:
    """A weighted two-way table: tidy cells, the wide table of weighted counts, and the Rao-Scott test."""

    cells: pd.DataFrame
    counts: pd.DataFrame
    test: RaoScottTest


def frequency_table(design: SurveyDesign, var: str, na_rm: bool = True) -> pd.DataFrame:
    """Weighted frequency table of one categorical variable, with standard errors and 95% intervals.

    Parameters
    ----------
    design : SurveyDesign
        The design.
    var : str
        A column of categories (a pandas Categorical keeps its category order, unobserved ones included).
    na_rm : bool, default True
        Leave rows with a missing value out of the percentages (R ``na.rm=TRUE``); False refuses them.

    Returns
    -------
    pandas.DataFrame
        One row per category: ``var`` (the category), ``n`` (rows), ``count`` (weighted count, an estimated
        population total) and ``count_se``, ``percent`` with ``percent_se``, ``ci_low``, ``ci_high`` (normal 95%
        interval of the percent, as R ``confint(svymean(...))``) and ``deff`` (against simple random sampling).
    """
    codes, levels = _codes(design, var, _missing(design, [var], na_rm), observed_only=False)
    return _proportion_table(design, codes, len(levels)).pipe(_insert_labels, {var: levels})


def crosstab(design: SurveyDesign, row: str, col: str, na_rm: bool = True) -> Crosstab:
    """Weighted cross-tabulation with the Rao-Scott test of independence (R ``svytable`` + ``svychisq``).

    Parameters
    ----------
    design : SurveyDesign
        The design.
    row, col : str
        Categorical columns. Only categories that occur enter the table and the test (as in R).
    na_rm : bool, default True
        Leave rows missing either variable out of the table (they keep their place in the design).

    Returns
    -------
    Crosstab
        ``cells``: one row per (row, col) category pair with ``n``, ``count``, ``count_se``, ``percent`` (of the
        whole table), ``percent_se``, ``ci_low``, ``ci_high``, ``deff``, ``row_percent`` and ``col_percent``;
        ``counts``: the weighted counts as a row x col table; ``test``: the :class:`RaoScottTest`.
    """
    missing = _missing(design, [row, col], na_rm)
    row_codes, row_levels = _codes(design, row, missing, observed_only=True)
    col_codes, col_levels = _codes(design, col, missing, observed_only=True)
    nr, nc = len(row_levels), len(col_levels)
    if nr < 2 or nc < 2:
        raise ValueError(f"a test of independence needs two categories or more in each variable; "
                         f"{row!r} has {nr} and {col!r} has {nc}")
    cell = np.where(row_codes >= 0, row_codes + nr * col_codes, -1)  # row varies fastest, as R's interaction()
    cells = _proportion_table(design, cell, nr * nc)
    labels = {row: np.tile(row_levels, nc), col: np.repeat(col_levels, nr)}
    cells = _insert_labels(cells, labels)
    wide = cells.pivot(index=row, columns=col, values="count").reindex(index=row_levels, columns=col_levels)
    cells["row_percent"] = 100 * cells["count"] / cells.groupby(row, sort=False)["count"].transform("sum")
    cells["col_percent"] = 100 * cells["count"] / cells.groupby(col, sort=False)["count"].transform("sum")
    order = np.lexsort((cells[col].map({c: i for i, c in enumerate(col_levels)}),
                        cells[row].map({r: i for i, r in enumerate(row_levels)})))
    test = rao_scott(design, cell, nr, nc)
    return Crosstab(cells.iloc[order].reset_index(drop=True), wide, test)


def rao_scott(design: SurveyDesign, cell: np.ndarray, nr: int, nc: int) -> RaoScottTest:
    """Rao-Scott test of independence from per-row cell codes (most users want :func:`crosstab`).

    Parameters
    ----------
    design : SurveyDesign
        The design.
    cell : numpy.ndarray
        Per row, the cell ``row + nr * col`` (0-based category codes), or -1 for a row out of the table.
    nr, nc : int
        Numbers of row and column categories.

    Returns
    -------
    RaoScottTest

    Notes
    -----
    Follows R ``survey:::svychisq.survey.design``: Delta = (C' D^-1 C / N)^-1 C' D^-1 V D^-1 C with C the
    interaction contrasts made orthogonal to the main effects, D = diag(cell proportions) and V their design
    covariance (``design.total_vcov`` of the linearised proportions); F = X^2 / trace(Delta) on
    (d, d * degf) degrees of freedom with d = trace(Delta)^2 / trace(Delta^2).
    """
    n_rows = design.n
    p, size = _shares(design, cell, nr * nc)
    sigma = _cell_covariance(design, cell, 0, nr * nc)
    to_shares = np.column_stack([np.eye(nr * nc), -p]) / size  # p_k = (T_k - p_k N) / N, linearised
    v = to_shares @ sigma @ to_shares.T
    contrasts = _interaction_contrasts(nr, nc)
    inv_p = np.diag(np.where(p > 0, 1 / np.where(p > 0, p, 1), 0.0))
    denom = contrasts.T @ (inv_p / n_rows) @ contrasts
    numer = contrasts.T @ inv_p @ v @ inv_p @ contrasts
    delta = np.linalg.solve(denom, numer)
    trace, trace_sq = np.trace(delta), np.trace(delta @ delta)
    pearson = _pearson(p.reshape(nc, nr).T * n_rows)
    ndf = trace**2 / trace_sq
    ddf = ndf * design.degf
    statistic = pearson / trace
    df = (nr - 1) * (nc - 1)
    chisq = pearson / (trace / df)
    return RaoScottTest(float(statistic), float(ndf), float(ddf), float(stats.f.sf(statistic, ndf, ddf)),
                        float(pearson), float(chisq), df, float(stats.chi2.sf(chisq, df)))


def _interaction_contrasts(nr: int, nc: int) -> np.ndarray:
    """R's ``qr.resid(qr(X1), X12[, interaction columns])`` on ``expand.grid(rows, cols)``."""
    rows = np.tile(np.arange(nr), nc)
    cols = np.repeat(np.arange(nc), nr)
    row_dummies = (rows[:, None] == np.arange(1, nr)).astype(float)
    col_dummies = (cols[:, None] == np.arange(1, nc)).astype(float)
    main = np.column_stack([np.ones(nr * nc), row_dummies, col_dummies])
    inter = np.column_stack([row_dummies[:, i] * col_dummies[:, j] for j in range(nc - 1) for i in range(nr - 1)])
    coef, *_ = np.linalg.lstsq(main, inter, rcond=None)
    return inter - main @ coef


def _pearson(table: np.ndarray) -> float:
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(expected > 0, (table - expected) ** 2 / expected, 0.0)
    return float(terms.sum())


def _shares(design: SurveyDesign, codes: np.ndarray, k: int) -> tuple[np.ndarray, float]:
    """Weighted shares of the k categories among the rows with a code, and the weighted number of those rows."""
    inside = codes >= 0
    counts = np.bincount(codes[inside], weights=design.weights[inside], minlength=k)
    size = float(counts.sum())
    if size <= 0:
        raise ValueError("no row has a value to tabulate")
    return counts / size, size


def _cell_covariance(design: SurveyDesign, codes: np.ndarray, first: int, stop: int) -> np.ndarray:
    """Design covariance of the weighted totals of the indicators of categories first..stop-1 and of "has a code".

    The proportions' covariance follows from it linearly, so one n x (c + 1) block serves counts and shares.
    """
    block = np.empty((len(codes), stop - first + 1))
    block[:, :-1] = codes[:, None] == np.arange(first, stop)
    block[:, -1] = codes >= 0
    return design.total_vcov(block)


def _proportion_table(design: SurveyDesign, codes: np.ndarray, k: int, chunk: int = 16) -> pd.DataFrame:
    """Counts and proportions of k categories with their design-based standard errors and design effects.

    Categories are taken ``chunk`` at a time so that memory stays at n x (chunk + 1) numbers however many
    categories there are (63 provinces, say).
    """
    p, size = _shares(design, codes, k)
    count_var, p_var = np.empty(k), np.empty(k)
    for first in range(0, k, chunk):
        stop = min(first + chunk, k)
        sigma = _cell_covariance(design, codes, first, stop)
        own, with_size, size_var = np.diag(sigma)[:-1], sigma[:-1, -1], sigma[-1, -1]
        share = p[first:stop]
        count_var[first:stop] = own
        p_var[first:stop] = (own - 2 * share * with_size + share**2 * size_var) / size**2
    n = int((codes >= 0).sum())
    rows = np.bincount(codes[codes >= 0], minlength=k)
    with np.errstate(divide="ignore", invalid="ignore"):
        srs = p * (1 - p) * n / (n - 1) * (size - n) / (size * n)
        deff = np.where(srs > 0, p_var / srs, np.nan)
    se = np.sqrt(np.maximum(p_var, 0.0))
    return pd.DataFrame({
        "n": rows.astype(np.int64),
        "count": p * size,
        "count_se": np.sqrt(np.maximum(count_var, 0.0)),
        "percent": 100 * p,
        "percent_se": 100 * se,
        "ci_low": 100 * (p - Z95 * se),
        "ci_high": 100 * (p + Z95 * se),
        "deff": deff,
    })  # fmt: skip


def _missing(design: SurveyDesign, variables: list[str], na_rm: bool) -> np.ndarray:
    """Rows missing any of the variables; an error naming the column if one is absent or if na_rm is False."""
    absent = [v for v in variables if v not in design.data.columns]
    if absent:
        raise ValueError(f"columns {absent} are not in the design's data")
    missing = design.data[variables].isna().any(axis=1).to_numpy()
    if missing.any() and not na_rm:
        raise ValueError(f"{int(missing.sum())} row(s) miss a value of {variables}; pass na_rm=True to leave them out")
    return missing


def _codes(design: SurveyDesign, var: str, missing: np.ndarray, observed_only: bool) -> tuple[np.ndarray, np.ndarray]:
    """Category code per row (-1 when missing) and the categories in order."""
    column = design.data[var]
    present = column[~missing]
    if isinstance(column.dtype, pd.CategoricalDtype):
        observed = set(present.unique()) if observed_only else None
        levels = [c for c in column.cat.categories if observed is None or c in observed]
    else:
        levels = sorted(present.unique().tolist(), key=_sort_key)
    codes = pd.Index(levels, dtype=object).get_indexer(column.astype(object)).astype(np.int64)
    codes[missing] = -1
    return codes, np.array(levels, dtype=object)


def _sort_key(value):
    return (0, value, "") if isinstance(value, int | float | np.number) else (1, 0, str(value))


def _insert_labels(table: pd.DataFrame, labels: dict) -> pd.DataFrame:
    for position, (name, values) in enumerate(labels.items()):
        table.insert(position, name, list(values))
    return table
