"""Calibration to population totals (R's ``calibrate``): linear (GREG) or raking, with optional bounds.

Finds g-weights ``g = F(x' lambda)`` so that the calibrated weights ``w g`` reproduce the population totals of
the auxiliary variables, with ``F(u) = 1 + u`` (linear) or ``exp(u)`` (raking), truncated to ``bounds`` when
given, by Newton's method on the (small) system of calibration equations.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np

from .calibration_steps import CalibrationModel, CalibrationStep, Convergence, solve_normal
from .design import SurveyDesign
from .errors import DesignError
from .estimators import numeric_column
from .margins import match_margin

CalibrationMethod = Literal["linear", "raking"]


def _model(design: SurveyDesign, totals: Mapping, population_size: float | None):
    """Build the auxiliary model and the target vector from the totals specification."""
    codes, n_levels, targets, numeric, numeric_targets = [], [], [], [], []
    for name, total in totals.items():
        if isinstance(total, Mapping):
            margin = match_margin(design.data, name, total, design.codes)
            codes.append(margin.codes)
            n_levels.append(len(margin.levels))
            targets.append(margin.counts)
        else:
            values = numeric_column(design, name)
            if np.isnan(values).any():
                raise DesignError(f"calibration variable '{name}' has missing values")
            numeric.append(values)
            numeric_targets.append(float(total))
    if population_size is not None:
        numeric.append(np.ones(design.n))
        numeric_targets.append(float(population_size))
    matrix = np.column_stack(numeric) if numeric else np.empty((design.n, 0))
    model = CalibrationModel(codes=tuple(codes), n_levels=tuple(n_levels), numeric=matrix)
    return model, np.concatenate(targets + [np.array(numeric_targets)])


def _g(u: np.ndarray, method: str, low: float, high: float) -> tuple[np.ndarray, np.ndarray]:
    """g-weights and their derivative for the linear predictor u."""
    g = 1.0 + u if method == "linear" else np.exp(np.clip(u, -700, 700))
    slope = np.ones_like(u) if method == "linear" else g.copy()
    outside = (g < low) | (g > high)
    return np.clip(g, low, high), np.where(outside, 0.0, slope)


def calibrate(design: SurveyDesign, totals: Mapping[str, float | Mapping], method: CalibrationMethod = "linear",
              bounds: tuple[float, float] | None = None, population_size: float | None = None,
              max_iter: int = 50, tol: float = 1e-10) -> SurveyDesign:
    """Calibrate the weights to known population totals (R: ``calibrate(design, formula, population)``).

    Parameters
    ----------
    design : SurveyDesign
        The design.
    totals : mapping
        Column -> population total (numeric column) or mapping level -> population count (categorical).
    method : {"linear", "raking"}
        Calibration function: linear (GREG; weights may get small) or raking (multiplicative, positive).
    bounds : (float, float), optional
        Lower and upper bounds on the g-weights (final / initial weight).
    population_size : float, optional
        Population size, added as an intercept (needed when `totals` has no categorical margin).
    max_iter : int
        Newton iterations allowed.
    tol : float
        Relative tolerance on the calibration equations.

    Returns
    -------
    SurveyDesign
        The calibrated design; its standard errors use regression residuals on the auxiliaries, and its
        `~SurveyDesign.convergence` reports the Newton steps taken and the final relative gap to the totals.

    Raises
    ------
    DesignError
        Unknown columns or levels, no convergence (bounds too tight), or non-positive calibrated weights.
    """
    if method not in ("linear", "raking"):
        raise DesignError(f"method must be 'linear' or 'raking', not {method!r}")
    low, high = bounds if bounds is not None else (-np.inf, np.inf)
    model, target = _model(design, totals, population_size)
    w = np.asarray(design.weights)
    lam = np.zeros(model.n_params)
    for steps in range(max_iter):  # noqa: B007 - the count is reported
        g, slope = _g(model.fitted(lam), method, low, high)
        gap = target - model.cross(w, g)
        error = float(np.max(np.abs(gap) / np.maximum(np.abs(target), 1.0)))
        if error < tol:
            break
        lam = lam + solve_normal(model.gram(w * slope), gap)
    else:
        raise DesignError(f"calibration did not converge in {max_iter} iterations; loosen the bounds or check "
                          "that the totals are attainable")
    new_weights = w * g
    if np.any(new_weights <= 0):
        raise DesignError("linear calibration produced non-positive weights; use bounds or method='raking'")
    return design.with_weights(new_weights, CalibrationStep(model, w, new_weights),
                               Convergence(iterations=steps, max_error=error, tolerance=tol))
