"""Taylor-linearisation variance of weighted totals for multistage stratified designs (R's ``svyrecvar``).

A design is a list of `Stage` records. At each stage the sampled units are grouped in strata (at stage 1 the
design strata; at a later stage, the unit of the stage above), and the stage contributes

    sum over strata h of  mult_h * f_h * n_h / (n_h - 1) * sum over units j of (t_hj - mean_h)^2

where t_hj is the unit's total of the weighted scores, f_h = 1 - n_h / N_h (1 when no fpc: with replacement)
and mult_h the product of the sampling fractions of the stages above (so a later stage only counts when every
stage above it has a finite population correction, as in R). Group sums use `np.bincount`, never row loops.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

#: Above this many (unit x domain) cells, domain totals are found by sorting instead of a dense bincount.
_DENSE_CELL_LIMIT = 20_000_000


@dataclass(frozen=True)
class Stage:
    """One sampling stage, precomputed once when the design is built.

    Attributes
    ----------
    unit : numpy.ndarray
        Row -> unit code (0..n_units-1) at this stage.
    n_units : int
        Number of distinct sampled units.
    unit_stratum : numpy.ndarray
        Unit -> stratum code (0..n_strata-1) at this stage.
    n_strata : int
        Number of strata at this stage.
    n_sampled : numpy.ndarray
        Per stratum: number of units sampled (R's ``sampsize``).
    scale : numpy.ndarray
        Per stratum: ``mult * f * n / (n - 1)`` (0 for certainty or removed lonely strata).
    centred : numpy.ndarray
        Per stratum: False only for a lonely unit under ``lonely_psu="adjust"`` (not centred, as R).
    average_factor : float
        ``n_strata / n_ok_strata`` under ``lonely_psu="average"`` at the first stage, else 1; NaN where R's
        ``onestage`` has nothing to average over (no stratum ok; at a later stage, any lonely unit).
    averaged : numpy.ndarray
        Per stratum: True for a lonely stratum whose share is replaced by the average (``lonely_psu="average"``).
        Domain estimates of a first stage average over the strata the domain touches only (R's ``svyby``).
    row_level : bool
        True when every row is its own unit (the unit code is the row number).
    """

    unit: np.ndarray
    n_units: int
    unit_stratum: np.ndarray
    n_strata: int
    n_sampled: np.ndarray
    scale: np.ndarray
    centred: np.ndarray
    average_factor: float
    row_level: bool
    averaged: np.ndarray | None = None


def group_sum(values: np.ndarray, codes: np.ndarray, size: int) -> np.ndarray:
    """Sum the rows of `values` (n or n x k) by integer `codes` into `size` groups."""
    if values.ndim == 1:
        return np.bincount(codes, weights=values, minlength=size)
    columns = np.ascontiguousarray(values.T)  # bincount reads each column contiguously, not strided
    return np.column_stack([np.bincount(codes, weights=column, minlength=size) for column in columns])


def total_vcov(stages: tuple[Stage, ...], weighted_scores: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """Covariance matrix of the column totals of `weighted_scores` (n x k, already multiplied by weights).

    Parameters
    ----------
    stages : tuple of Stage
        The design's stages, outermost first.
    weighted_scores : numpy.ndarray
        n x k matrix (or length-n vector) of weight x linearised score.
    rows : numpy.ndarray, optional
        Boolean mask of the rows of R's subset (``design[rows, ]``, e.g. rows without a missing value) when the
        scores are zero elsewhere: under ``lonely_psu="average"`` the first stage then averages over the strata
        those rows touch, as R does on the subset.

    Returns
    -------
    numpy.ndarray
        k x k covariance matrix.
    """
    z = np.asarray(weighted_scores, dtype=float)
    if z.ndim == 1:
        z = z[:, None]
    vcov = np.zeros((z.shape[1], z.shape[1]))
    for s, stage in enumerate(stages):
        factor = stage.average_factor
        if rows is not None and stage.averaged is not None and stage.averaged.any():
            touched = np.zeros((stage.n_strata, 1), dtype=bool)
            touched[stage.unit_stratum[stage.unit[rows]], 0] = True
            factor = float(_average_factor(stage, touched, s)[0])
        if np.isnan(factor):
            warnings.warn(f"lonely_psu='average' has no stratum to average over at stage {s + 1} (a single sampled "
                          "unit where nothing else can stand in for it): the variance is NaN (as R)",
                          LonelyPsuWarning, stacklevel=3)
        totals = z if stage.row_level else group_sum(z, stage.unit, stage.n_units)
        sums = group_sum(totals, stage.unit_stratum, stage.n_strata)
        means = sums / np.maximum(stage.n_sampled, 1)[:, None]
        means[~stage.centred] = 0.0
        deviations = (totals - means[stage.unit_stratum]) * np.sqrt(stage.scale)[stage.unit_stratum][:, None]
        vcov += (deviations.T @ deviations) * factor
    return vcov


def domain_variances(stages: tuple[Stage, ...], weighted_scores: np.ndarray, domain: np.ndarray,
                     n_domains: int) -> np.ndarray:
    """Variances of the domain totals when each row's score belongs to one domain column only.

    Equivalent to the diagonal of `total_vcov` on the n x n_domains matrix that is zero outside each row's
    domain, without building that matrix: unit totals are kept sparse as (unit, domain) cells. Each stratum's
    sum of squares is taken about its mean in two passes (never as ``sum(t^2) - sum(t)^2 / n``, which cancels
    to nothing for values around 1e8).

    Under ``lonely_psu="average"`` the first stage follows R's ``svyby``, which estimates each domain on the
    subset of rows in it: the missing share of a lonely stratum is averaged over the strata *that domain*
    touches, and a domain whose strata are all lonely has a NaN variance (with a `LonelyPsuWarning`).

    Parameters
    ----------
    stages : tuple of Stage
        The design's stages.
    weighted_scores : numpy.ndarray
        Length-n weight x score; rows outside every domain must carry 0.
    domain : numpy.ndarray
        Length-n domain codes in ``0..n_domains-1``, or ``n_domains`` for a row outside every domain.
    n_domains : int
        Number of domains.

    Returns
    -------
    numpy.ndarray
        One variance per domain.
    """
    z = np.asarray(weighted_scores, dtype=float)
    domain = np.asarray(domain, dtype=np.int64)
    outside = domain >= n_domains
    z = np.where(outside, 0.0, z)
    domain = np.where(outside, 0, domain)
    variances = np.zeros(n_domains)
    for s, stage in enumerate(stages):
        cells, values = _unit_domain_totals(stage, z, domain, n_domains)
        unit, dom = np.divmod(cells, n_domains)
        key = stage.unit_stratum[unit] * n_domains + dom
        size = stage.n_strata * n_domains
        s1 = np.bincount(key, weights=values, minlength=size).reshape(stage.n_strata, n_domains)
        present = np.bincount(key, minlength=size).reshape(stage.n_strata, n_domains)
        centre = np.where(stage.centred[:, None], s1 / np.maximum(stage.n_sampled, 1)[:, None], 0.0)
        deviation = values - centre.ravel()[key]
        within = np.bincount(key, weights=deviation * deviation, minlength=size).astype(float)  # int when empty
        within = within.reshape(stage.n_strata, n_domains)
        within += (stage.n_sampled[:, None] - present) * centre * centre  # units of the stratum outside the domain
        factor = stage.average_factor
        if stage.averaged is not None and stage.averaged.any():
            factor = _domain_average_factor(stage, domain, outside, n_domains, s)
        variances += (stage.scale[:, None] * within).sum(axis=0) * factor
    return variances


class LonelyPsuWarning(RuntimeWarning):
    """A variance is NaN because every stratum it rests on has a single PSU and lonely_psu="average"."""


def _domain_average_factor(stage: Stage, domain: np.ndarray, outside: np.ndarray, n_domains: int,
                           s: int) -> np.ndarray:
    """Per domain, R's ``svyby`` factor under "average" (see `_average_factor`), warning about NaN domains."""
    rows = ~outside
    touched = np.zeros((stage.n_strata, n_domains), dtype=bool)
    touched[stage.unit_stratum[stage.unit[rows]], domain[rows]] = True
    factor = _average_factor(stage, touched, s)
    empty = np.isnan(factor)
    if empty.any():
        where = "strata with a single PSU" if s == 0 else f"a cluster with a single sampled unit at stage {s + 1}"
        warnings.warn(f"{int(empty.sum())} domain(s) touch {where}, so lonely_psu='average' has no stratum to "
                      "average over: their standard error is NaN (as R)", LonelyPsuWarning, stacklevel=5)
    return factor


def _average_factor(stage: Stage, touched: np.ndarray, s: int) -> np.ndarray:
    """R's ``onestage`` factor ``nstrat / nokstrat`` for each column of `touched` (strata x subsets).

    At the first stage one call covers every stratum the subset touches; at a later stage each unit of the stage
    above is its own call with one stratum, so a touched lonely one makes the whole variance NaN.
    """
    n_touched = touched.sum(axis=0)
    n_lonely = (touched & stage.averaged[:, None]).sum(axis=0)
    if s > 0:
        return np.where(n_lonely > 0, np.nan, 1.0)
    n_ok = n_touched - n_lonely
    return np.where(n_touched == 0, 1.0, np.where(n_ok == 0, np.nan, n_touched / np.maximum(n_ok, 1)))


def _unit_domain_totals(stage: Stage, z: np.ndarray, domain: np.ndarray,
                        n_domains: int) -> tuple[np.ndarray, np.ndarray]:
    """Nonzero (unit x domain) totals as (cell code = unit * n_domains + domain, total)."""
    if stage.row_level:
        return stage.unit.astype(np.int64) * n_domains + domain, z
    cells = stage.unit.astype(np.int64) * n_domains + domain
    size = stage.n_units * n_domains
    if size <= _DENSE_CELL_LIMIT:
        totals = np.bincount(cells, weights=z, minlength=size)
        keep = np.flatnonzero(totals)
        return keep, totals[keep]
    unique, inverse = np.unique(cells, return_inverse=True)
    return unique, np.bincount(inverse, weights=z, minlength=unique.size)
