"""Weighting: base weights, non-response adjustment, post-stratification, raking, trimming, Kish's deff.

Every step returns a new design. Post-stratification and raking record a calibration step so the standard
errors account for the weighting, as R ``survey`` does (scores replaced by calibration residuals). Raking runs
iterative proportional fitting on the collapsed table of cells, not on the rows: a million rows with 2 x 6 x 63
levels is a 756-cell problem, and the cell factors are mapped back to the rows once.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ._docs import fill_doc
from .calibration_steps import CalibrationModel, CalibrationStep, Convergence
from .design import SurveyDesign
from .errors import ConvergenceWarning, DesignError
from .margins import Margin, MarginKey, Population, match_margin, match_margins
from .stages import codes_of

__all__ = ["base_weights", "nonresponse_adjust", "poststratify", "rake", "trim", "kish_deff",
           "effective_sample_size", "cell_step"]


def cell_step(design: SurveyDesign, margins: Sequence[Margin], new_weights: np.ndarray) -> CalibrationStep:
    """The calibration step of a cell-based weighting (post-stratification or raking) on `margins`."""
    model = CalibrationModel(codes=tuple(m.codes for m in margins), n_levels=tuple(len(m.levels) for m in margins),
                             numeric=np.empty((design.n, 0)))
    return CalibrationStep(model=model, weights_before=np.asarray(design.weights), weights_after=new_weights)


def base_weights(data: pd.DataFrame, probabilities: str | Sequence[str], name: str = "weight") -> pd.Series:
    """Base weights as the inverse of the selection probability (the product over stages when several).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per sampled unit.
    probabilities : str or list of str
        Column(s) holding the selection probability at each stage, in (0, 1].
    name : str
        Name of the returned Series.

    Returns
    -------
    pandas.Series
        ``1 / prod(probabilities)``, aligned with `data`.
    """
    columns = [probabilities] if isinstance(probabilities, str) else list(probabilities)
    product = np.ones(len(data))
    for column in columns:
        if column not in data.columns:
            raise DesignError(f"probability column '{column}' not in the data")
        p = pd.to_numeric(data[column], errors="coerce").to_numpy(dtype=float)
        bad = np.flatnonzero(~(p > 0) | ~(p <= 1))
        if bad.size:
            raise DesignError(f"probability column '{column}' must lie in (0, 1]: row {int(bad[0])} has {p[bad[0]]!r}")
        product *= p
    return pd.Series(1.0 / product, index=data.index, name=name)


def nonresponse_adjust(design: SurveyDesign, respondent_col: str, classes: str | Sequence[str]) -> SurveyDesign:
    """Weighting-class non-response adjustment: respondents carry the weight of the non-respondents of their class.

    Within each class the respondents' weights are multiplied by (sum of all weights) / (sum of respondents'
    weights); non-respondents leave the design. The adjusted weights are then treated as design weights
    (the usual practice; the variance does not add the uncertainty of the response propensities).

    Parameters
    ----------
    design : SurveyDesign
        A design over every sampled case, before any calibration.
    respondent_col : str
        Column that is true (or 1) for a respondent.
    classes : str or list of str
        Weighting-class columns.

    Returns
    -------
    SurveyDesign
        A design over the respondents with adjusted weights and the same stages specification.
    """
    if design.calibration:
        raise DesignError("adjust for non-response before post-stratifying, raking or calibrating")
    data = design.data
    class_columns = [classes] if isinstance(classes, str) else list(classes)
    for column in [respondent_col, *class_columns]:
        if column not in data.columns:
            raise DesignError(f"column '{column}' not in the data")
    responded = data[respondent_col].fillna(False).astype(bool).to_numpy()
    codes, labels = codes_of(data, class_columns)
    w = np.asarray(design.weights)
    all_w = np.bincount(codes, weights=w, minlength=len(labels))
    resp_w = np.bincount(codes, weights=np.where(responded, w, 0.0), minlength=len(labels))
    empty = np.flatnonzero(resp_w == 0)
    if empty.size:
        raise DesignError(f"weighting class {labels.iloc[int(empty[0])].to_dict()} has no respondent; "
                          "collapse it with a neighbouring class")
    adjusted = (w * (all_w / resp_w)[codes])[responded]
    spec = design._spec
    return SurveyDesign(data.loc[responded].reset_index(drop=True), weights=adjusted, strata=spec["strata"],
                        ids=list(spec["ids"]) or None, fpc=list(spec["fpc"]) or None, nest=spec["nest"],
                        lonely_psu=spec["lonely_psu"])


def poststratify(design: SurveyDesign, var: MarginKey, population: Population) -> SurveyDesign:
    """Post-stratify: scale the weights in each cell so the cell totals equal the population counts.

    Parameters
    ----------
    design : SurveyDesign
        The design.
    var : str or tuple of str
        The post-stratification column (or columns, for cells of a cross-classification).
    population : mapping or pandas.Series
        Population count per level (tuples of levels for several columns).

    Returns
    -------
    SurveyDesign
        The post-stratified design; its standard errors use residuals from the cell means (R's
        ``postStratify``).
    """
    margin = match_margin(design.data, var, population, design.codes)
    current = np.bincount(margin.codes, weights=design.weights, minlength=len(margin.levels))
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(current > 0, margin.counts / current, 1.0)
    new_weights = design.weights * factor[margin.codes]
    return design.with_weights(new_weights, cell_step(design, [margin], new_weights))


def _cells(margins: Sequence[Margin]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Row -> occupied cell of the cross-classification, and each margin's level per cell."""
    radix = [len(m.levels) for m in margins]
    combined = margins[0].codes.astype(np.int64)
    for m, r in zip(margins[1:], radix[1:], strict=True):
        combined *= r
        combined += m.codes
    size = int(np.prod(radix, dtype=np.float64))
    if size <= 10_000_000:
        occupied = np.flatnonzero(np.bincount(combined, minlength=size))
        lookup = np.zeros(size, dtype=np.int64)
        lookup[occupied] = np.arange(occupied.size)
        row_cell = lookup[combined]
    else:
        occupied, row_cell = np.unique(combined, return_inverse=True)
    levels, rest = [], occupied.copy()
    for r in reversed(radix):
        rest, level = np.divmod(rest, r)
        levels.append(level)
    return row_cell, levels[::-1]


