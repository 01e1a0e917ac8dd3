"""R's ``spline(method="fmm")``: Forsythe, Malcolm and Moler's interpolating cubic spline, as R's ``splines.c``.

Needed only to reproduce R's profile-likelihood interval (``svyciprop(method="likelihood")``), which R reads off a
spline through a few profile points; scipy's splines use other end conditions, so the numbers would differ.
The end conditions match the third derivatives of the cubics through the first and last four points.
"""

from __future__ import annotations

import numpy as np


def fmm_coefficients(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coefficients ``(b, c, d)`` of ``y[i] + b[i] dx + c[i] dx^2 + d[i] dx^3`` on each interval (R's fmm_spline)."""
    n = len(x)
    b, c, d = np.zeros(n), np.zeros(n), np.zeros(n)
    if n < 2:
        return b, c, d
    if n < 3:
        slope = (y[1] - y[0]) / (x[1] - x[0])
        return np.full(n, slope), c, d
    nm1 = n - 1
    d[0] = x[1] - x[0]
    c[1] = (y[1] - y[0]) / d[0]
    for i in range(1, nm1):
        d[i] = x[i + 1] - x[i]
        b[i] = 2.0 * (d[i - 1] + d[i])
        c[i + 1] = (y[i + 1] - y[i]) / d[i]
        c[i] = c[i + 1] - c[i]
    b[0] = -d[0]
    b[nm1] = -d[n - 2]
    c[0] = c[nm1] = 0.0
    if n > 3:
        c[0] = c[2] / (x[3] - x[1]) - c[1] / (x[2] - x[0])
        c[nm1] = c[n - 2] / (x[nm1] - x[n - 3]) - c[n - 3] / (x[n - 2] - x[n - 4])
        c[0] = c[0] * d[0] * d[0] / (x[3] - x[0])
        c[nm1] = -c[nm1] * d[n - 2] * d[n - 2] / (x[nm1] - x[n - 4])
    for i in range(1, n):
        t = d[i - 1] / b[i - 1]
        b[i] = b[i] - t * d[i - 1]
        c[i] = c[i] - t * c[i - 1]
    c[nm1] = c[nm1] / b[nm1]
    for i in range(n - 2, -1, -1):
        c[i] = (c[i] - d[i] * c[i + 1]) / b[i]
    b[nm1] = (y[nm1] - y[n - 2]) / d[n - 2] + d[n - 2] * (c[n - 2] + 2.0 * c[nm1])
    for i in range(nm1):
        b[i] = (y[i + 1] - y[i]) / d[i] - d[i] * (c[i + 1] + 2.0 * c[i])
        d[i] = (c[i + 1] - c[i]) / d[i]
        c[i] = 3.0 * c[i]
    c[nm1] = 3.0 * c[nm1]
    d[nm1] = d[n - 2]
    return b, c, d


def spline(x: np.ndarray, y: np.ndarray, n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """R's ``spline(x, y, n = 3 * length(x), method = "fmm")``: `n` points evenly spaced over the range of x.

    Ties in x are averaged and x sorted first, as R's ``regularize.values``.
    """
    x, y = _regularize(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    n = 3 * len(x) if n is None else n
    b, c, d = fmm_coefficients(x, y)
    xout = np.linspace(x[0], x[-1], n) if n > 1 else x[:1]
    i = np.clip(np.searchsorted(x, xout, side="right") - 1, 0, len(x) - 1)
    dx = xout - x[i]
    return xout, y[i] + dx * (b[i] + dx * (c[i] + dx * d[i]))


def approx(x: np.ndarray, y: np.ndarray, xout: np.ndarray) -> np.ndarray:
    """R's ``approx(x, y, xout)``: linear interpolation after sorting and averaging ties, NA outside the range."""
    x, y = _regularize(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    xout = np.asarray(xout, dtype=float)
    inside = (xout >= x[0]) & (xout <= x[-1])
    return np.where(inside, np.interp(xout, x, y), np.nan)


def _regularize(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    unique, inverse = np.unique(x, return_inverse=True)
    if len(unique) == len(x):
        return x, y
    return unique, np.bincount(inverse, weights=y) / np.bincount(inverse)
