"""Several estimates with their joint covariance, and contrasts of them (R's ``svystat`` and ``svycontrast``).

A province against last year, a district against its province, the difference of two SIPAS elements: each is a
function of estimates that share PSUs, so its standard error needs their covariance, not only their SEs.
`svymean` and `svytotal` return a `SvyStat` (named estimates and their Taylor covariance from the design's
one variance primitive, ``design.total_vcov``), overall or by domain (R's ``svyby(..., covmat=TRUE)``);
`svycontrast` takes linear combinations (weights by position or by name) or smooth non-linear functions of them
(delta method, with derivatives exact to rounding by complex-step differentiation); `svyvar` is R's
``svyvar``. Names follow R: ``"api00"`` overall, ``"E:api00"`` for domain E.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .errors import DesignError
from .estimators import domain_codes, numeric_column
from .intervals import t_quantile

if TYPE_CHECKING:
    from .design import SurveyDesign

Contrast = Sequence[float] | Mapping[str, float] | Callable[[Mapping[str, complex]], complex]


@dataclass(frozen=True)
class SvyStat:
    """Named estimates with their covariance matrix (R's ``svystat``).

    Attributes
    ----------
    coef : pandas.Series
        The estimates, named as R names them.
    vcov : pandas.DataFrame
        Their design-based covariance (rows and columns named like `coef`).
    statistic : str
        What they are: ``"mean"``, ``"total"``, ``"variance"``, ``"contrast"`` or ``"nlcon"``.
    """

    coef: pd.Series
    vcov: pd.DataFrame
    statistic: str

    @property
    def se(self) -> pd.Series:
        """Standard errors (R ``SE``)."""
        return pd.Series(np.sqrt(np.maximum(np.diag(self.vcov.to_numpy()), 0.0)), index=self.coef.index, name="se")

    def confint(self, df: float = np.inf, level: float = 0.95) -> pd.DataFrame:
        """Intervals ``coef -+ t(df) se`` (R ``confint(stat, df=)``; pass ``design.degf`` for the design's)."""
        crit = t_quantile(level, df)
        return pd.DataFrame({"ci_low": self.coef - crit * self.se, "ci_high": self.coef + crit * self.se})

    def to_frame(self, df: float = np.inf, level: float = 0.95) -> pd.DataFrame:
        """One row per estimate: ``estimate, se, ci_low, ci_high`` indexed by name."""
        return pd.concat([self.coef.rename("estimate"), self.se, self.confint(df, level)], axis=1)


def _stat(names: list[str], coef: np.ndarray, vcov: np.ndarray, statistic: str) -> SvyStat:
    return SvyStat(pd.Series(coef, index=names, dtype=float), pd.DataFrame(vcov, index=names, columns=names),
                   statistic)


def _scores(design: SurveyDesign, variables: Sequence[str], by, na_rm: bool, statistic: str):
    """Names, estimates and the n x k per-row scores of the means or totals of `variables` in each domain."""
    variables = [variables] if isinstance(variables, str) else list(variables)
    values = np.column_stack([numeric_column(design, v) for v in variables])
    missing = np.isnan(values).any(axis=1)
    if missing.any() and not na_rm:
        raise DesignError(f"{int(missing.sum())} row(s) have a missing value; pass na_rm=True to leave them out")
    dom, labels = domain_codes(design, by)
    dom = np.where(missing, -1, dom)
    values = np.where(missing[:, None], 0.0, values)
    w = design.weights
    names, estimates, columns = [], [], []
    for j, variable in enumerate(variables):
        for k in range(len(labels)):
            inside = dom == k
            size = float(w[inside].sum())
            total = float((w * values[:, j])[inside].sum())
            if statistic == "total":
                estimates.append(total)
                columns.append(np.where(inside, values[:, j], 0.0))
            else:
                centre = total / size if size > 0 else np.nan
                estimates.append(centre)
                columns.append(np.where(inside, (values[:, j] - centre) / size, 0.0))
            label = ".".join(str(v) for v in labels.iloc[k].tolist()) if by is not None else ""
            names.append(f"{label}:{variable}" if by is not None else variable)
    return names, np.array(estimates), np.column_stack(columns), ~missing


def svymean(design: SurveyDesign, variables: str | Sequence[str], by=None, na_rm: bool = True) -> SvyStat:
    """Means of `variables` with their joint covariance (R ``svymean(~a+b)``; with `by`, ``svyby(covmat=TRUE)``).

    Parameters
    ----------
    design : SurveyDesign
        The design.
    variables : str or list of str
        Numeric columns; a row missing any of them is left out of all (R's ``na.rm=TRUE``).
    by : str or list of str, optional
        Domain columns.
    na_rm : bool
        Leave rows with a missing value out; False refuses them.

    Returns
    -------
    SvyStat
    """
    names, estimates, scores, rows = _scores(design, variables, by, na_rm, "mean")
    return _stat(names, estimates, design.total_vcov(scores, rows=rows if by is None else None), "mean")


def svytotal(design: SurveyDesign, variables: str | Sequence[str], by=None, na_rm: bool = True) -> SvyStat:
    """Totals of `variables` with their joint covariance (R ``svytotal``); see `svymean` for the parameters."""
    names, estimates, scores, rows = _scores(design, variables, by, na_rm, "total")
    return _stat(names, estimates, design.total_vcov(scores, rows=rows if by is None else None), "total")


def svyvar(design: SurveyDesign, variables: str | Sequence[str], na_rm: bool = True) -> SvyStat:
    """Estimated population variance (one variable) or covariances (several) with their SEs (R ``svyvar``).

    As R: the mean of ``(x - xbar)^2 n / (n - 1)`` (n = rows with a non-zero weight, missing values included),
    with the standard error of that mean (xbar taken as known). Several variables give every product, named
    ``"a:b"``, column by column as R's matrix.

    Parameters
    ----------
    design : SurveyDesign
        The design.
    variables : str or list of str
        Numeric columns.
    na_rm : bool
        Leave rows with a missing value out; False refuses them.

    Returns
    -------
    SvyStat
    """
    from .estimators import with_data

    variables = [variables] if isinstance(variables, str) else list(variables)
    n = int(np.count_nonzero(design.weights))
    means = svymean(design, variables, na_rm=na_rm).coef
    centred = {v: numeric_column(design, v) - means[v] for v in variables}
    products, names = {}, []
    for b in variables:
        for a in variables:
            name = a if len(variables) == 1 else f"{a}:{b}"
            products[f"__svyvar_{len(names)}__"] = centred[a] * centred[b] * n / (n - 1)
            names.append(name)
    stat = svymean(with_data(design, products), list(products), na_rm=na_rm)
    return _stat(names, stat.coef.to_numpy(), stat.vcov.to_numpy(), "variance")


def svycontrast(stat: SvyStat, contrasts: Contrast | Mapping[str, Contrast], add: bool = False) -> SvyStat:
    """Linear or non-linear functions of estimates with their delta-method covariance (R ``svycontrast``).

    Parameters
    ----------
    stat : SvyStat
        Estimates and their covariance (`svymean`, `svytotal`, `svyvar` or an earlier contrast).
    contrasts : sequence, mapping or callable, or a mapping of names to them
        One contrast, or several by name. A sequence gives a weight per estimate in order; a mapping
        ``{estimate name: weight}`` names only the non-zero ones (R's named vectors); a callable receives a
        mapping of estimate names to values and returns one value (R's ``quote(...)`` expressions), written with
        numpy functions (``np.log``, ``np.exp``, ``np.sqrt``, ...) so it can be differentiated by complex step.
        A single unnamed contrast is named ``"contrast"``, as in R.
    add : bool
        Append the original estimates after the contrasts (R's ``add=TRUE``).

    Returns
    -------
    SvyStat
        ``statistic="contrast"`` when all are linear, ``"nlcon"`` otherwise.
    """
    named = contrasts if _is_named_set(contrasts, stat) else {"contrast": contrasts}
    names = list(stat.coef.index)
    coef = stat.coef.to_numpy()
    rows, values, linear = [], [], True
    for contrast in named.values():
        if callable(contrast):
            value, gradient = _complex_step(contrast, names, coef)
            linear = False
        else:
            gradient = _weights(contrast, names)
            value = float(gradient @ coef)
        rows.append(gradient)
        values.append(value)
    out_names = list(named)
    if add:
        rows.extend(np.eye(len(names)))
        values.extend(coef)
        out_names += names
    jacobian = np.array(rows)
    vcov = jacobian @ stat.vcov.to_numpy() @ jacobian.T
    return _stat(out_names, np.array(values, dtype=float), vcov, "contrast" if linear else "nlcon")


def _is_named_set(contrasts, stat: SvyStat) -> bool:
    """A mapping of contrast names to contrasts, rather than one contrast given by estimate names."""
    if not isinstance(contrasts, Mapping) or not contrasts:
        return False
    return not all(isinstance(v, int | float | np.number) and k in stat.coef.index for k, v in contrasts.items())


def _weights(contrast: Sequence[float] | Mapping[str, float], names: list[str]) -> np.ndarray:
    if isinstance(contrast, Mapping):
        unknown = [k for k in contrast if k not in names]
        if unknown:
            raise DesignError(f"contrast names {unknown} are not estimates; the estimates are {names}")
        return np.array([float(contrast.get(name, 0.0)) for name in names])
    weights = np.asarray(contrast, dtype=float)
    if weights.shape != (len(names),):
        raise DesignError(f"a contrast needs one weight per estimate ({len(names)}: {names}), got {weights.shape}")
    return weights


def _complex_step(function: Callable, names: list[str], coef: np.ndarray) -> tuple[float, np.ndarray]:
    """Value and gradient of `function` at `coef`: f(x + i h e_j) has imaginary part h df/dx_j, free of rounding."""
    value = complex(function(dict(zip(names, coef.astype(complex), strict=True))))
    gradient = np.empty(len(names))
    for j in range(len(names)):
        step = 1e-30 * max(1.0, abs(coef[j]))
        point = coef.astype(complex)
        point[j] += 1j * step
        gradient[j] = complex(function(dict(zip(names, point, strict=True)))).imag / step
    return value.real, gradient
