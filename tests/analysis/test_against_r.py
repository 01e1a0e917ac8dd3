"""Differential tests: every estimate, standard error, interval and design effect against R survey itself.

The seeded generator (``r_cases.py``) writes its designs and R's ``api`` samples to CSV; ``r_reference.R`` computes
R's answers for all of them in ONE ``Rscript`` run per session; each request is then one test comparing to 1e-8
relative, the profile-likelihood interval included (parsurvey follows R's profile, spline and glm step by step).

Needs ``Rscript`` with the ``survey`` package (Debian: ``apt-get install -y r-base-core r-cran-survey``); without
it every test here is skipped with a reason starting "missing tool:", which ``.ci/run`` treats as a failure.
Run alone with ``python -m pytest -q tests/analysis/test_against_r.py``.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import SurveyDesign, poststratify
from analysis.calibration import calibrate
from analysis.contrasts import svycontrast, svymean, svyvar
from analysis.intervals import confint, design_degf, svyciprop
from analysis.results import Estimate
from analysis.weighting import trim

from .r_cases import DesignCase, Request, all_cases, design_arguments, requests_by_id

RSCRIPT_HINT = "apt-get install -y r-base-core r-cran-survey"
REL = 1e-8


def _missing_r() -> str | None:
    """Why R cannot be used, or None."""
    if shutil.which("Rscript") is None:
        return f"missing tool: Rscript not found: {RSCRIPT_HINT}"
    probe = subprocess.run(["Rscript", "-e", "library(survey)"], capture_output=True, text=True, timeout=120)
    if probe.returncode != 0:
        return f"missing tool: R package survey not installed: {RSCRIPT_HINT}"
    return None


def _write_cases(directory: Path) -> None:
    designs, requests = [], []
    for case in all_cases():
        data_file = f"{case.name}.csv"
        case.data.to_csv(directory / data_file, index=False, float_format="%.17g")
        population = ""
        if case.step == "poststratify":
            population = f"{case.name}_pop.csv"
            pd.DataFrame({"g1": list(case.population), "Freq": list(case.population.values())}).to_csv(
                directory / population, index=False, float_format="%.17g")
        elif case.step == "rake":
            population = f"{case.name}_pop.csv"
            g1, g2 = case.population["g1"], case.population["g2"]
            totals = {"(Intercept)": sum(g1.values()), "g1b": g1["b"], "g2y": g2["y"], "g2z": g2["z"]}
            pd.DataFrame({"name": list(totals), "total": list(totals.values())}).to_csv(
                directory / population, index=False, float_format="%.17g")
        designs.append({"case": case.name, "data": data_file, "ids": ";".join(case.ids),
                        "strata": case.strata or "", "fpc": ";".join(case.fpc), "weights": case.weights or "",
                        "lonely": case.lonely, "step": case.step, "lower": case.lower, "upper": case.upper,
                        "population": population})
        requests += [{"case": case.name, "id": r.id, "kind": r.kind, "var": r.var, "var2": r.var2, "by": r.by,
                      "p": r.p, "method": r.method} for r in case.requests]
    frame = pd.DataFrame(designs)
    frame["lower"] = frame["lower"].map(lambda v: "-Inf" if v == -math.inf else repr(v))
    frame["upper"] = frame["upper"].map(lambda v: "Inf" if v == math.inf else repr(v))
    frame.to_csv(directory / "designs.csv", index=False)
    pd.DataFrame(requests).to_csv(directory / "requests.csv", index=False, float_format="%.17g")


@pytest.fixture(scope="session")
def r_results(tmp_path_factory) -> dict[str, pd.DataFrame]:
    """R's answers for every request, from one Rscript run over all the cases."""
    reason = _missing_r()
    if reason:
        print(reason)
        pytest.skip(reason)
    directory = tmp_path_factory.mktemp("against_r")
    _write_cases(directory)
    script = Path(__file__).with_name("r_reference.R")
    run = subprocess.run(["Rscript", str(script), str(directory)], capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, f"Rscript failed:\n{run.stderr[-3000:]}"
    results = pd.read_csv(directory / "results.csv", keep_default_na=False, dtype={"name": str})
    for column in ("estimate", "se", "ci_low", "ci_high", "deff"):
        results[column] = pd.to_numeric(results[column].replace({"NA": "nan", "NaN": "nan"}), errors="coerce")
    return {key: frame.reset_index(drop=True) for key, frame in results.groupby("id")}


@pytest.fixture(scope="module")
def designs() -> dict[str, SurveyDesign]:
    """The parsurvey design of each case, built lazily and kept for the module."""
    return {}


def _design(case: DesignCase, cache: dict) -> SurveyDesign:
    if case.name not in cache:
        design = SurveyDesign(case.data, **design_arguments(case))
        if case.step in ("trim", "trim_strict"):
            design = trim(design, lower=None if case.lower == -math.inf else case.lower,
                          upper=None if case.upper == math.inf else case.upper, strict=case.step == "trim_strict")
        elif case.step == "poststratify":
            design = poststratify(design, "g1", case.population)
        elif case.step == "rake":
            design = calibrate(design, case.population, method="raking", tol=1e-13, max_iter=200)
        cache[case.name] = design
    return cache[case.name]


def _rows(result: Estimate | pd.DataFrame, names: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame([result.as_dict()]) if isinstance(result, Estimate) else result.reset_index(drop=True)
    frame = frame[["estimate", "se", "ci_low", "ci_high", "deff"]].copy()
    frame.insert(0, "name", names)
    return frame


def _labels(table: pd.DataFrame, by: str) -> list[str]:
    return [str(v) for v in table[by]]


def parsurvey_answer(design: SurveyDesign, request: Request) -> pd.DataFrame:
    """parsurvey's rows for one request, named as ``r_reference.R`` names R's."""
    df = design_degf(design, np.ones(design.n, dtype=bool))
    kind, var, by = request.kind, request.var, request.by or None
    if kind in ("mean", "mean_by", "total", "total_by"):
        estimator = design.mean if kind.startswith("mean") else design.total
        result = confint(estimator(var, by=by), df=df)
        return _rows(result, _labels(result, by) if by else [var])
    if kind in ("ratio", "ratio_by"):
        result = confint(design.ratio(var, request.var2, by=by), df=df)
        return _rows(result, _labels(result, by) if by else [var]).assign(deff=np.nan)
    if kind in ("quantile", "quantile_by"):
        result = design.quantile(var, request.p, by=by)
        return _rows(result, _labels(result, by) if by else [var])
    if kind in ("ciprop", "ciprop_by"):
        result = svyciprop(design, var, request.method, by=by)
        return _rows(result, _labels(result, by) if by else [var]).assign(deff=np.nan)
    if kind == "deff_replace":
        return _rows(confint(design.mean(var, deff="replace"), df=df), [var])
    if kind == "svyvar":
        stat = svyvar(design, var)
        return _stat_rows(stat, df, [var])
    if kind == "contrast":
        stat = svymean(design, var, by=by)
        weights = np.zeros(len(stat.coef))
        weights[0], weights[-1] = 1, -1
        return _stat_rows(svycontrast(stat, weights), df, ["contrast"])
    if kind == "nlcon":
        stat = svycontrast(svymean(design, [var, request.var2]), lambda v: np.log(v[request.var2]) * v[var])
        return _stat_rows(stat, df, [var])
    raise AssertionError(f"unknown kind {kind}")


def _stat_rows(stat, df: float, names: list[str]) -> pd.DataFrame:
    frame = stat.to_frame(df=df).reset_index(drop=True).assign(deff=np.nan)
    frame.insert(0, "name", names)
    return frame


def _close(ours: float, theirs: float, rel: float, scale: float = 0.0) -> bool:
    """Equal to `rel` relative, or within the rounding of the data (1e-14 of the estimate's size, `scale`)."""
    if np.isnan(theirs) or np.isnan(ours):
        return bool(np.isnan(theirs) and np.isnan(ours))
    if np.isinf(theirs) or np.isinf(ours):
        return ours == theirs
    return abs(ours - theirs) <= rel * max(abs(ours), abs(theirs)) + 1e-14 * scale


REQUESTS = sorted(requests_by_id())


@pytest.mark.parametrize("request_id", REQUESTS)
def test_estimate_se_interval_and_deff_equal_rs(request_id, r_results, designs):
    case, request = requests_by_id()[request_id]
    theirs = r_results.get(request_id)
    assert theirs is not None, f"R returned nothing for {request_id}"
    assert "ERROR" not in set(theirs["name"]), f"R failed on {request_id}: {theirs.iloc[0].tolist()}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lonely-PSU NaNs and one-pass trimming warn, as R does
        ours = parsurvey_answer(_design(case, designs), request)
    assert ours["name"].tolist() == theirs["name"].tolist(), request_id
    one_df = request.method == "likelihood" and design_degf(_design(case, designs), np.ones(len(case.data), bool)) < 2
    problems = []
    for (_, mine), (_, r) in zip(ours.iterrows(), theirs.iterrows(), strict=True):
        if one_df:  # README: on one degree of freedom R's profile runs into glm's clamp; parsurvey gives NaN
            mine = mine.copy()
            for column in ("ci_low", "ci_high"):
                mine[column] = r[column] if np.isnan(mine[column]) else mine[column]
        # values around 1e8: an SE of 0.6 is a difference of numbers of size 1e8, known only to their rounding;
        # svyciprop's logit fits a glm, whose estimate of a share is exact to about 1e-10 only
        scale = abs(float(r["estimate"])) if np.isfinite(r["estimate"]) else 0.0
        scale = max(scale, 1e5) if request.kind.startswith("ciprop") else scale
        for column in ("estimate", "se", "ci_low", "ci_high", "deff"):
            column_scale = scale
            if column == "deff":
                if kind_without_deff(request) or not np.isfinite(mine["deff"]) and not np.isfinite(r["deff"]):
                    continue  # no deff in R, or none for a one-row domain (R: 0/0 rounding noise, Inf or NaN)
                column_scale = 2 * scale / float(r["se"]) * abs(float(r["deff"])) if r["se"] > 0 else 0.0
            if not _close(float(mine[column]), float(r[column]), REL, column_scale):
                problems.append(f"{mine['name']} {column}: parsurvey {mine[column]!r}, R {r[column]!r}")
    assert not problems, f"{request_id} ({case.step}, lonely={case.lonely}):\n" + "\n".join(problems)


def kind_without_deff(request: Request) -> bool:
    """Requests for which R reports no design effect."""
    return request.kind not in ("mean", "mean_by", "total", "total_by", "deff_replace")


def test_the_generator_covers_the_features_the_issue_lists():
    cases = [c for c in all_cases() if c.name.startswith("gen")]
    generated = [r for c in cases for r in c.requests]
    assert len(generated) >= 200
    assert {c.lonely for c in cases} == {"fail", "average", "adjust", "certainty", "remove"}
    assert {c.step for c in cases} >= {"none", "trim", "trim_strict", "poststratify", "rake"}
    assert any(len(c.ids) == 2 and len(c.fpc) == 2 for c in cases)
    assert any(c.strata and len(c.ids) == 1 for c in cases)
    assert all((c.data["g"] == "gSolo").sum() == 1 for c in cases)
    assert any(c.data["big"].min() > 1e8 for c in cases)
    assert {r.kind for r in generated} >= {"mean_by", "total_by", "ratio_by", "quantile", "quantile_by", "ciprop",
                                           "ciprop_by", "contrast", "nlcon", "svyvar", "deff_replace"}
