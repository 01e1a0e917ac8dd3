"""Confidence intervals as R ``survey`` computes them: on the design's degrees of freedom, and for proportions.

Estimators report the normal 95% interval, R's default ``confint(est)``. A province has 10 to 30 PSUs, so the
t distribution on the design degrees of freedom is the honest choice: `confint` recomputes the interval of any
estimate or table as R's ``confint(est, df = degf(design))``.

For a proportion a symmetric interval can leave [0, 1] (a 97% share in a small district). `svyciprop` gives R's
``svyciprop`` intervals, all on the design degrees of freedom by default:

- ``"logit"``: Wald interval for logit(p) (R fits ``svyglm(y ~ 1, family=quasibinomial)``; its standard error is
  SE(p) / (p (1 - p)), the delta method), mapped back with expit;
- ``"likelihood"``: the design-scaled profile likelihood of that model (Rao-Scott scaling of the quasi-binomial
  deviance); R interpolates a spline through ten profile points, here the equation is solved exactly, so the
  two agree to about 1e-4 rather than 1e-8;
- ``"asin"``: Wald interval for asin(sqrt(p));
- ``"beta"``: Korn and Graubard's Clopper-Pearson interval on the effective sample size p (1 - p) / Var(p),
  itself scaled by ``(qt(alpha/2, n - 1) / qt(alpha/2, degf))^2``;
- ``"mean"``: p +- t SE (may leave [0, 1]); ``"xlogit"``: the delta-method logit interval.

Domains (``by=``) follow R's ``svyby(..., svyciprop)``: each domain's degrees of freedom are those of the domain
(PSUs with a member minus strata with one) and the standard error is the domain estimator's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from .estimators import domain_codes, mean, numeric_column, with_data
from .results import Estimate
from .stages import DesignError

if TYPE_CHECKING:
    from .design import SurveyDesign

CipropMethod = Literal["logit", "likelihood", "asin", "beta", "mean", "xlogit"]
CIPROP_METHODS: tuple[str, ...] = ("logit", "likelihood", "asin", "beta", "mean", "xlogit")


def t_quantile(level: float, df: float) -> float:
    """Upper critical value of a two-sided `level` interval: t on `df` (normal when infinite; NaN when df < 1)."""
    if not 0 < level < 1:
        raise DesignError(f"level must lie strictly between 0 and 1, got {level}")
    if df is None or not df > 0:
        return float("nan")
    upper = 1 - (1 - level) / 2
    return float(stats.norm.ppf(upper) if np.isinf(df) else stats.t.ppf(upper, df))


def confint(result: Estimate | pd.DataFrame, df: float = np.inf, level: float = 0.95) -> Estimate | pd.DataFrame:
    """The estimate or table with ``ci_low``/``ci_high`` recomputed as ``estimate -+ t(df) * se`` (R ``confint``).

    Parameters
    ----------
    result : Estimate or pandas.DataFrame
        What an estimator returned (a table needs ``estimate`` and ``se`` columns).
    df : float
        Degrees of freedom; pass ``design.degf`` for R's ``confint(est, df = degf(design))``. Infinite (the
        default, as R) gives the normal interval.
    level : float
        Confidence level.

    Returns
    -------
    Estimate or pandas.DataFrame
        A new record or table; the input is not changed.
    """
    crit = t_quantile(level, df)
    if isinstance(result, Estimate):
        return Estimate(result.estimate, result.se, result.estimate - crit * result.se,
                        result.estimate + crit * result.se, result.deff, result.n)
    table = result.copy()
    table["ci_low"] = table["estimate"] - crit * table["se"]
    table["ci_high"] = table["estimate"] + crit * table["se"]
    return table


def proportion_interval(p: float, se: float, method: str, df: float, level: float = 0.95, n_rows: int = 0,
                        likelihood: _Likelihood | None = None) -> tuple[float, float]:
    """Interval of a proportion `p` with standard error `se` by one of R's ``svyciprop`` methods.

    Parameters
    ----------
    p, se : float
        The estimated proportion and its design-based standard error.
    method : str
        One of `CIPROP_METHODS`.
    df : float
        Degrees of freedom of the t critical values.
    level : float
        Confidence level.
    n_rows : int
        Rows of the (domain) design, for the Korn-Graubard ``qt(alpha/2, n - 1)`` factor.
    likelihood : _Likelihood, optional
        The quasi-binomial fit, needed by ``"likelihood"``.

    Returns
    -------
    tuple of float
        ``(ci_low, ci_high)``.
    """
    if method not in CIPROP_METHODS:
        raise DesignError(f"method must be one of {', '.join(CIPROP_METHODS)}, not {method!r}")
    crit = t_quantile(level, df)
    alpha = 1 - level
    p, se = np.float64(p), np.float64(se)  # 0/0 is NaN, as in R, not an exception
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "mean":
            return p - crit * se, p + crit * se
        if method == "logit":
            # R: confint.svyglm turns the t level into a normal one, 1 - 2 pnorm(qt(alpha/2, df)), and back
            t_level = 1 - 2 * stats.norm.cdf(stats.t.ppf(alpha / 2, df)) if df > 0 else np.nan
            tail = (1 - t_level) / 2
            return _r_expit(special.logit(p) + se / (p * (1 - p)) * stats.norm.ppf([tail, 1 - tail]))
        if method == "xlogit":
            half = crit * se / (p * (1 - p))
            return _r_expit(special.logit(p) + np.array([-half, half]))
        if method == "asin":
            centre, half = np.arcsin(np.sqrt(p)), crit * se / (2 * np.sqrt(p * (1 - p)))
            return float(np.sin(centre - half) ** 2), float(np.sin(centre + half) ** 2)
        if method == "beta":
            n_eff = p * (1 - p) / se**2
            n_eff *= (stats.t.ppf(alpha / 2, n_rows - 1) / stats.t.ppf(alpha / 2, df)) ** 2
            return (float(stats.beta.ppf(alpha / 2, n_eff * p, n_eff * (1 - p) + 1)),
                    float(stats.beta.ppf(1 - alpha / 2, n_eff * p + 1, n_eff * (1 - p))))
    if likelihood is None:
        raise DesignError("the likelihood interval needs the data of the proportion")
    return likelihood.interval(se, crit)


def proportion_intervals(table: pd.DataFrame, method: CipropMethod = "logit", df: float | None = None,
                         level: float = 0.95) -> pd.DataFrame:
    """A table of shares (``estimate``, ``se``, ``n``) with intervals inside [0, 1] by a ``svyciprop`` method.

    For estimates that are already computed, such as `analysis.scoring.sipas_indices` or `proportion`: the
    logit, asin, Korn-Graubard ("beta") and mean intervals need only the share, its standard error and the rows
    behind it (``"likelihood"`` needs the data: use `svyciprop`).

    Parameters
    ----------
    table : pandas.DataFrame
        With ``estimate``, ``se`` and ``n`` columns (shares in [0, 1]).
    method : {"logit", "asin", "beta", "mean", "xlogit"}
        The interval.
    df : float, optional
        Degrees of freedom; by default the table's ``df`` column (as `sipas_indices` gives it).
    level : float
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        A copy with ``ci_low`` and ``ci_high`` replaced.
    """
    if method == "likelihood":
        raise DesignError("the likelihood interval needs the data: use svyciprop(design, var, 'likelihood')")
    if df is None and "df" not in table.columns:
        raise DesignError("give df= (the design's degrees of freedom, design.degf): the table has no df column")
    out = table.copy()
    dfs = np.full(len(out), df, dtype=float) if df is not None else out["df"].to_numpy(dtype=float)
    bounds = [proportion_interval(p, se, method, d, level, int(n))
              for p, se, d, n in zip(out["estimate"], out["se"], dfs, out["n"], strict=True)]
    out["ci_low"] = [b[0] for b in bounds]
    out["ci_high"] = [b[1] for b in bounds]
    return out


def _r_expit(eta: np.ndarray) -> tuple[float, float]:
    """R's ``expit``, ``exp(eta) / (1 + exp(eta))``: NaN at +Inf, where a t on one degree of freedom leads."""
    with np.errstate(over="ignore", invalid="ignore"):
        value = np.exp(eta) / (1 + np.exp(eta))
    return float(value[0]), float(value[1])


