"""Calibration steps recorded on a design, so its standard errors account for the weighting that made them.

A step keeps the auxiliary variables it matched to the population (compactly) and the weights before and after;
an iterative step (raking, calibration) also leaves a `Convergence` report on the design it returns.

Post-stratification, raking and linear/raking calibration all change the variance the same way (R's
``svyrecvar`` with ``postStrata``): before the design variance is taken, each weighted score is replaced by the
residual of a weighted least-squares regression of the score on the calibration variables, using the weights
from before the step, multiplied by the weights after it. Categorical variables are held as integer codes
(never as n x levels indicator matrices), so a million rows raked on 2 x 6 x 63 levels stays cheap.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class CalibrationModel:
    """Auxiliary variables: categorical blocks (codes) plus numeric columns.

    Attributes
    ----------
    codes : tuple of numpy.ndarray
        One integer code array per categorical variable (a joint margin is one variable of combined codes).
    n_levels : tuple of int
        Number of levels of each categorical block.
    numeric : numpy.ndarray
        n x q matrix of numeric auxiliaries (q may be 0); an intercept is a column of ones.
    """

    codes: tuple[np.ndarray, ...]
    n_levels: tuple[int, ...]
    numeric: np.ndarray

    @property
    def n_params(self) -> int:
        """Number of columns of the (implicit) design matrix."""
        return int(sum(self.n_levels)) + self.numeric.shape[1]

    def _offsets(self) -> np.ndarray:
        return np.concatenate([[0], np.cumsum(self.n_levels)]).astype(int)

    def gram(self, w: np.ndarray) -> np.ndarray:
        """Return X' diag(w) X without forming X."""
        p, off = self.n_params, self._offsets()
        out = np.zeros((p, p))
        for a, (ca, la) in enumerate(zip(self.codes, self.n_levels, strict=True)):
            for b in range(a, len(self.codes)):
                cb, lb = self.codes[b], self.n_levels[b]
                block = np.bincount(ca.astype(np.int64) * lb + cb, weights=w, minlength=la * lb).reshape(la, lb)
                out[off[a]:off[a + 1], off[b]:off[b + 1]] = block
                out[off[b]:off[b + 1], off[a]:off[a + 1]] = block.T
            for j in range(self.numeric.shape[1]):
                col = np.bincount(ca, weights=w * self.numeric[:, j], minlength=la)
                out[off[a]:off[a + 1], off[-1] + j] = col
                out[off[-1] + j, off[a]:off[a + 1]] = col
        if self.numeric.shape[1]:
            out[off[-1]:, off[-1]:] = (self.numeric * w[:, None]).T @ self.numeric
        return out

    def cross(self, w: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Return X' diag(w) u for u of shape n (result p) or n x k (result p x k)."""
        rows = np.ascontiguousarray((u[:, None] if u.ndim == 1 else u).T)
        out = self.cross_rows(w, rows)
        return out[:, 0] if u.ndim == 1 else out

    def cross_rows(self, w: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Return X' diag(w) U' for U given as k x n rows (one contiguous row per score); result p x k."""
        weighted = rows * w
        parts = [np.column_stack([np.bincount(ca, weights=row, minlength=la) for row in weighted])
                 for ca, la in zip(self.codes, self.n_levels, strict=True)]
        if self.numeric.shape[1]:
            parts.append(self.numeric.T @ weighted.T)
        return np.vstack(parts)

    def fitted(self, beta: np.ndarray) -> np.ndarray:
        """Return X beta (beta of shape p, result n; or p x k, result n x k)."""
        out = self.fitted_rows(beta[:, None] if beta.ndim == 1 else beta)
        return out[0] if beta.ndim == 1 else out.T

    def fitted_rows(self, beta: np.ndarray) -> np.ndarray:
        """Return (X beta)' as k x n rows for beta of shape p x k."""
        off = self._offsets()
        out = np.zeros((beta.shape[1], len(self.numeric)))
        for a, ca in enumerate(self.codes):
            out += np.take(beta[off[a]:off[a + 1]].T, ca, axis=1)
        if self.numeric.shape[1]:
            out += (self.numeric @ beta[off[-1]:]).T
        return out


@dataclass(frozen=True)
class Convergence:
    """How an iterative weighting step (`rake`, `calibrate`) ended, kept on the design it returned.

    Attributes
    ----------
    iterations : int
        Iterations run (full cycles over the margins for raking, Newton steps for calibration).
    max_error : float
        Largest relative gap between a weighted total and its population total at the end.
    tolerance : float
        The gap the step aimed for.
    """

    iterations: int
    max_error: float
    tolerance: float

    @property
    def converged(self) -> bool:
        """Whether `max_error` fell below `tolerance` within the iterations allowed."""
        return bool(self.max_error < self.tolerance)


@dataclass(frozen=True)
class CalibrationStep:
    """A recorded weighting step: which auxiliaries, and the weights before and after it."""

    model: CalibrationModel
    weights_before: np.ndarray
    weights_after: np.ndarray

    @functools.cached_property
    def _gram_inverse(self) -> np.ndarray:
        """Generalised inverse of X' W X (weights before the step), computed once per step."""
        return pseudo_inverse(self.model.gram(self.weights_before))

    def residualize(self, weighted_scores: np.ndarray) -> np.ndarray:
        """Replace weighted scores by calibration residuals (R: ``qr.resid(qr, x / w) * w``).

        Parameters
        ----------
        weighted_scores : numpy.ndarray
            n x k matrix of final weight x score.

        Returns
        -------
        numpy.ndarray
            n x k matrix of ``w_after * (u - X beta)``, with ``u = scores / w_after`` and ``beta`` the
            least-squares fit weighted by ``w_before`` (computed on contiguous k x n rows, returned transposed).
        """
        rows = np.ascontiguousarray(weighted_scores.T) / self.weights_after
        beta = self._gram_inverse @ self.model.cross_rows(self.weights_before, rows)
        rows -= self.model.fitted_rows(beta)
        rows *= self.weights_after
        return rows.T


def pseudo_inverse(gram: np.ndarray) -> np.ndarray:
    """Moore-Penrose inverse of a symmetric positive semi-definite matrix (rank-deficient when margins overlap)."""
    values, vectors = np.linalg.eigh(gram)
    keep = values > 1e-10 * max(values.max(initial=0.0), 1e-300)
    return (vectors[:, keep] / values[keep]) @ vectors[:, keep].T


def solve_normal(gram: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Solve the (possibly rank-deficient) normal equations; any solution gives the same fitted values."""
    return np.linalg.lstsq(gram, rhs, rcond=None)[0]
