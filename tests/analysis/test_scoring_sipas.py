"""SIPAS indices: top-2-box shares per element, component and overall, their standard errors and diagnostics.

Sources for the standard error checked against R (cited in the test):
- [vignette] Lumley, "A survey analysis example" (R survey package vignette, survey.pdf, 2025 build):
  ``svymean(make.formula(vars), dclus1, na.rm=TRUE)`` prints ``sch.wideYes 0.872611 0.0247``.
"""

from __future__ import annotations

import math
from fractions import Fraction as F

import numpy as np
import pandas as pd
import pytest

from analysis import SurveyDesign, apply_codebook
from analysis.scoring import ScoringError, sipas_indices
from questionnaires.loader import bundled_methodologies

from .r_print import r_printed_se
from .scoring_fixtures import sipas_codebook, sipas_methodology

METHODOLOGY = sipas_methodology({"X1": "S", "X2": "S", "P1": "P"})
CODEBOOK = sipas_codebook({"a1": "X1", "a2": "X1", "b1": "X2", "p1": "P1"})
# X1 (two items): answers 5, 3 | 4, 9 (no experience) | 2, 1 -> valid 5, 3, 4, 2, 1: 2 satisfied of 5.
# X2: 5 | 5 | 1 -> 2 of 3.  P1: 4 | blank | 3 -> 1 of 2.
ANSWERS = pd.DataFrame({"a1": ["5", "4", "2"], "a2": ["3", "9", "1"], "b1": ["5", "5", "1"],
                        "p1": ["4", None, "3"], "unit": ["U1", "U1", "U2"]})


def _table(**kwargs) -> pd.DataFrame:
    return sipas_indices(ANSWERS, METHODOLOGY, codebook=CODEBOOK, **kwargs)


def test_element_index_is_the_share_of_valid_answers_in_the_top_two_boxes():
    x1 = _table().set_index("index").loc["X1"]
    # pooled over the element's answers: 2/5 (a mean of per-respondent shares would be (1/2 + 1 + 0)/3 = 1/2)
    assert x1["estimate"] == pytest.approx(float(F(2, 5)))
    assert (x1["n"], x1["n_answers"]) == (3, 5)


def test_no_experience_and_blank_answers_are_left_out():
    p1 = _table().set_index("index").loc["P1"]
    assert p1["estimate"] == pytest.approx(0.5) and (p1["n"], p1["n_answers"]) == (2, 2)


def test_components_and_overall_are_means_of_their_elements_by_default():
    table = _table().set_index("index")
    assert table.loc["S", "estimate"] == pytest.approx(float((F(2, 5) + F(2, 3)) / 2))  # 8/15
    assert table.loc["SIPAS", "estimate"] == pytest.approx(float((F(2, 5) + F(2, 3) + F(1, 2)) / 3))  # 47/90
    assert list(table["level"].unique()) == ["element", "component", "overall"]


def test_pooled_items_combines_every_valid_answer_instead():
    table = _table(overall="pooled_items").set_index("index")
    assert table.loc["S", "estimate"] == pytest.approx(float(F(4, 8)))
    assert table.loc["SIPAS", "estimate"] == pytest.approx(float(F(5, 10)))


def test_mean_score_and_its_0_100_rescale_are_reported_for_diagnostics():
    x1 = _table().set_index("index").loc["X1"]
    assert x1["mean_score"] == pytest.approx(3.0)  # (5 + 3 + 4 + 2 + 1) / 5
    assert x1["score_0_100"] == pytest.approx(50.0)  # (3 - 1) / 4 x 100


def test_without_a_design_the_standard_error_is_that_of_a_simple_random_sample():
    # one item, 5 4 4 2: p = 3/4, SE = sqrt(p (1 - p) / (n - 1)) = sqrt(3/16 / 3) = 1/4
    answers = pd.DataFrame({"a1": ["5", "4", "4", "2"]})
    x1 = sipas_indices(answers, sipas_methodology({"X1": "S"}), codebook=sipas_codebook({"a1": "X1"})).iloc[0]
    assert (x1["estimate"], x1["se"]) == (pytest.approx(0.75), pytest.approx(0.25))


def test_indices_by_domain_use_only_the_domains_answers():
    table = _table(by="unit").set_index(["unit", "index"])
    assert table.loc[("U1", "X1"), "estimate"] == pytest.approx(float(F(2, 3)))  # 5, 3, 4
    assert table.loc[("U2", "X1"), "estimate"] == 0.0  # 2, 1
    assert table.loc[("U2", "P1"), "estimate"] == 0.0  # 3
    assert table.loc[("U1", "P1"), "n"] == 1  # 4 and a blank


def test_an_element_without_valid_answers_has_no_index_and_blocks_the_mean_of_elements():
    answers = ANSWERS.assign(p1=["9", None, "9"])
    table = sipas_indices(answers, METHODOLOGY, codebook=CODEBOOK).set_index("index")
    assert math.isnan(table.loc["P1", "estimate"]) and table.loc["P1", "status"] == "no valid answer"
    assert math.isnan(table.loc["SIPAS", "estimate"]) and table.loc["SIPAS", "status"] == "no valid answer for P1"
    assert table.loc["S", "status"] == "ok"