def ipf(cell_weights: np.ndarray, cell_levels: list[np.ndarray], targets: list[np.ndarray], tol: float,
        max_iter: int) -> tuple[np.ndarray, int, float]:
    """Iterative proportional fitting on a table of cells; returns (cell factors, iterations, max relative error)."""
    factor = np.ones_like(cell_weights)
    error, iteration = np.inf, 0
    for iteration in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        for levels, target in zip(cell_levels, targets, strict=True):
            current = np.bincount(levels, weights=cell_weights * factor, minlength=len(target))
            factor *= np.divide(target, current, out=np.ones_like(target), where=current > 0)[levels]
        error = max(float(np.max(np.abs(np.bincount(levels, weights=cell_weights * factor, minlength=len(target))
                                        - target) / np.maximum(target, 1e-300)))
                    for levels, target in zip(cell_levels, targets, strict=True))
        if error < tol:
            break
    return factor, iteration, error


def rake(design: SurveyDesign, margins: Mapping[MarginKey, Population], tol: float = 1e-6,
         max_iter: int = 100) -> SurveyDesign:
    """Rake the weights to several population margins (iterative proportional fitting, R's ``rake``).

    Parameters
    ----------
    design : SurveyDesign
        The design.
    margins : mapping
        Column (or tuple of columns, for a joint margin) -> population count per level.
    tol : float
        Stop when every weighted margin is within this relative distance of its population count.
    max_iter : int
        Maximum number of full cycles over the margins.

    Returns
    -------
    SurveyDesign
        The raked design: its standard errors account for the raking (as R's ``calibrate(calfun="raking")``),
        and its `~SurveyDesign.convergence` reports the iterations run, the final largest relative margin error
        and whether it converged.

    Raises
    ------
    DesignError
        Margins whose totals disagree, a sampled level missing from a margin, or an empty cell.

    Warns
    -----
    ConvergenceWarning
        When the margins are still further than `tol` from their population counts after `max_iter` cycles (as
        R's ``rake`` warns); the design is returned all the same.
    """
    matched = match_margins(design.data, margins, tolerance=tol, coder=design.codes)
    row_cell, cell_levels = _cells(matched)
    cell_weights = np.bincount(row_cell, weights=design.weights)
    factor, iterations, error = ipf(cell_weights, cell_levels, [m.counts for m in matched], tol, max_iter)
    new_weights = design.weights * factor[row_cell]
    convergence = Convergence(iterations=iterations, max_error=error, tolerance=tol)
    if not convergence.converged:
        warnings.warn(f"rake did not converge in {max_iter} iterations: a weighted margin is still {error:.3g} "
                      f"(relative) from its population count, above tol={tol:g}; raise max_iter, or check that "
                      "the margins can be met together", ConvergenceWarning, stacklevel=2)
    return design.with_weights(new_weights, cell_step(design, matched, new_weights), convergence)


