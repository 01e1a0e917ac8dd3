"""The four causes the audit against R survey 4.1-1 found, each on its smallest case, with R's own numbers.

Each expected value was printed by R 4.1-1 (Debian's r-cran-survey) with the code quoted beside it; the
differential tests in ``test_against_r.py`` check the same rules on hundreds of generated designs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import SurveyDesign, weighted_quantile
from analysis.variance import LonelyPsuWarning
from tests.reference_data import read_reference


def test_average_lonely_psu_inside_domains_averages_over_the_strata_each_domain_touches():
    # options(survey.lonely.psu="average"); d <- svydesign(ids=~p, strata=~s, data=df)
    # svyby(~y, ~s, d, svytotal): se 2, 4, NaN
    data = pd.DataFrame({"s": list("AABBC"), "p": [1, 2, 3, 4, 5], "y": [1.0, 3, 2, 6, 5]})
    design = SurveyDesign(data, strata="s", ids="p", lonely_psu="average")
    with pytest.warns(LonelyPsuWarning, match="1 domain.*single PSU.*no stratum to average over.*NaN"):
        table = design.total("y", by="s")
    assert table["estimate"].tolist() == [4, 8, 5]
    assert table["se"].iloc[:2].tolist() == pytest.approx([2, 4], rel=1e-14)
    assert np.isnan(table["se"].iloc[2])
    # the whole design averages over its three strata: SE(svytotal(~y, d)) = 5.47722557505166
    assert design.total("y").se == pytest.approx(5.47722557505166, rel=1e-14)


def test_quantile_at_an_exact_tie_of_the_cdf_is_rs():
    # svyquantile(~y, svydesign(ids=~1, weights=~w, data=data.frame(y=1:6, w=0.3)), 0.5): 3
    assert weighted_quantile(np.arange(1.0, 7.0), np.full(6, 0.3), 0.5) == 3
    # R's rule below the first value's weight share gives the second value (qs(): last() falls back to 1)
    assert weighted_quantile(np.array([1.0, 2.0, 3.0]), np.ones(3), 0.2) == 2


def test_median_of_apisrs_is_rs():
    # svyquantile(~api00, svydesign(id=~1, fpc=~fpc, data=apisrs), 0.5): 658, CI 633-693, se 15.21332
    median = SurveyDesign(read_reference("apisrs.csv"), fpc="fpc").quantile("api00", 0.5)
    assert (median.estimate, median.ci_low, median.ci_high) == (658, 633, 693)
    assert median.se == pytest.approx(15.21332, abs=5e-6)


def test_variance_of_values_around_1e8_does_not_cancel():
    # SE(svytotal(~y, svydesign(ids=~1, data=data.frame(y=1e8 + c(.1, .2, .4, .8))))): 0.6191391874
    data = pd.DataFrame({"y": 1e8 + np.array([0.1, 0.2, 0.4, 0.8]), "g": ["a", "a", "a", "b"]})
    design = SurveyDesign(data)
    assert design.total("y").se == pytest.approx(0.6191391874, rel=1e-9)
    # and by domain, where the same one-pass formula used to cancel as well
    assert design.total("y", by="g")["se"].iloc[0] == pytest.approx(design.total_vcov(
        np.where(data["g"] == "a", data["y"], 0.0))[0, 0] ** 0.5, rel=1e-9)
