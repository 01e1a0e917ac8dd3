"""The design object: R ``survey``'s printed results on the API data, validation messages, immutability.

Reference numbers:
- stratified: ``data/reference/README.md`` (R's output for ``dstrat``);
- one- and two-stage clusters: R survey ``tests/api.Rout.save`` (``example(api)``), cran/survey on GitHub;
- simple random sample: R output quoted in public tutorials and the svrep package vignette.
Tolerances follow the digits R prints (5 significant digits for ``svymean``'s SE, integers for totals).
"""

from __future__ import annotations

import numpy as np
import pytest

from analysis import DesignError, SurveyDesign
from analysis.variance import LonelyPsuWarning

from .r_print import r_printed_se


def test_stratified_mean_and_total_match_r(dstrat):
    mean = dstrat.mean("api00")
    assert mean.estimate == pytest.approx(662.287363, abs=1e-6)
    assert mean.se == pytest.approx(9.408941, abs=1e-6)
    total = dstrat.total("enroll")
    assert total.estimate == pytest.approx(3687178, abs=0.5)
    assert total.se == pytest.approx(114642, abs=0.5)


def test_stratified_mean_without_fpc_is_with_replacement(apistrat):
    design = SurveyDesign(apistrat, weights="pw", strata="stype")
    assert design.mean("api00").se == pytest.approx(9.536132, abs=1e-6)


def test_one_stage_cluster_matches_r(dclus1):
    # api.Rout.save: svymean(~api00, dclus1) 644.17 (23.542); svytotal(~enroll, dclus1) 3404940 (932235)
    mean = dclus1.mean("api00")
    assert mean.estimate == pytest.approx(644.17, abs=0.005)
    assert r_printed_se(mean.se) == "23.542"
    total = dclus1.total("enroll")
    assert total.estimate == pytest.approx(3404940, abs=0.5)
    assert total.se == pytest.approx(932235, abs=0.5)


def test_two_stage_cluster_with_fpc_at_both_stages_matches_r(dclus2):
    # api.Rout.save: svymean(~api00, dclus2) 670.81 (30.099); svytotal(~enroll, dclus2) 2639273 (799638)
    mean = dclus2.mean("api00")
    assert mean.estimate == pytest.approx(670.81, abs=0.005)
    assert r_printed_se(mean.se) == "30.099"
    total = dclus2.total("enroll")
    assert total.estimate == pytest.approx(2639273, abs=0.5)
    assert total.se == pytest.approx(799638, abs=0.5)


def test_two_stage_without_fpc_is_with_replacement(apiclus2):
    # api.Rout.save: dclus2wr: svymean 670.81 (30.712); svytotal enroll 2639273 (820261)
    design = SurveyDesign(apiclus2, weights="pw", ids=["dnum", "snum"])
    assert r_printed_se(design.mean("api00").se) == "30.712"
    assert design.total("enroll").se == pytest.approx(820261, abs=0.5)


def test_weights_are_derived_from_the_fpc_when_absent(dclus2, apiclus2):
    np.testing.assert_allclose(dclus2.weights, apiclus2["pw"], rtol=1e-6)


def test_fpc_as_sampling_fraction_gives_the_same_design(apistrat, dstrat):
    fractions = apistrat.assign(frac=apistrat.groupby("stype")["fpc"].transform(lambda s: len(s) / s))
    design = SurveyDesign(fractions, weights="pw", strata="stype", fpc="frac")
    assert design.mean("api00").se == pytest.approx(dstrat.mean("api00").se, rel=1e-12)


def test_simple_random_sample_matches_r(apisrs):
    # R output quoted in public tutorials (svydesign(id=~1, fpc=~fpc, data=apisrs); and the svrep vignette's
    # "control_survey"): svymean api00 656.58 (9.2497), api99 624.68 (9.5003); svytotal enroll 3621074.34 (169519.65)
    design = SurveyDesign(apisrs, weights="pw", fpc="fpc")
    assert design.mean("api00").se == pytest.approx(9.2497, abs=5e-5)
    assert design.mean("api99").estimate == pytest.approx(624.68, abs=0.005)
    assert design.mean("api99").se == pytest.approx(9.5003, abs=5e-5)
    total = design.total("enroll")
    assert (total.estimate, total.se) == pytest.approx((3621074.34, 169519.65), abs=0.005)


def test_srs_with_fpc_matches_the_textbook_formula(apisrs):
    design = SurveyDesign(apisrs, weights="pw", fpc="fpc")
    y = apisrs["api00"].to_numpy(dtype=float)
    expected = np.sqrt((1 - len(y) / 6194) * y.var(ddof=1) / len(y))
    assert design.mean("api00").se == pytest.approx(expected, rel=1e-12)