def trim(design: SurveyDesign, lower: float | None = None, upper: float | None = None,
         strict: bool = False) -> SurveyDesign:
    """Trim weights to [lower, upper] and share what was cut equally among the others (R's ``trimWeights``).

    One pass clips the weights outside the bounds and adds the total cut (positive or negative) in equal shares
    to every weight that was inside, so the total weight is kept. Those shares can push a weight past a bound;
    ``strict=True`` repeats the pass until none is outside (R's ``strict=TRUE``), otherwise a warning says how
    many are left outside. Calibration steps recorded before stay attached, as in R.

    Parameters
    ----------
    design : SurveyDesign
        The design.
    lower, upper : float, optional
        Bounds on the final weights.
    strict : bool, default False
        Repeat until every weight lies within the bounds (R's default is False too).

    Returns
    -------
    SurveyDesign
        A design with the same total weight.

    Raises
    ------
    DesignError
        When no set of weights within the bounds can keep the total, or every weight is outside them.
    """
    w = np.asarray(design.weights, dtype=float)
    low = -np.inf if lower is None else float(lower)
    high = np.inf if upper is None else float(upper)
    total = w.sum()
    if low > high or low * len(w) > total or high * len(w) < total:
        raise DesignError(f"weights summing to {total:g} over {len(w)} rows cannot all lie in [{low:g}, {high:g}]")
    for _ in range(1000):
        outside = (w < low) | (w > high)
        if not outside.any():
            break
        if outside.all():
            raise DesignError(f"every weight lies outside [{low:g}, {high:g}], so there is none to share the "
                              "trimmed weight among")
        clipped = np.clip(w, low, high)
        clipped[~outside] += (w - clipped).sum() / int((~outside).sum())
        w = clipped
        if not strict:
            break
    left = int(((w < low) | (w > high)).sum())
    if left:
        if strict:
            raise DesignError(f"trimming to [{low:g}, {high:g}] did not settle; widen the bounds")
        warnings.warn(f"{left} weight(s) lie outside [{low:g}, {high:g}] after sharing the trimmed weight; "
                      "pass strict=True to repeat until none does (R's trimWeights(strict=TRUE))", stacklevel=2)
    if np.any(w <= 0):
        raise DesignError(f"trimming to [{low:g}, {high:g}] leaves a weight at or below zero; raise the lower bound")
    return design.with_weights(w)


@fill_doc
def kish_deff(weights: np.ndarray | SurveyDesign) -> float:
    """Kish's design effect of unequal weighting, ``n * sum(w^2) / sum(w)^2``.

    {weights_to_float}
    """
    w = _weight_values(weights)
    return float(len(w) * np.sum(w * w) / np.sum(w) ** 2)


@fill_doc
def effective_sample_size(weights: np.ndarray | SurveyDesign) -> float:
    """Kish's effective sample size, ``sum(w)^2 / sum(w^2)`` (n divided by `kish_deff`).

    {weights_to_float}
    """
    w = _weight_values(weights)
    return float(np.sum(w) ** 2 / np.sum(w * w))


def _weight_values(weights: np.ndarray | SurveyDesign) -> np.ndarray:
    """The weights as floats: the array given, or a design's final weights."""
    return np.asarray(weights.weights if isinstance(weights, SurveyDesign) else weights, dtype=float)
