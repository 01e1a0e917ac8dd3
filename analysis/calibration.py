"""Calibration models: the auxiliary variables a weighting step matched to the population, kept compactly.

Post-stratification, raking and linear/raking calibration all change the variance the same way (R's
``svyrecvar`` with ``postStrata``): before the design variance is taken, each weighted score is replaced by the
residual of a weighted least-squares regression of the score on the calibration variables, using the weights
from before the step, multiplied by the weights after it. Categorical variables are held as integer codes
(never as n x levels indicator matrices), so a million rows raked on 2 x 6 x 63 levels stays cheap.
"""

from __future__ import annotations

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
        """Return X' diag(w) u for u of shape n or n x k."""
        u2 = u[:, None] if u.ndim == 1 else u
        wu = u2 * w[:, None]
        parts = []
        for ca, la in zip(self.codes, self.n_levels, strict=True):
            parts.append(np.column_stack([np.bincount(ca, weights=wu[:, j], minlength=la)
                                          for j in range(wu.shape[1])]))
        if self.numeric.shape[1]:
            parts.append(self.numeric.T @ wu)
        out = np.vstack(parts)
        return out[:, 0] if u.ndim == 1 else out

    def fitted(self, beta: np.ndarray) -> np.ndarray:
        """Return X beta (beta of shape p or p x k)."""
        off = self._offsets()
        shape = (len(self.numeric),) + beta.shape[1:]
        out = np.zeros(shape)
        for a, ca in enumerate(self.codes):
            out += beta[off[a]:off[a + 1]][ca]
        if self.numeric.shape[1]:
            out += self.numeric @ beta[off[-1]:]
        return out


@dataclass(frozen=True)
class CalibrationStep:
    """A recorded weighting step: which auxiliaries, and the weights before and after it."""

    model: CalibrationModel
    weights_before: np.ndarray
    weights_after: np.ndarray

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
            least-squares fit weighted by ``w_before``.
        """
        u = weighted_scores / self.weights_after[:, None]
        beta = solve_normal(self.model.gram(self.weights_before), self.model.cross(self.weights_before, u))
        return (u - self.model.fitted(beta)) * self.weights_after[:, None]


def solve_normal(gram: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Solve the (possibly rank-deficient) normal equations; any solution gives the same fitted values."""
    return np.linalg.lstsq(gram, rhs, rcond=None)[0]