def test_total_vcov_is_the_variance_behind_the_total(dclus1, apiclus1):
    scores = apiclus1[["enroll", "api00"]].to_numpy(dtype=float)
    vcov = dclus1.total_vcov(scores)
    assert vcov.shape == (2, 2)
    assert vcov[0, 1] == pytest.approx(vcov[1, 0])
    assert np.sqrt(vcov[0, 0]) == pytest.approx(932235, abs=0.5)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weights": "nope"}, "'nope' not in the data"),
        ({"ids": "district"}, "'district' not in the data"),
        ({"weights": "bad_weight"}, "must be positive numbers: row 3"),
        ({"weights": "nan_weight"}, r"'nan_weight' has a missing value \(row 0\)"),
        ({"weights": "pw", "strata": "stype", "fpc": "tiny_fpc"}, "smaller than the sample in stratum E"),
    ],
)
def test_invalid_designs_are_refused_with_the_reason(apistrat, kwargs, message):
    data = apistrat.assign(bad_weight=np.where(np.arange(len(apistrat)) == 3, 0.0, 1.0),
                           nan_weight=np.where(np.arange(len(apistrat)) == 0, np.nan, 1.0), tiny_fpc=10)
    with pytest.raises(DesignError, match=message):
        SurveyDesign(data, **kwargs)


def _one_high_school(apistrat):
    """apistrat with a single high school left, so stratum H has one PSU."""
    high = apistrat.index[apistrat["stype"] == "H"]
    return apistrat.drop(index=high[1:])


def test_a_stratum_with_one_psu_is_refused_naming_it_and_the_remedies(apistrat):
    with pytest.raises(DesignError, match=r"stratum H has only one sampled unit.*certainty, adjust, average"):
        SurveyDesign(_one_high_school(apistrat), weights="pw", strata="stype")


def test_lonely_psu_remedies_change_the_variance_as_documented(apistrat):
    lonely = _one_high_school(apistrat)
    certainty = SurveyDesign(lonely, weights="pw", strata="stype", lonely_psu="certainty").mean("api00").se
    adjust = SurveyDesign(lonely, weights="pw", strata="stype", lonely_psu="adjust").mean("api00").se
    average = SurveyDesign(lonely, weights="pw", strata="stype", lonely_psu="average").mean("api00").se
    assert adjust > certainty
    assert average > certainty


def test_psus_shared_between_strata_need_nest(apistrat):
    data = apistrat.assign(psu=np.arange(len(apistrat)) % 50)
    with pytest.raises(DesignError, match="more than one stratum.*nest=True"):
        SurveyDesign(data, weights="pw", strata="stype", ids="psu")
    nested = SurveyDesign(data, weights="pw", strata="stype", ids="psu", nest=True)
    assert nested.degf == len(data[["stype", "psu"]].drop_duplicates()) - 3


def test_design_is_immutable(dclus1):
    with pytest.raises(AttributeError, match="immutable"):
        dclus1.lonely_psu = "certainty"
    with pytest.raises(ValueError, match="read-only"):
        dclus1.weights[0] = 1.0


def test_design_keeps_its_own_copy_of_the_data(apiclus1):
    data = apiclus1.copy()
    design = SurveyDesign(data, weights="pw", ids="dnum", fpc="fpc")
    before = design.mean("api00").estimate
    data["api00"] = 0
    assert design.mean("api00").estimate == before


def test_a_lonely_second_stage_unit_is_named_with_its_cluster(apiclus2):
    data = apiclus2.copy()
    row = data.index[data["fpc2"] == 1][0]  # a district with one school sampled out of one
    data.loc[row, "fpc2"] = 5  # now one school sampled out of five: its variance is unknown
    district = data.loc[row, "dnum"]
    with pytest.raises(DesignError, match=rf"dnum={district} at stage 2 has only one sampled unit"):
        SurveyDesign(data, ids=["dnum", "snum"], fpc=["fpc1", "fpc2"])
    certainty = SurveyDesign(data, ids=["dnum", "snum"], fpc=["fpc1", "fpc2"], lonely_psu="certainty")
    assert certainty.mean("api00").se > 0


def test_average_leaves_a_lonely_second_stage_unit_nan_as_r(apiclus2):
    # R 4.1-1, options(survey.lonely.psu="average"), apiclus2 with fpc2 = 5 in district 15 (its one school, E):
    # SE(svymean(~api00, d)) is NaN; svyby(~api00, ~stype, d, svymean): se NaN, 17.69417, 45.09132
    data = apiclus2.copy()
    data.loc[data["dnum"] == 15, "fpc2"] = 5
    design = SurveyDesign(data, ids=["dnum", "snum"], fpc=["fpc1", "fpc2"], lonely_psu="average")
    with pytest.warns(LonelyPsuWarning, match="single sampled unit at stage 2.*no stratum to average over"):
        assert np.isnan(design.mean("api00").se)
    with pytest.warns(LonelyPsuWarning, match="1 domain.*stage 2"):
        by_type = design.mean("api00", by="stype")
    assert np.isnan(by_type["se"].iloc[0])
    assert by_type["se"].iloc[1:].tolist() == pytest.approx([17.69417, 45.09132], abs=5e-6)


def test_average_with_no_stratum_to_average_over_gives_nan_and_says_why_as_r(apistrat):
    # R: onestage sums nothing and scales by nstrat / 0, so the variance is NaN
    one_each = apistrat.groupby("stype").head(1)
    design = SurveyDesign(one_each, weights="pw", strata="stype", lonely_psu="average")
    with pytest.warns(LonelyPsuWarning, match="no stratum to average over"):
        assert np.isnan(design.mean("api00").se)
    assert SurveyDesign(one_each, weights="pw", strata="stype", lonely_psu="remove").mean("api00").se == 0