class _Likelihood:
    """R's ``svyglm(y ~ 1, family=quasibinomial)`` for one (domain) proportion, for its profile interval.

    The weights are the sampling weights over their mean (as ``svyglm``); the dispersion is Pearson's over the
    rows with a weight minus one; the design effect of the coefficient is its design variance over the model's.
    """

    def __init__(self, y: np.ndarray, w: np.ndarray):
        keep = w > 0
        self.y, self.w = y[keep], w[keep] / w[keep].mean()
        self.p = float(np.sum(self.w * self.y) / np.sum(self.w))
        self.beta = float(special.logit(self.p))
        info = np.sum(self.w) * self.p * (1 - self.p)
        pearson = np.sum(self.w * (self.y - self.p) ** 2) / (self.p * (1 - self.p))
        self.dispersion = float(pearson / (len(self.y) - 1))
        self.naive_variance = 1.0 / info
        self.deviance_at_fit = self.deviance(self.beta)

    def deviance(self, beta: float) -> float:
        """Binomial deviance of the intercept-only model at logit `beta`, up to a constant (prior weights `w`).

        Written with log-expit so that it stays finite far in the tails, where ``1 - expit(beta)`` is 0.
        """
        y, w = self.y, self.w
        return float(-2 * np.sum(w * (y * special.log_expit(beta) + (1 - y) * special.log_expit(-beta))))

    def interval(self, se: float, crit: float) -> tuple[float, float]:
        """Solve ``(D(beta) - D(beta_hat)) / dispersion = crit^2 * lambda`` on each side, back on the p scale."""
        design_variance = (se / (self.p * (1 - self.p))) ** 2
        target = crit**2 * design_variance / self.naive_variance * self.dispersion
        if not np.isfinite(target) or not 0 < self.p < 1:
            return float("nan"), float("nan")

        def gap(beta: float) -> float:
            return self.deviance(beta) - self.deviance_at_fit - target

        step = max(np.sqrt(design_variance), 1e-8)
        bounds = []
        for sign in (-1, 1):
            far = self.beta + sign * step
            while gap(far) < 0:
                far = self.beta + 2 * (far - self.beta)
            lo, hi = sorted((self.beta, far))
            bounds.append(float(special.expit(optimize.brentq(gap, lo, hi, xtol=1e-14, rtol=1e-14))))
        return bounds[0], bounds[1]


