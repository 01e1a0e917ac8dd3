"""Estimators against R ``survey``'s published output on the API data.

Sources (all public, cited per test):
- [vignette] Lumley, "A survey analysis example" (survey package vignette, survey >= 4.1 output);
- [domain] r-survey.r-forge.r-project.org/survey/example-domain.html (svyby with keep.var=TRUE);
- [summary] r-survey.r-forge.r-project.org/survey/example-summary.html (svymean of a factor);
- [deff] R survey ``tests/deff.Rout.save`` (Takahiro Tsuchiya's example).
- R output quoted in other public documentation where named in the test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import Estimate, SurveyDesign


def test_proportions_of_each_category_match_r(dclus1):
    # [summary] svymean(~stype, dclus1): E 0.786885 (0.0463), H 0.076503 (0.0268), M 0.136612 (0.0296)
    table = dclus1.proportion("stype").set_index("stype")
    np.testing.assert_allclose(table["estimate"], [0.786885, 0.076503, 0.136612], atol=5e-7)
    np.testing.assert_allclose(table["se"], [0.0463, 0.0268, 0.0296], atol=5e-5)
    assert table["estimate"].sum() == pytest.approx(1.0)


def test_ratio_matches_r(dclus1):
    # [vignette] svyratio(~api.stu, ~enroll, dclus1): 0.8497087 (0.008386297)
    result = dclus1.ratio("api.stu", "enroll")
    assert result.estimate == pytest.approx(0.8497087, abs=5e-8)
    assert result.se == pytest.approx(0.008386297, abs=5e-10)


def test_ratio_in_a_domain_matches_r_subset(dclus1):
    # [vignette] svyratio(~api.stu, ~enroll, design=subset(dclus1, stype=="H")): 0.8300683 (0.01472607)
    table = dclus1.ratio("api.stu", "enroll", by="stype").set_index("stype")
    assert table.loc["H", "estimate"] == pytest.approx(0.8300683, abs=5e-8)
    assert table.loc["H", "se"] == pytest.approx(0.01472607, abs=5e-9)


def test_quantiles_match_r_41_woodruff_intervals(dclus1):
    # [vignette] svyquantile(~api00, dclus1, c(.25,.5,.75), ci=TRUE), survey >= 4.1 (qrule "math", Woodruff)
    table = dclus1.quantile("api00", [0.25, 0.5, 0.75])
    np.testing.assert_array_equal(table["estimate"], [552, 652, 719])
    np.testing.assert_array_equal(table["ci_low"], [492, 561, 696])
    np.testing.assert_array_equal(table["ci_high"], [627, 714, 777])
    np.testing.assert_allclose(table["se"], [31.47166, 35.66788, 18.88300], atol=5e-6)


def test_single_quantile_returns_an_estimate(dclus1):
    median = dclus1.quantile("api00", 0.5)
    assert isinstance(median, Estimate)
    assert median.ci_low < median.estimate < median.ci_high


def test_domain_means_by_two_variables_match_svyby(dclus1):
    # [domain] svyby(~api99+api00, ~stype+sch.wide, dclus1, svymean, keep.var=TRUE)
    api99 = dclus1.mean("api99", by=["stype", "sch.wide"])
    api00 = dclus1.mean("api00", by=["stype", "sch.wide"])
    assert list(api99["stype"]) == ["E", "E", "H", "H", "M", "M"]
    np.testing.assert_allclose(api99["estimate"][:5], [601.6667, 608.3485, 662.0000, 577.6364, 611.3750], atol=5e-5)
    np.testing.assert_allclose(api00["estimate"][:5], [596.3333, 653.6439, 659.3333, 607.4545, 606.3750], atol=5e-5)
    np.testing.assert_allclose(api99["se"][:5], [47.27582, 21.52493, 29.23003, 46.50125, 41.11886], atol=5e-6)
    np.testing.assert_allclose(api00["se"][:5], [43.49010, 20.31720, 27.00275, 43.70468, 41.11686], atol=5e-6)


def test_domain_means_of_two_variables_match_the_vignette(dclus1):
    # [vignette] svyby(~ell+meals, ~stype, design=dclus1, svymean)
    ell = dclus1.mean("ell", by="stype")
    meals = dclus1.mean("meals", by="stype")
    np.testing.assert_allclose(ell["estimate"], [29.69444, 15.00000, 22.68000], atol=5e-6)
    np.testing.assert_allclose(ell["se"], [1.411617, 5.347065, 2.952862], atol=5e-7)
    np.testing.assert_allclose(meals["estimate"], [53.09028, 37.57143, 43.08000], atol=5e-6)
    np.testing.assert_allclose(meals["se"], [7.070399, 5.912262, 6.017110], atol=5e-7)


def test_domain_total_keeps_the_other_psus_in_the_variance(dclus1, apiclus1):
    # [domain] svytotal(~enroll, subset(dclus1, sch.wide=="Yes" & comp.imp=="Yes")): 2406420 (645444)
    flagged = apiclus1.assign(both_yes=(apiclus1["sch.wide"] == "Yes") & (apiclus1["comp.imp"] == "Yes"))
    design = SurveyDesign(flagged, weights="pw", ids="dnum", fpc="fpc")
    table = design.total("enroll", by="both_yes").set_index("both_yes")
    assert table.loc[True, "estimate"] == pytest.approx(2406420, abs=0.5)
    assert table.loc[True, "se"] == pytest.approx(645444, abs=0.5)


def test_missing_values_are_left_out_domain_style(dclus1, apiclus1):
    # [vignette] svymean(make.formula(vars), dclus1, na.rm=TRUE) drops rows missing any of 21 variables:
    # api00 643.203822 (25.4936), meals 50.636943 (6.6588)
    columns = list(apiclus1.columns[[12, 13, *range(16, 24), *range(27, 38)]])
    complete = apiclus1[columns].notna().all(axis=1)
    masked = apiclus1.assign(api00=apiclus1["api00"].where(complete), meals=apiclus1["meals"].where(complete))
    design = SurveyDesign(masked, weights="pw", ids="dnum", fpc="fpc")
    api00, meals = design.mean("api00"), design.mean("meals")
    assert api00.estimate == pytest.approx(643.203822, abs=5e-7)
    assert api00.se == pytest.approx(25.4936, abs=5e-5)
    assert meals.estimate == pytest.approx(50.636943, abs=5e-7)
    assert meals.se == pytest.approx(6.6588, abs=5e-5)
    assert api00.n == int(complete.sum())


def test_design_effects_match_r_deff_example():
    # [deff] svymean(~uriage, des.srs, deff=TRUE): 113.700 (35.626) DEff 1.0101; svytotal: 113700 (35626) 1.0101
    kigyo = pd.DataFrame({"uriage": [15, 143, 21, 51, 337, 50, 274, 145, 15, 86], "w": 100.0})
    design = SurveyDesign(kigyo, weights="w")
    mean, total = design.mean("uriage"), design.total("uriage")
    assert mean.estimate == pytest.approx(113.7, abs=5e-4)
    assert mean.se == pytest.approx(35.626, abs=5e-4)
    assert mean.deff == pytest.approx(1.0101, abs=5e-5)
    assert total.estimate == pytest.approx(113700, abs=0.5)
    assert total.se == pytest.approx(35626, abs=0.5)
    assert total.deff == pytest.approx(1.0101, abs=5e-5)


def test_design_effects_on_the_api_designs_match_r(dclus1, apisrs):
    # R output quoted in the Survey.jl documentation (docs on deff):
    # svymean(~api00, dclus1, deff=TRUE): 644.169 (23.542) DEff 9.3459;
    # svymean(~api00, svydesign(id=~1, weights=~pw, data=apisrs), deff=TRUE): 656.5850 (9.4028) DEff 1.0334
    assert dclus1.mean("api00").deff == pytest.approx(9.3459, abs=5e-5)
    srs = SurveyDesign(apisrs, weights="pw").mean("api00")
    assert srs.se == pytest.approx(9.4028, abs=5e-5)
    assert srs.deff == pytest.approx(1.0334, abs=5e-5)


def test_confidence_interval_is_estimate_plus_minus_1_96_se(dclus1):
    mean = dclus1.mean("api00")
    assert mean.ci_high - mean.estimate == pytest.approx(1.959964 * mean.se, rel=1e-6)
    assert mean.estimate - mean.ci_low == pytest.approx(mean.ci_high - mean.estimate)


def test_estimates_table_has_the_contract_columns(dclus1):
    table = dclus1.mean("api00", by="stype")
    assert list(table.columns) == ["stype", "estimate", "se", "ci_low", "ci_high", "deff", "n"]
    assert table["n"].tolist() == [144, 14, 25]


def test_text_column_asks_for_proportion(dclus1):
    with pytest.raises(ValueError, match="not numeric.*proportion"):
        dclus1.mean("stype")


def test_one_stage_cluster_with_replacement_matches_r(apiclus1):
    # R output in a public (Estonian-language) survey tutorial, des_clus = svydesign(id=~dnum, weights=~pw,
    # data=apiclus1) without fpc: svymean api00 644.17 (23.779), api99 606.98 (24.469);
    # svyby(~api00, ~stype, des_clus, svymean): E 648.8681 (22.58731), H 618.5714 (38.40263), M 631.4400 (31.92737);
    # svyquantile(~api00, des_clus, c(.25,.5,.75)): 552 [491, 628] se 31.93791; 652 [559, 715] 36.36725;
    # 719 [696, 777] 18.88300
    design = SurveyDesign(apiclus1, weights="pw", ids="dnum")
    assert design.mean("api00").se == pytest.approx(23.779, abs=5e-4)
    assert design.mean("api99").se == pytest.approx(24.469, abs=5e-4)
    by_type = design.mean("api00", by="stype")
    np.testing.assert_allclose(by_type["estimate"], [648.8681, 618.5714, 631.4400], atol=5e-5)
    np.testing.assert_allclose(by_type["se"], [22.58731, 38.40263, 31.92737], atol=5e-6)
    quartiles = design.quantile("api00", [0.25, 0.5, 0.75])
    np.testing.assert_array_equal(quartiles[["estimate", "ci_low", "ci_high"]],
                                  [[552, 491, 628], [652, 559, 715], [719, 696, 777]])
    np.testing.assert_allclose(quartiles["se"], [31.93791, 36.36725, 18.88300], atol=5e-6)
