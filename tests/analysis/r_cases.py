"""A seeded generator of survey designs and the estimates to check on them, for the differential tests against R.

Each `DesignCase` is data plus a design in both dialects (``SurveyDesign`` arguments and ``svydesign`` formulas),
an optional weighting step (trimming, post-stratification, raking calibration) and a list of `Request` s
(estimator, variable, domain, probability or interval method). The kinds of design cycle through: elements
with an fpc, stratified elements, stratified one-stage clusters, two stages with an fpc at both, clusters
without strata; lonely PSUs under every remedy; domains with a single observation; values around 1e8; missing
values. R's own ``api`` samples are added with the designs of R's documentation. Nothing here calls R:
``test_against_r.py`` writes the cases to CSV and runs one ``Rscript`` over all of them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tests.reference_data import read_reference

SEED = 20261129
N_GENERATED = 44  # designs; each carries 10 to 14 requests: 517 generated cases
LONELY = ("fail", "average", "adjust", "certainty", "remove")
CIPROP_METHODS = ("logit", "beta", "asin", "mean", "xlogit", "likelihood")


@dataclass(frozen=True)
class Request:
    """One estimate to compare: `kind` names the estimator (see ``r_reference.R``)."""

    id: str
    kind: str
    var: str
    var2: str = ""
    by: str = ""
    p: float = float("nan")
    method: str = ""


@dataclass
class DesignCase:
    """Data, the design in both dialects, a weighting step and the requests."""

    name: str
    data: pd.DataFrame
    ids: list[str]
    strata: str | None
    fpc: list[str]
    weights: str | None
    lonely: str = "fail"
    step: str = "none"  # none | trim | trim_strict | poststratify | rake
    lower: float = float("-inf")
    upper: float = float("inf")
    population: dict = field(default_factory=dict)  # poststratify: {level: count}; rake: {var: {level: count}}
    requests: list[Request] = field(default_factory=list)


def _psu_plan(rng: np.random.Generator, kind: int, lonely: str) -> tuple[list[int], bool]:
    """PSUs per stratum (a 1 is a lonely stratum, only when a remedy is chosen) and whether there are strata."""
    stratified = kind in (1, 2) or (kind == 3 and rng.random() < 0.5)
    n_strata = int(rng.integers(2, 6)) if stratified else 1
    sizes = [int(rng.integers(2, 6)) for _ in range(n_strata)]
    if lonely != "fail" and stratified:
        for h in rng.choice(n_strata, size=int(rng.integers(1, max(2, n_strata - 1))), replace=False):
            sizes[h] = 1
    return sizes, stratified


def _generated(i: int) -> DesignCase:
    rng = np.random.default_rng([SEED, i])
    kind = i % 5  # 0 element + fpc, 1 stratified elements, 2 stratified clusters, 3 two stages + fpc, 4 clusters
    lonely = LONELY[(i // 5) % len(LONELY)] if kind in (1, 2, 3) else "fail"
    sizes, stratified = _psu_plan(rng, kind, lonely)
    rows = []
    psu_id = 0
    for h, n_psu in enumerate(sizes):
        population_psu = n_psu + int(rng.integers(0, 20))
        for _ in range(n_psu):
            psu_id += 1
            if kind in (0, 1):
                n_ssu, per_ssu = 1, 1
            elif kind == 3:  # under a lonely remedy the first cluster has one unit sampled at stage 2 too
                n_ssu, per_ssu = (1 if lonely != "fail" and psu_id == 1 else int(rng.integers(2, 5))), 1
            else:
                n_ssu, per_ssu = 1, int(rng.integers(1, 6))
            population_ssu = n_ssu + int(rng.integers(0, 30))
            for s in range(n_ssu):
                for _ in range(per_ssu):
                    rows.append({"str": f"s{h}", "psu": f"p{psu_id}", "ssu": f"p{psu_id}u{s}",
                                 "N1": population_psu, "N2": population_ssu})
    data = pd.DataFrame(rows)
    while len(data) < 6:  # room for both answers of b in each of the three h domains
        data = pd.concat([data, data], ignore_index=True)
    n = len(data)
    if kind in (0, 1):  # element samples: a few more rows per stratum
        data = pd.concat([data] * 3, ignore_index=True) if kind == 0 else data
        n = len(data)
        data["psu"] = [f"e{j}" for j in range(n)]
        data["ssu"] = data["psu"]
    if kind == 0:
        data["N1"] = n + int(rng.integers(0, 500))
    data["w"] = np.round(rng.uniform(1, 40, n), 6) if kind in (1, 2, 4) else np.nan
    data["y"] = np.round(50 + 10 * rng.standard_normal(n), 6)
    data["x"] = np.round(rng.uniform(5, 15, n), 6)
    data["big"] = 1e8 + np.round(rng.uniform(0, 1, n), 6)
    data["b"] = (rng.random(n) < rng.uniform(0.2, 0.8)).astype(float)
    data.loc[:5, "b"] = [0, 0, 0, 1, 1, 1]  # a share strictly inside (0, 1) in every h domain
    data["h"] = np.array(["hA", "hB", "hC"])[np.arange(n) % 3]
    data["g"] = np.where(rng.random(n) < 0.5, "gA", "gB")
    data.loc[int(rng.integers(0, n)), "g"] = "gSolo"  # a domain with one observation
    data["g1"] = np.where(rng.random(n) < 0.5, "a", "b")
    data["g2"] = np.array(["x", "y", "z"])[rng.integers(0, 3, n)]
    if i % 3 == 0 and i % 8 not in (3, 7):  # R 4.1-1 fails on missing values in calibrated domains
        data.loc[rng.random(n) < 0.08, "y"] = np.nan
    data["y"] = data["y"].where(data["y"].notna() | (np.arange(n) > 0), 50.0)  # never all missing
    case = DesignCase(name=f"gen{i:03d}", data=data, ids=[] if kind in (0, 1) else (["psu", "ssu"] if kind == 3 else
                                                                                    ["psu"]),
                      strata="str" if stratified else None, fpc=_fpc(kind, rng), weights="w" if kind in (1, 2, 4)
                      else None, lonely=lonely)
    if case.fpc == [] and case.weights is None:
        case.weights = "w"
        data["w"] = np.round(rng.uniform(1, 40, n), 6)
    _step(case, i, rng)
    case.requests = _requests(case, rng)
    return case


def _fpc(kind: int, rng: np.random.Generator) -> list[str]:
    if kind == 0:
        return ["N1"]
    if kind == 3:
        return ["N1", "N2"]
    if kind == 2 and rng.random() < 0.5:
        return ["N1"]
    return []


def _step(case: DesignCase, i: int, rng: np.random.Generator) -> None:
    """Every other design gets a weighting step: trimming (one pass or strict), post-stratification or raking."""
    step = ("none", "trim", "none", "poststratify", "none", "trim_strict", "none", "rake")[i % 8]
    if step == "none":
        return
    weights = _base_weights(case)
    total = float(weights.sum())
    levels_present = case.data["g1"].nunique() == 2 and case.data["g2"].nunique() == 3
    if step in ("poststratify", "rake") and (len(case.data) < 12 or not levels_present):
        return
    if step.startswith("trim"):  # strict passes can cycle (R: stack overflow) when many weights sit on a bound
        case.step, case.upper = step, float(np.quantile(weights, 0.8 if step == "trim" else 0.95))
        case.lower = float(np.quantile(weights, 0.1)) if i % 16 == 1 else float("-inf")
        if case.upper * len(weights) < total:
            case.upper = float("inf")
            case.step = "none"
        return
    if step == "poststratify":
        case.step = step
        shares = rng.uniform(0.4, 0.6)
        case.population = {"a": round(total * shares, 3), "b": round(total * (1 - shares), 3)}
        return
    case.step = step
    shares = rng.dirichlet([5, 5, 5])
    case.population = {"g1": {"a": round(total * 0.45, 3), "b": round(total * 0.55, 3)},
                       "g2": dict(zip(["x", "y", "z"], np.round(total * shares, 3).tolist(), strict=True))}
    gap = round(total - sum(case.population["g2"].values()), 3)
    case.population["g2"]["z"] = round(case.population["g2"]["z"] + gap, 3)
    case.population["g1"]["b"] = round(sum(case.population["g2"].values()) - case.population["g1"]["a"], 3)


def _base_weights(case: DesignCase) -> np.ndarray:
    """The design weights before any step (as SurveyDesign derives them), to choose bounds and totals."""
    from analysis import SurveyDesign

    return np.asarray(SurveyDesign(case.data, **design_arguments(case)).weights)


def _requests(case: DesignCase, rng: np.random.Generator) -> list[Request]:
    name = case.name
    p = float(rng.choice([0.1, 0.25, 0.5, 0.75, 0.9]))
    method = CIPROP_METHODS[int(rng.integers(0, len(CIPROP_METHODS)))]
    requests = [
        Request(f"{name}-mean", "mean", "y"),
        Request(f"{name}-mean-by", "mean_by", "y", by="g"),
        Request(f"{name}-total-big", "total", "big"),
        Request(f"{name}-total-by", "total_by", "y", by="h"),
        Request(f"{name}-ratio", "ratio", "y", "x"),
        Request(f"{name}-ratio-by", "ratio_by", "big", "x", by="h"),
        Request(f"{name}-quantile", "quantile", "y", p=p),
        Request(f"{name}-ciprop", "ciprop", "b", method=method),
    ]
    # R 4.1-1's svyby(covmat=TRUE) fails on calibrated designs; it and svyglm fail on NaN variances (a lonely
    # second-stage unit under "average"), where parsurvey's mean and total are checked to be NaN as R's
    stage_two_nan = len(case.ids) == 2 and case.lonely == "average"
    if case.step not in ("poststratify", "rake") and not stage_two_nan:
        requests.append(Request(f"{name}-contrast", "contrast", "x", by="h"))
    if stage_two_nan:
        requests = [r for r in requests if not r.kind.startswith("ciprop")]
    requests.append(Request(f"{name}-deff-replace", "deff_replace", "y"))
    if case.lonely == "fail":
        requests.append(Request(f"{name}-quantile-by", "quantile_by", "y", by="h", p=p))
    if int(name[3:]) % 2 == 0:
        requests.append(Request(f"{name}-svyvar", "svyvar", "y"))
        requests.append(Request(f"{name}-nlcon", "nlcon", "y", "x"))
        requests.append(Request(f"{name}-ciprop-by", "ciprop_by", "b", by="h", method="beta"))
    return requests


def design_arguments(case: DesignCase) -> dict:
    """Keyword arguments of `analysis.SurveyDesign` for the case (before its weighting step)."""
    return {"weights": case.weights, "strata": case.strata, "ids": case.ids or None, "fpc": case.fpc or None,
            "lonely_psu": case.lonely}


def _api_cases() -> list[DesignCase]:
    """R's api samples with the designs of R's documentation, plus lonely and domain variants."""
    cases = []
    strat = read_reference("apistrat.csv").drop(columns=["Unnamed: 0"], errors="ignore")
    clus1 = read_reference("apiclus1.csv").drop(columns=["Unnamed: 0"], errors="ignore")
    clus2 = read_reference("apiclus2.csv").drop(columns=["Unnamed: 0"], errors="ignore")
    srs = read_reference("apisrs.csv").drop(columns=["Unnamed: 0"], errors="ignore")
    for frame in (strat, clus1, clus2, srs):
        frame["sw"] = (frame["sch.wide"] == "Yes").astype(float)
        frame.columns = [c.replace(".", "_") for c in frame.columns]
    specs = [
        ("apistrat", strat, [], "stype", ["fpc"], "pw", "fail"),
        ("apiclus1", clus1, ["dnum"], None, ["fpc"], "pw", "fail"),
        ("apiclus2", clus2, ["dnum", "snum"], None, ["fpc1", "fpc2"], None, "fail"),
        ("apisrs", srs, [], None, ["fpc"], None, "fail"),
        ("apistrat_lonely", strat.drop(index=strat.index[strat["stype"] == "H"][1:]), [], "stype", [], "pw",
         "average"),
    ]
    for name, frame, ids, strata, fpc, weights, lonely in specs:
        case = DesignCase(name=name, data=frame.reset_index(drop=True), ids=ids, strata=strata, fpc=fpc,
                          weights=weights, lonely=lonely)
        case.requests = [
            Request(f"{name}-mean", "mean", "api00"),
            Request(f"{name}-mean-by", "mean_by", "api00", by="stype"),
            Request(f"{name}-total", "total", "enroll"),
            Request(f"{name}-total-by", "total_by", "enroll", by="stype"),
            Request(f"{name}-ratio", "ratio", "api00", "api99"),
            Request(f"{name}-median", "quantile", "api00", p=0.5),
            Request(f"{name}-quartile-by", "quantile_by", "api00", by="stype", p=0.25),
            Request(f"{name}-deff-replace", "deff_replace", "api00"),
            Request(f"{name}-svyvar", "svyvar", "api00"),
            Request(f"{name}-contrast", "contrast", "api00", by="stype"),
            Request(f"{name}-nlcon", "nlcon", "api00", "api99"),
            *[Request(f"{name}-ciprop-{m}", "ciprop", "sw", method=m) for m in CIPROP_METHODS],
            Request(f"{name}-ciprop-by", "ciprop_by", "sw", by="stype", method="logit"),
        ]
        cases.append(case)
    return cases


@functools.cache
def all_cases() -> tuple[DesignCase, ...]:
    """The generated designs then R's api designs (computed once per test session)."""
    return tuple([_generated(i) for i in range(N_GENERATED)] + _api_cases())


@functools.cache
def requests_by_id() -> dict[str, tuple[DesignCase, Request]]:
    return {r.id: (case, r) for case in all_cases() for r in case.requests}
