"""Intervals on the design's degrees of freedom, svyciprop, svycontrast, svyvar and deff="replace" against R.

Expected values were printed by R 4.1-1 (``sprintf("%.15g")``) on ``dclus1`` with ``sw = sch.wide == "Yes"``:
``d <- svydesign(id=~dnum, weights=~pw, data=apiclus1, fpc=~fpc)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import SurveyDesign
from analysis.contrasts import svycontrast, svymean, svytotal, svyvar
from analysis.intervals import confint, proportion_intervals, svyciprop
from analysis.scoring import sipas_indices
from questionnaires.loader import bundled_methodologies

from .scoring_fixtures import sipas_codebook

REL = 1e-9


@pytest.fixture(scope="module")
def clus1(apiclus1) -> SurveyDesign:
    return SurveyDesign(apiclus1.assign(sw=(apiclus1["sch.wide"] == "Yes").astype(float)), weights="pw",
                        ids="dnum", fpc="fpc")


def test_confint_on_the_design_degrees_of_freedom_is_rs(clus1):
    # confint(svymean(~api00, d), df=degf(d)): 593.676314463326 694.662483350882 (degf 14: wider than normal)
    normal = clus1.mean("api00")
    wide = confint(normal, df=clus1.degf)
    assert clus1.degf == 14
    assert (wide.ci_low, wide.ci_high) == pytest.approx((593.676314463326, 694.662483350882), rel=REL)
    assert wide.ci_high - wide.ci_low > normal.ci_high - normal.ci_low
    table = confint(clus1.mean("api00", by="stype"), df=clus1.degf)
    assert table["ci_low"].tolist() == pytest.approx(
        (table["estimate"] - table["se"] * 2.1447866879178).tolist(), rel=1e-12)


@pytest.mark.parametrize("method, low, high", [
    ("logit", 0.823798892379034, 0.911900077021223),
    ("asin", 0.827533453321086, 0.914614571848907),
    ("beta", 0.823702210847501, 0.914704492126865),
    ("mean", 0.830650204123468, 0.917983675657953),
    ("xlogit", 0.823798892383002, 0.911900077024393),
])
def test_svyciprop_intervals_are_rs(clus1, method, low, high):
    # svyciprop(~sw, d, method=m): coef 0.87431693989071, SE 0.0203594772446274
    result = svyciprop(clus1, "sw", method)
    assert (result.estimate, result.se) == pytest.approx((0.87431693989071, 0.0203594772446274), rel=REL)
    assert (result.ci_low, result.ci_high) == pytest.approx((low, high), rel=REL)


def test_likelihood_interval_follows_rs_profile_and_spline(clus1):
    # svyciprop(~sw, d, method="likelihood"): 0.826288241963576 0.913694491892495
    result = svyciprop(clus1, "sw", "likelihood")
    assert (result.ci_low, result.ci_high) == pytest.approx((0.826288241963576, 0.913694491892495), rel=1e-9)


def test_korn_graubard_by_domain_uses_each_domains_degrees_of_freedom(clus1):
    # svyby(~sw, ~stype, d, svyciprop, method="beta", vartype=c("se","ci"))
    table = svyciprop(clus1, "sw", "beta", by="stype")
    assert table["ci_low"].tolist() == pytest.approx([0.859765358737351, 0.521760971207249, 0.405708991672240],
                                                     rel=REL)
    assert table["ci_high"].tolist() == pytest.approx([0.955816623310151, 0.943907693670807, 0.885241289543765],
                                                      rel=REL)
    assert table["se"].tolist() == pytest.approx([0.0209842789524908, 0.0914619099888493, 0.1095022483980453],
                                                 rel=REL)


def test_a_share_near_one_gets_an_interval_inside_zero_one():
    data = pd.DataFrame({"psu": np.repeat(np.arange(6), 5), "y": [1.0] * 29 + [0.0]})
    design = SurveyDesign(data, ids="psu")
    wald = confint(design.mean("y"), df=design.degf)
    assert wald.ci_high > 1
    for method in ("logit", "beta", "asin", "likelihood"):
        result = svyciprop(design, "y", method)
        assert 0 < result.ci_low < result.estimate < result.ci_high < 1, method
    table = design.proportion("y", method="beta")
    assert table["ci_high"].max() <= 1 and table["ci_low"].min() >= 0


def test_svyciprop_refuses_values_other_than_zero_and_one(clus1):
    with pytest.raises(ValueError, match="0/1 values"):
        svyciprop(clus1, "api00")
    with pytest.raises(ValueError, match="method must be one of"):
        svyciprop(clus1, "sw", "wilson")


def test_sipas_intervals_use_the_design_degrees_of_freedom_and_can_stay_inside_zero_one(apiclus1):
    data = apiclus1.assign(target_met=np.where(apiclus1["sch.wide"] == "Yes", "5", "1"))
    design = SurveyDesign(data, ids="dnum", weights="pw", fpc="fpc")
    table = sipas_indices(design, bundled_methodologies()["sipas_2023"],
                          codebook=sipas_codebook({"target_met": "II.A"}))
    row = table.set_index("index").loc["II.A"]
    assert row["df"] == 14
    assert row["ci_high"] - row["estimate"] == pytest.approx(2.1447866879178 * row["se"], rel=1e-10)
    bounded = proportion_intervals(table.dropna(subset=["estimate"]), "beta")
    assert ((bounded["ci_low"] >= 0) & (bounded["ci_high"] <= 1)).all()


def test_contrasts_of_estimates_are_rs(clus1):
    # m <- svymean(~api00+api99, d); svycontrast(m, quote(log(api00/api99)))
    m = svymean(clus1, ["api00", "api99"])
    assert m.se.tolist() == pytest.approx([23.542240693781, 24.2250409061334], rel=REL)
    ratio = svycontrast(m, lambda v: np.log(v["api00"] / v["api99"]))
    assert ratio.statistic == "nlcon"
    assert (ratio.coef["contrast"], ratio.se["contrast"]) == pytest.approx((0.0594689526436603, 0.0058710928551812),
                                                                           rel=REL)
    # b <- svyby(~api00, ~stype, d, svymean, covmat=TRUE); svycontrast(b, c(E=1, H=-1))
    by_type = svymean(clus1, "api00", by="stype")
    difference = svycontrast(by_type, {"E:api00": 1, "H:api00": -1})
    assert (difference.coef.iloc[0], difference.se.iloc[0]) == pytest.approx((30.296626984127, 30.0276061918454),
                                                                             rel=REL)
    both = svycontrast(by_type, {"E-H": [1, -1, 0], "E-M": [1, 0, -1]}, add=True)
    assert list(both.coef.index) == ["E-H", "E-M", "E:api00", "H:api00", "M:api00"]
    assert both.to_frame(df=clus1.degf).loc["E-H", "se"] == pytest.approx(30.0276061918454, rel=REL)
    with pytest.raises(ValueError, match="one weight per estimate"):
        svycontrast(by_type, [1, -1])


def test_svyvar_and_totals_are_rs(clus1):
    # svyvar(~api00, d): 11182.8227946916 (SE 1386.41394291426); with api99 the covariance 11516.33 (SE 1412.859)
    single = svyvar(clus1, "api00")
    assert (single.coef["api00"], single.se["api00"]) == pytest.approx((11182.8227946916, 1386.41394291426), rel=REL)
    pair = svyvar(clus1, ["api00", "api99"])
    assert pair.coef["api99:api00"] == pytest.approx(11516.32789888, rel=1e-10)
    assert pair.se["api00:api99"] == pytest.approx(1412.8585147, rel=1e-9)
    assert svytotal(clus1, "api00").se["api00"] == pytest.approx(clus1.total("api00").se, rel=1e-12)


def test_deff_replace_is_rs(clus1):
    # deff(svymean(~api00, d, deff="replace")): 9.06974836245306; svytotal: 344.240160676952
    assert clus1.mean("api00", deff="replace").deff == pytest.approx(9.06974836245306, rel=REL)
    assert clus1.total("api00", deff="replace").deff == pytest.approx(344.240160676952, rel=REL)
    assert np.isnan(clus1.mean("api00", deff=False).deff)
    with pytest.raises(ValueError, match="deff must be"):
        clus1.mean("api00", deff="yes")
