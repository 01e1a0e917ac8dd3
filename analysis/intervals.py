"""Confidence intervals as R ``survey`` computes them: on the design's degrees of freedom, and for proportions.

Estimators report the normal 95% interval, R's default ``confint(est)``. A province has 10 to 30 PSUs, so the
t distribution on the design degrees of freedom is the honest choice: `confint` recomputes the interval of any
estimate or table as R's ``confint(est, df = degf(design))``.

For a proportion a symmetric interval can leave [0, 1] (a 97% share in a small district). `svyciprop` gives R's
``svyciprop`` intervals, all on the design degrees of freedom by default:

- ``"logit"``: Wald interval for logit(p) (R fits ``svyglm(y ~ 1, family=quasibinomial)``; its standard error is
  SE(p) / (p (1 - p)), the delta method), mapped back with expit;
- ``"likelihood"``: the design-scaled profile likelihood of that model (Rao-Scott scaling of the quasi-binomial
  deviance), computed as R does: a spline through at most nine profile steps each side, NA where they stop
  short of the interval's end;
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
from scipy import special, stats

from ._fmm_spline import approx, spline
from .errors import DesignError
from .estimators import domain_codes, mean, numeric_column, with_data
from .results import Estimate

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
    return likelihood.interval(float(se), df, level)


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
    """R's ``svyglm(y ~ 1, family=quasibinomial)`` for one (domain) proportion, and its profile interval.

    As ``svyglm``: prior weights are the sampling weights over their mean over the model's rows (`n_rows`, which
    for a calibrated design's domain include the rows outside it, at weight 0); the dispersion is ``svyvar`` of
    the Pearson residuals (without the prior weights, as ``residuals.svyglm``); the coefficient's design effect
    ``lambda`` is its design variance over the model's.
    """

    def __init__(self, y: np.ndarray, w: np.ndarray, n_rows: int):
        keep = w > 0
        y, w = y[keep], w[keep]
        self.n_rows = n_rows
        self.y, self.w = y, w / (w.sum() / n_rows)
        self.p = float(np.sum(w * y) / np.sum(w))
        self.beta = float(special.logit(self.p))
        pearson = (y - self.p) / np.sqrt(self.p * (1 - self.p))  # residuals.svyglm: no prior weight
        centred = pearson - np.sum(w * pearson) / np.sum(w)
        n = len(y)
        self.dispersion = float(np.sum(w * centred**2) / np.sum(w) * n / (n - 1)) if n > 1 else float("nan")
        self.naive_variance = self._glm_naive_variance()
        self.deviance_at_fit = self.deviance(self.beta)

    def _glm_naive_variance(self) -> float:
        """R's ``summary(glm)$cov.unscaled``: 1 / sum of the working weights of glm's *last* IRLS iteration.

        glm stops when the deviance changes by less than 1e-8 relative and keeps the weights it used for that
        step, taken at the previous iteration's mean, so its model variance differs from 1 / (sum w p (1 - p))
        by about 1e-5; R's likelihood interval depends on it.
        """
        y, w = self.y, self.w
        mu = (w * y + 0.5) / (w + 1)  # binomial()$initialize
        deviance_old = np.inf
        working = w * mu * (1 - mu)
        for _ in range(25):  # glm.control(maxit = 25)
            working = w * mu * (1 - mu)
            eta = special.logit(mu)
            z = eta + (y - mu) / (mu * (1 - mu))
            beta = np.sum(working * z) / np.sum(working)
            mu = np.full_like(y, special.expit(beta))
            deviance = self.deviance(float(beta))
            if abs(deviance - deviance_old) / (abs(deviance) + 0.1) < 1e-8:
                break
            deviance_old = deviance
        return float(1.0 / np.sum(working))

    def deviance(self, beta: float) -> float:
        """Binomial deviance of the intercept-only model at logit `beta`, up to a constant (prior weights `w`).

        The mean is clamped as R's ``binomial()$linkinv`` clamps it, so the profile far out is R's.
        """
        y, w = self.y, self.w
        eps = np.finfo(float).eps  # R's binomial linkinv clamps the odds beyond |eta| = 30
        odds = eps if beta < -30 else (1 / eps if beta > 30 else np.exp(beta))
        mu = odds / (1 + odds)
        return float(-2 * np.sum(w * (y * np.log(mu) + (1 - y) * np.log1p(-mu))))

    def interval(self, se: float, df: float, level: float) -> tuple[float, float]:
        """R's ``confint(svyglm, method="likelihood", ddf=df)``, step by step (MASS's ``profile.glm``).

        The deviance is profiled at up to nine steps of ``zmax / 5`` standard errors each side (``zmax`` from
        the F(1, n - 1) quantile at the design-scaled level), an fmm spline is drawn through the signed roots,
        and the interval is read off it by linear interpolation at ``qt(alpha/2, df) * sqrt(lambda)``: NA
        where the profile stops short of it, as in R.
        """
        if not 0 < self.p < 1 or not np.isfinite(self.dispersion) or not se > 0:
            return float("nan"), float("nan")
        variance = (se / (self.p * (1 - self.p))) ** 2
        scale = np.sqrt(variance / self.naive_variance)
        t = stats.norm.ppf((1 - level) / 2) if np.isinf(df) else stats.t.ppf((1 - level) / 2, df)
        alpha = stats.norm.cdf(t * scale) / 2
        zmax = np.sqrt(stats.f.isf(alpha, 1, self.n_rows - 1))
        delta = zmax / 5
        zs, betas = [0.0], [self.beta]
        for sign in (-1, 1):
            step, z = 0, 0.0
            while (step := step + 1) < 10 and abs(z) < zmax:
                beta = self.beta + sign * step * delta * np.sqrt(variance)
                zz = max((self.deviance(beta) - self.deviance_at_fit) / self.dispersion, 0.0)
                z = sign * np.sqrt(zz)
                zs.append(z)
                betas.append(beta)
        order = np.argsort(zs, kind="stable")
        spline_x, spline_y = spline(np.array(betas)[order], np.array(zs)[order])
        cutoff = np.array([stats.norm.ppf(2 * alpha), stats.norm.isf(2 * alpha)])
        return _r_expit(approx(spline_y, spline_x, cutoff))


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
        fit = (_Likelihood(y[inside], design.weights[inside], n_rows)
               if method == "likelihood" and inside.any() else None)
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
