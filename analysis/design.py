"""The survey design object, in the shape of R ``survey``'s ``svydesign``: created and validated once, immutable.

A `SurveyDesign` carries the data with its weights, strata, clusters (one column per stage) and finite
population corrections, plus the calibration steps (post-stratification, raking, calibration) applied to its
weights, which the variance honours. Weighting functions return a new design; nothing mutates one.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from . import estimators, proportions, quantiles
from .calibration_steps import CalibrationStep, Convergence
from .errors import DesignError
from .stages import (
    LONELY_PSU_OPTIONS,
    LonelyPsu,
    build_stages,
    check_columns,
    codes_of,
    design_weights,
)
from .variance import Stage, total_vcov

__all__ = ["SurveyDesign"]


def _as_list(columns: str | Sequence[str] | None) -> list[str]:
    if columns is None:
        return []
    if isinstance(columns, str):
        return [] if columns in ("1", "0") else [columns]
    return [c for c in columns if c not in ("1", "0")]


def _method(function):
    """A `SurveyDesign` method that calls ``function(design, ...)`` and shows its documentation (one text for both)."""

    @functools.wraps(function)
    def method(self, *args, **kwargs):
        return function(self, *args, **kwargs)

    method.__qualname__ = f"SurveyDesign.{function.__name__}"
    method.__doc__ = function.__doc__.replace("    design : SurveyDesign\n        The design.\n", "")
    return method


class SurveyDesign:
    """A complex survey design (R: ``svydesign(ids=, strata=, weights=, fpc=, nest=, data=)``).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent. The design keeps its own copy.
    weights : str or array-like, optional
        Column name (or values) of the sampling weights. When absent they are derived from the fpc (population
        over sample size at every stage, as R does); with neither, every weight is 1.
    strata : str, optional
        Column of the first-stage strata.
    ids : str or list of str, optional
        Cluster columns, one per stage (``None`` or ``"1"``: every row is its own PSU).
    fpc : str or list of str, optional
        Finite population correction per stage: a population size (number of units in the stratum, > 1) or a
        sampling fraction (<= 1). Without it the stage is treated as sampled with replacement.
    nest : bool
        True when PSU labels restart within strata (they are then made unique per stratum).
    lonely_psu : {"fail", "certainty", "adjust", "average", "remove"}
        What to do with a stratum that has a single sampled unit (R's ``options(survey.lonely.psu)``):
        refuse (default), treat it as certainty (no variance), centre it at zero instead of its stratum mean
        ("adjust"), replace its contribution by the average of the other strata (for a domain: of the strata
        it touches, as R's ``svyby``; NaN with a warning when all of them are lonely), or drop it.
        At a later stage each unit of the stage above is its own stratum, so under "average" a lonely unit there
        makes every estimate touching it NaN, as in R (see ``stages._lonely_remedy``).

    Raises
    ------
    DesignError
        Missing column or values, non-positive or missing weight, an fpc smaller than the sample or varying
        within a stratum, PSUs not nested in strata (with ``nest=False``), a stratum with one PSU.

    Notes
    -----
    Estimators handle missing values as R with ``na.rm=TRUE``, domain-style: a row with a missing value keeps
    its place in the design (its PSU and stratum still count) but contributes a zero score.
    """

    def __init__(self, data: pd.DataFrame, weights: str | Sequence[float] | None = None, strata: str | None = None,
                 ids: str | Sequence[str] | None = None, fpc: str | Sequence[str] | None = None,
                 nest: bool = False, lonely_psu: LonelyPsu = "fail"):
        if not isinstance(data, pd.DataFrame):
            raise DesignError("data must be a pandas DataFrame")
        if lonely_psu not in LONELY_PSU_OPTIONS:
            raise DesignError(f"lonely_psu must be one of {', '.join(LONELY_PSU_OPTIONS)}, not {lonely_psu!r}")
        ids_list, fpc_list = _as_list(ids), _as_list(fpc)
        weight_name = weights if isinstance(weights, str) else None
        design_columns = ids_list + fpc_list + ([strata] if strata else []) + ([weight_name] if weight_name else [])
        check_columns(data, design_columns)
        if len(data) == 0:
            raise DesignError("the data has no rows")
        frame = data.reset_index(drop=True).copy()
        stages, implied, n_psu, n_strata = build_stages(frame, ids_list, strata, fpc_list, nest, lonely_psu)
        w = design_weights(frame, weights, implied)
        self._set(_data=frame, _weights=_read_only(w), _stages=stages, _calibration=(), _convergence=None,
                  _n_psu=n_psu, _codes={},
                  _n_strata=n_strata, _spec={"weights": weights if weight_name else None, "strata": strata,
                                             "ids": tuple(ids_list), "fpc": tuple(fpc_list), "nest": nest,
                                             "lonely_psu": lonely_psu})

    def _set(self, **fields) -> None:
        for name, value in fields.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name, value):
        raise AttributeError("a SurveyDesign is immutable; weighting functions return a new design")

    def __repr__(self) -> str:
        spec = self._spec
        kind = "stratified " if spec["strata"] else ""
        stages = f"{len(spec['ids'])}-stage cluster" if spec["ids"] else "element"
        fpc = "with fpc" if spec["fpc"] else "with replacement"
        steps = f", {len(self._calibration)} calibration step(s)" if self._calibration else ""
        return f"<SurveyDesign {kind}{stages} sample of {self.n} rows, {self._n_psu} PSUs, {fpc}{steps}>"

    # -- what the design holds --------------------------------------------------------------------------------
    @property
    def data(self) -> pd.DataFrame:
        """The design's data (do not modify it in place; build a new design instead)."""
        return self._data

    @property
    def weights(self) -> np.ndarray:
        """Final weights (read-only array), after any weighting steps."""
        return self._weights

    @property
    def n(self) -> int:
        """Number of rows."""
        return len(self._data)

    @property
    def degf(self) -> int:
        """Design degrees of freedom: number of PSUs minus number of strata (R's ``degf``)."""
        return max(self._n_psu - self._n_strata, 1)

    @property
    def stages(self) -> tuple[Stage, ...]:
        """The precomputed sampling stages used by the variance."""
        return self._stages

    @property
    def calibration(self) -> tuple[CalibrationStep, ...]:
        """Calibration steps recorded by post-stratification, raking and calibration, oldest first."""
        return self._calibration

    @property
    def convergence(self) -> Convergence | None:
        """How the iterative step that produced these weights ended (`rake`, `calibrate`), or None.

        ``iterations``, ``max_error``, ``tolerance`` and ``converged``; None when the weights did not come from an
        iterative step (the design's own weights, `poststratify`, `trim`).
        """
        return self._convergence

    def codes(self, columns: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
        """Integer codes of the combinations of `columns` and their labels, computed once per design data.

        Raking, post-stratification and domain estimation code the same columns again and again (think of
        trimming and re-raking); the data never changes, so the codes are kept (read-only) and shared by the
        designs derived from this one.
        """
        key = tuple(columns)
        if key not in self._codes:
            codes, labels = codes_of(self._data, list(columns))
            self._codes[key] = (_read_only(codes), labels)
        return self._codes[key]

    def with_weights(self, weights: np.ndarray, step: CalibrationStep | None = None,
                     convergence: Convergence | None = None) -> SurveyDesign:
        """Return a new design with other final weights, optionally recording a calibration step.

        Parameters
        ----------
        weights : numpy.ndarray
            New positive weights, one per row.
        step : CalibrationStep, optional
            The calibration that produced them, so that standard errors account for it.
        convergence : Convergence, optional
            How the iterative step that produced them ended (kept as `convergence`).

        Returns
        -------
        SurveyDesign
        """
        w = np.asarray(weights, dtype=float)
        if w.shape != (self.n,) or not np.all(np.isfinite(w)) or np.any(w <= 0):
            raise DesignError("new weights must be positive finite numbers, one per row")
        new = copy.copy(self)
        calibration = self._calibration + ((step,) if step is not None else ())
        new._set(_weights=_read_only(w.copy()), _calibration=calibration, _convergence=convergence)
        return new

    # -- variance (the contract other estimators build on) ----------------------------------------------------
    def total_vcov(self, scores: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Design-based covariance matrix of the weighted totals of per-row score columns.

        Parameters
        ----------
        scores : numpy.ndarray
            n x k (or length-n) per-row scores; the weights are applied here.
        rows : numpy.ndarray, optional
            Boolean mask of the rows the estimate uses (scores are zero elsewhere), for R's subset semantics of
            ``lonely_psu="average"`` (see `variance.total_vcov`); ignored once calibrated, as R keeps every row.

        Returns
        -------
        numpy.ndarray
            k x k Taylor-linearisation covariance of ``sum(w * scores)``, honouring strata, clusters at every
            stage, fpc and the calibration steps (scores are replaced by calibration residuals first).
        """
        z = np.asarray(scores, dtype=float)
        z = z[:, None] if z.ndim == 1 else z
        if z.shape[0] != self.n:
            raise DesignError(f"scores have {z.shape[0]} rows but the design has {self.n}")
        z = z * self._weights[:, None]
        for step in self._calibration:
            z = step.residualize(z)
        return total_vcov(self._stages, z, None if self._calibration else rows)

    # -- estimators: the functions of estimators.py and quantiles.py, as methods ------------------------------
    mean = _method(estimators.mean)
    total = _method(estimators.total)
    proportion = _method(proportions.proportion)
    ratio = _method(estimators.ratio)
    quantile = _method(quantiles.quantile)


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array
