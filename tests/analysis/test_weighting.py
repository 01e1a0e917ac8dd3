"""Weighting steps: R ``survey``'s printed results after post-stratification, raking and calibration, and the
refusals and reports a user relies on.

Sources:
- [api] R survey ``tests/api.Rout.save``: ``postStratify(dclus1, ~stype, pop.types)``;
- [rakecheck] R survey ``tests/rakecheck.Rout.save``: ``rake`` and ``calibrate(calfun="raking")`` on dclus1.
  R's ``rake`` stops at its default ``epsilon=1`` (total 3647300, partial-joint mean 642.62); raking to
  convergence equals ``calibrate(calfun="raking")`` (3647280, 642.61), which is what we reproduce;
- [vignette] Lumley, "A survey analysis example": ``calibrate(dclus1, ~api99, c(6194, 3914069))``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import (
    ConvergenceWarning,
    DesignError,
    SurveyDesign,
    base_weights,
    calibrate,
    effective_sample_size,
    kish_deff,
    nonresponse_adjust,
    poststratify,
    rake,
    trim,
)

from .r_print import r_printed_se


def test_poststratified_cluster_design_matches_r(dclus1, api_margins):
    # [api] svymean(~api00, dclus1p) 642.31 (23.921); svytotal(~enroll, dclus1p) 3680893 (406293).
    # The SE is 23.920486: R prints SEs rounded twice (to 4 decimals, then 5 significant digits), see r_print.
    design = poststratify(dclus1, "stype", api_margins["stype"])
    assert design.mean("api00").estimate == pytest.approx(642.31, abs=0.005)
    assert r_printed_se(design.mean("api00").se) == "23.921"
    assert design.total("enroll").estimate == pytest.approx(3680893, abs=0.5)
    assert r_printed_se(design.total("enroll").se) == "406293"


def test_poststratification_reproduces_the_population_counts(dclus1, api_margins):
    design = poststratify(dclus1, "stype", api_margins["stype"])
    sums = pd.Series(design.weights).groupby(design.data["stype"]).sum()
    assert sums.to_dict() == pytest.approx(api_margins["stype"])


def test_raking_on_two_margins_matches_r(dclus1, api_margins):
    # [rakecheck] dclus1r / dclus1g: svymean api00 641.23 (23.704); svytotal enroll 3647280 (400603)
    raked = rake(dclus1, {"stype": api_margins["stype"], "sch.wide": api_margins["sch.wide"]})
    assert raked.convergence.converged and raked.convergence.max_error < 1e-6
    assert raked.mean("api00").estimate == pytest.approx(641.23, abs=0.005)
    assert r_printed_se(raked.mean("api00").se) == "23.704"
    assert raked.total("enroll").estimate == pytest.approx(3647280, abs=0.5)
    assert raked.total("enroll").se == pytest.approx(400603, abs=0.5)


def test_raking_with_a_joint_margin_matches_r(dclus1, api_margins):
    # [rakecheck] dclus1g2: calibrate(dclus1, ~stype*sch.wide+comp.imp, calfun="raking"): 642.61 (22.731)
    margins = {("stype", "sch.wide"): api_margins[("stype", "sch.wide")], "comp.imp": api_margins["comp.imp"]}
    mean = rake(dclus1, margins).mean("api00")
    assert mean.estimate == pytest.approx(642.61, abs=0.005)
    assert r_printed_se(mean.se) == "22.731"


def test_domain_mean_on_a_raked_design_equals_the_ratio_form(dclus1, apiclus1, api_margins):
    # R's tests/domain.R checks, on raked and calibrated dclus1, that a domain mean equals the ratio
    # svyratio(~I(api00*(comp.imp=="Yes")), ~as.numeric(comp.imp=="Yes")) in estimate and standard error
    flagged = apiclus1.assign(yes=(apiclus1["comp.imp"] == "Yes").astype(float))
    flagged["api00_yes"] = flagged["api00"] * flagged["yes"]
    design = SurveyDesign(flagged, weights="pw", ids="dnum", fpc="fpc")
    raked = rake(design, {"stype": api_margins["stype"], "sch.wide": api_margins["sch.wide"]})
    domain = raked.mean("api00", by="comp.imp").set_index("comp.imp").loc["Yes"]
    as_ratio = raked.ratio("api00_yes", "yes")
    assert domain["estimate"] == pytest.approx(as_ratio.estimate, rel=1e-12)
    assert domain["se"] == pytest.approx(as_ratio.se, rel=1e-9)


def test_calibration_by_raking_equals_iterative_raking(dclus1, api_margins):
    margins = {"stype": api_margins["stype"], "sch.wide": api_margins["sch.wide"]}
    raked = rake(dclus1, margins, tol=1e-10)
    calibrated = calibrate(dclus1, margins, method="raking")
    np.testing.assert_allclose(raked.weights, calibrated.weights, rtol=1e-8)
    assert calibrated.convergence.converged and calibrated.convergence.max_error < 1e-10


def test_linear_calibration_on_a_numeric_total_matches_r(dclus1):
    # [vignette] gclus1: svymean api00 666.72 (3.2959); svytotal enroll 3357372 (243227);
    # svyratio api.stu/enroll 0.8506941 (0.008674888); svyquantile 0.25: 595 [561, 627] se 15.386145
    design = calibrate(dclus1, {"api99": 3914069}, population_size=6194)
    assert design.mean("api00").estimate == pytest.approx(666.72, abs=0.005)
    assert design.mean("api00").se == pytest.approx(3.2959, abs=5e-5)
    assert design.total("enroll").estimate == pytest.approx(3357372, abs=0.5)
    assert design.total("enroll").se == pytest.approx(243227, abs=0.5)
    assert design.ratio("api.stu", "enroll").se == pytest.approx(0.008674888, abs=5e-10)
    quartile = design.quantile("api00", 0.25)
    assert (quartile.estimate, quartile.ci_low, quartile.ci_high) == (595, 561, 627)
    assert quartile.se == pytest.approx(15.386145, abs=5e-7)


def test_linear_calibration_category_totals_match_r(dclus1, apiclus1):
    # [vignette] svytotal(~stype, gclus1): E 4881.77 (302.15), H 463.35 (183.03), M 848.88 (194.76)
    flagged = apiclus1.assign(**{f"is_{t}": (apiclus1["stype"] == t).astype(float) for t in "EHM"})
    design = calibrate(SurveyDesign(flagged, weights="pw", ids="dnum", fpc="fpc"), {"api99": 3914069},
                       population_size=6194)
    for stype, (total, se) in {"E": (4881.77, 302.15), "H": (463.35, 183.03), "M": (848.88, 194.76)}.items():
        assert design.total(f"is_{stype}").estimate == pytest.approx(total, abs=0.005)
        assert design.total(f"is_{stype}").se == pytest.approx(se, abs=0.005)


def test_calibration_bounds_are_respected(dclus1, api_margins):
    margins = {"stype": api_margins["stype"], "sch.wide": api_margins["sch.wide"]}
    unbounded = calibrate(dclus1, margins, method="linear").weights / dclus1.weights
    assert unbounded.max() > 1.7
    design = calibrate(dclus1, margins, method="linear", bounds=(0.8, 1.7))
    g = design.weights / dclus1.weights
    assert g.min() >= 0.8 - 1e-9 and g.max() <= 1.7 + 1e-9
    assert pd.Series(design.weights).groupby(design.data["stype"]).sum().to_dict() == pytest.approx(
        api_margins["stype"])


def test_calibration_refuses_bounds_it_cannot_meet(dclus1, api_margins):
    # high schools need g of about 1.6: an upper bound of 1.3 cannot reach their population count
    with pytest.raises(DesignError, match="did not converge"):
        calibrate(dclus1, {"stype": api_margins["stype"]}, bounds=(0.8, 1.3))


def test_rake_refuses_margins_with_different_totals(dclus1, api_margins):
    bad = {"stype": api_margins["stype"], "sch.wide": {"No": 1072, "Yes": 5000}}
    with pytest.raises(DesignError, match="different population sizes.*stype: 6194.*sch.wide: 6072"):
        rake(dclus1, bad)


def test_rake_refuses_an_empty_cell(dclus1, api_margins):
    margins = {"stype": {**api_margins["stype"], "K": 10.0}}
    with pytest.raises(DesignError, match="level K has population 10 but no sampled row"):
        rake(dclus1, margins)


def test_rake_refuses_a_sampled_level_missing_from_the_population(dclus1):
    with pytest.raises(DesignError, match="level H is in the sample but not in the population"):
        rake(dclus1, {"stype": {"E": 5000, "M": 1194}})


def test_rake_warns_when_it_did_not_converge_and_keeps_the_report_on_the_design(dclus1, api_margins):
    margins = {("stype", "sch.wide"): api_margins[("stype", "sch.wide")], "comp.imp": api_margins["comp.imp"]}
    with pytest.warns(ConvergenceWarning, match=r"rake did not converge in 1 iterations.*raise max_iter"):
        raked = rake(dclus1, margins, max_iter=1)
    assert not raked.convergence.converged
    assert raked.convergence.iterations == 1
    assert raked.convergence.max_error > raked.convergence.tolerance == 1e-6
    assert raked.mean("api00").estimate > 0  # still a design, as R's rake returns one after its warning


def test_the_convergence_report_belongs_to_the_weights_it_describes(dclus1, api_margins):
    raked = rake(dclus1, {"stype": api_margins["stype"], "sch.wide": api_margins["sch.wide"]})
    assert raked.convergence.iterations >= 2
    assert dclus1.convergence is None
    assert trim(raked, upper=40, strict=True).convergence is None  # new weights, not the ones raking converged to
    assert poststratify(raked, "stype", api_margins["stype"]).convergence is None


def test_trim_keeps_the_total_and_the_bounds(dclus1, api_margins):
    raked = rake(dclus1, {"stype": api_margins["stype"], "sch.wide": api_margins["sch.wide"]})
    trimmed = trim(raked, lower=25, upper=40, strict=True)
    assert trimmed.weights.sum() == pytest.approx(raked.weights.sum())
    assert trimmed.weights.min() >= 25 - 1e-9 and trimmed.weights.max() <= 40 + 1e-9
    assert trimmed.calibration == raked.calibration  # R's trimWeights keeps the raking for the variance
    with pytest.warns(UserWarning, match=r"12 weight\(s\) lie outside \[25, 40\].*strict=True"):
        one_pass = trim(raked, lower=25, upper=40)
    assert one_pass.weights.sum() == pytest.approx(raked.weights.sum())
    with pytest.raises(DesignError, match="cannot all lie in"):
        trim(raked, upper=10)


def test_trim_shares_the_cut_equally_as_r_trimweights():
    # R 4.1-1: weights(trimWeights(svydesign(ids=~1, weights=~w, data=data.frame(w=c(1, 2, 3, 10))), upper=5))
    design = SurveyDesign(pd.DataFrame({"w": [1.0, 2.0, 3.0, 10.0]}), weights="w")
    assert trim(design, upper=5).weights == pytest.approx([8 / 3, 11 / 3, 14 / 3, 5], rel=1e-15)
    # R: trimWeights(d, upper=5) on w = (1, 1, 4, 10) leaves 5.667 above the bound; strict=TRUE repeats the pass
    design = SurveyDesign(pd.DataFrame({"w": [1.0, 1.0, 4.0, 10.0]}), weights="w")
    with pytest.warns(UserWarning, match=r"1 weight\(s\) lie outside"):
        assert trim(design, upper=5).weights == pytest.approx([8 / 3, 8 / 3, 17 / 3, 5], rel=1e-15)
    assert trim(design, upper=5, strict=True).weights == pytest.approx([3, 3, 5, 5], rel=1e-12)


def test_kish_design_effect_and_effective_sample_size():
    weights = np.array([10.0] + [1.0] * 9)
    assert effective_sample_size(weights) == pytest.approx(19**2 / 109)
    assert kish_deff(weights) == pytest.approx(10 * 109 / 19**2)
    assert kish_deff(np.full(7, 3.0)) == pytest.approx(1.0)


def test_base_weights_invert_the_product_of_stage_probabilities():
    frame = pd.DataFrame({"p1": [0.1, 0.5], "p2": [0.5, 1.0]})
    assert base_weights(frame, ["p1", "p2"]).tolist() == pytest.approx([20.0, 2.0])
    with pytest.raises(DesignError, match=r"must lie in \(0, 1\]: row 1"):
        base_weights(frame.assign(p1=[0.1, 0.0]), "p1")


def test_nonresponse_adjustment_moves_weight_to_respondents_of_the_class(apistrat, dstrat):
    cases = apistrat.assign(responded=np.arange(len(apistrat)) % 3 != 0)
    design = SurveyDesign(cases, weights="pw", strata="stype", fpc="fpc")
    adjusted = nonresponse_adjust(design, "responded", "stype")
    assert adjusted.n == int(cases["responded"].sum())
    before = pd.Series(dstrat.weights).groupby(apistrat["stype"]).sum()
    after = pd.Series(adjusted.weights).groupby(adjusted.data["stype"]).sum()
    assert after.to_dict() == pytest.approx(before.to_dict())


def test_nonresponse_adjustment_refuses_a_class_without_respondents(apistrat):
    cases = apistrat.assign(responded=apistrat["stype"] != "H")
    design = SurveyDesign(cases, weights="pw", strata="stype", fpc="fpc")
    with pytest.raises(DesignError, match="class {'stype': 'H'} has no respondent"):
        nonresponse_adjust(design, "responded", "stype")


def test_weighting_returns_a_new_design_and_leaves_the_old_one_alone(dclus1, api_margins):
    before = dclus1.weights.copy()
    poststratify(dclus1, "stype", api_margins["stype"])
    np.testing.assert_array_equal(dclus1.weights, before)
    assert dclus1.calibration == ()