def test_element_share_and_se_match_r_svymean_on_the_api_cluster_sample(apiclus1):
    # [vignette] vars <- names(apiclus1)[c(12:13,16:23,27:37)]; svymean(make.formula(vars), dclus1, na.rm=TRUE)
    #   sch.wideYes 0.872611 (SE 0.0247). na.rm drops a school missing any of the variables, as a respondent
    #   without a valid answer; "met the growth target" plays "satisfied" (5), not met plays 1.
    r_columns = list(apiclus1.columns[1:])  # the CSV's first column is R's row name
    variables = [r_columns[i - 1] for i in [12, 13, *range(16, 24), *range(27, 38)]]
    complete = apiclus1[variables].notna().all(axis=1)
    satisfied = np.where(apiclus1["sch.wide"] == "Yes", "5", "1")
    data = apiclus1.assign(target_met=pd.Series(np.where(complete, satisfied, None), index=apiclus1.index))
    dclus1 = SurveyDesign(data, ids="dnum", weights="pw", fpc="fpc")
    row = sipas_indices(dclus1, bundled_methodologies()["sipas_2023"], codebook=sipas_codebook({"target_met": "II.A"}))
    element = row.set_index("index").loc["II.A"]
    assert element["estimate"] == pytest.approx(0.872611, abs=5e-7)
    assert r_printed_se(element["se"]) == "0.0247"
    assert element["n"] == 157


def test_element_of_several_items_has_the_ratio_estimators_se_under_a_cluster_design(dclus1):
    # satisfied answers / valid answers per school, two items: the same numbers as design.ratio on the counts
    data = dclus1.data
    first = np.where(data["sch.wide"] == "Yes", "5", "2")
    second = np.where(data["comp.imp"] == "Yes", "4", np.where(data["stype"] == "H", "9", "3"))
    design = SurveyDesign(data.assign(i1=first, i2=second), ids="dnum", weights="pw", fpc="fpc")
    element = sipas_indices(design, sipas_methodology({"X1": "S"}),
                            codebook=sipas_codebook({"i1": "X1", "i2": "X1"})).iloc[0]
    counts = data.assign(y=(data["sch.wide"] == "Yes").astype(float) + (data["comp.imp"] == "Yes"),
                         x=1.0 + (data["comp.imp"] == "Yes") + ((data["comp.imp"] != "Yes") & (data["stype"] != "H")))
    expected = SurveyDesign(counts, ids="dnum", weights="pw", fpc="fpc").ratio("y", "x")
    assert element["estimate"] == pytest.approx(expected.estimate)
    assert element["se"] == pytest.approx(expected.se)


def test_the_codebook_the_responses_carry_is_used_for_a_frame_and_for_its_design():
    exported = apply_codebook(ANSWERS, CODEBOOK)  # what read_export returns: the codebook in attrs
    from_frame = sipas_indices(exported, METHODOLOGY).set_index("index")
    assert from_frame.loc["X1", "estimate"] == pytest.approx(float(F(2, 5)))
    by_unit = sipas_indices(SurveyDesign(exported), METHODOLOGY, by="unit")
    assert by_unit.set_index(["unit", "index"]).loc[("U2", "X2"), "estimate"] == 0
    with pytest.raises(ScoringError, match="carry no codebook"):
        sipas_indices(ANSWERS, METHODOLOGY)


def test_refuses_a_methodology_without_a_sipas_block():
    methodology = bundled_methodologies()["par_province_2021"]
    with pytest.raises(ScoringError, match="par_province_2021 has no sipas block"):
        sipas_indices(ANSWERS, methodology, codebook=CODEBOOK)


def test_refuses_a_codebook_without_any_item_of_an_element():
    with pytest.raises(ScoringError, match="no variable of the codebook belongs to a SIPAS element"):
        sipas_indices(ANSWERS, METHODOLOGY, codebook=sipas_codebook({"a1": "Q9"}))


def test_refuses_an_unknown_overall_rule():
    with pytest.raises(ScoringError, match="overall must be one of"):
        _table(overall="median")


def test_a_mean_of_two_identical_elements_has_the_elements_standard_error():
    # the linearised mean of two ratios that always agree is that ratio: same estimate, same SE
    answers = pd.DataFrame({"a1": ["5", "4", "2", "1", "3"], "b1": ["5", "4", "2", "1", "3"]})
    table = sipas_indices(answers, sipas_methodology({"X1": "S", "X2": "S"}),
                          codebook=sipas_codebook({"a1": "X1", "b1": "X2"})).set_index("index")
    assert table.loc["S", "estimate"] == pytest.approx(table.loc["X1", "estimate"])
    assert table.loc["S", "se"] == pytest.approx(table.loc["X1", "se"])