def svyciprop(design: SurveyDesign, var: str, method: CipropMethod = "logit", level: float = 0.95,
              df: float | None = None, by: str | Sequence[str] | None = None) -> Estimate | pd.DataFrame:
    """A proportion with an interval that stays in [0, 1] (R: ``svyciprop(~var, design, method=)``).

    Parameters
    ----------
    design : SurveyDesign
        The design.
    var : str
        A 0/1 (or boolean) column; missing values are left out, as R's ``na.rm=TRUE``.
    method : {"logit", "likelihood", "asin", "beta", "mean", "xlogit"}
        R's interval methods (see the module notes); ``"beta"`` is Korn-Graubard.
    level : float
        Confidence level.
    df : float, optional
        Degrees of freedom; by default the design's (R's ``degf(design)``), per domain with `by`.
    by : str or list of str, optional
        Domain columns (R's ``svyby(~var, ~by, design, svyciprop)``).

    Returns
    -------
    Estimate or pandas.DataFrame
        ``estimate, se, ci_low, ci_high, deff, n`` (the se and deff are the mean's, as R's ``vcov``).
    """
    if method not in CIPROP_METHODS:
        raise DesignError(f"method must be one of {', '.join(CIPROP_METHODS)}, not {method!r}")
    y = numeric_column(design, var)
    present = ~np.isnan(y)
    if np.any((y[present] != 0) & (y[present] != 1)):
        raise DesignError(f"column '{var}' must hold 0/1 values for a proportion interval")
    probe = with_data(design, {})  # adds the one-domain column "__all__" when there is no `by`
    groups = by if by is not None else "__all__"
    table = mean(probe, var, by=groups).drop(columns=["__all__"], errors="ignore")
    dom, _ = domain_codes(probe, groups)
    lows, highs = [], []
    for k, row in enumerate(table.itertuples(index=False)):
        inside = (dom == k) & present
        domain_df = df if df is not None else design_degf(design, inside)
        n_rows = design.n if design.calibration else int(inside.sum())
        fit = _Likelihood(y[inside], design.weights[inside]) if method == "likelihood" and inside.any() else None
        low, high = proportion_interval(row.estimate, row.se, method, domain_df, level, n_rows, fit)
        lows.append(low)
        highs.append(high)
    table["ci_low"], table["ci_high"] = lows, highs
    if by is None:
        record = table.iloc[0]
        return Estimate(float(record.estimate), float(record.se), float(record.ci_low), float(record.ci_high),
                        float(record.deff), int(record.n))
    return table


def design_degf(design: SurveyDesign, inside: np.ndarray) -> int:
    """R's ``degf`` of the design restricted to the rows `inside`: PSUs with a member minus strata with one."""
    stage = design.stages[0]
    psus = np.unique(stage.unit[inside])
    return int(psus.size - np.unique(stage.unit_stratum[psus]).size)
