"""PAR Index survey points: every combination rule and missing policy on cases small enough to do by hand.

Weights A/B/C/D = 1, 0.6, 0.2, 0 and E "don't know" (tests/analysis/scoring_fixtures.py). Expected values are
written as exact fractions of the hand computation shown beside them.
"""

from __future__ import annotations

import math
from fractions import Fraction as F

import pandas as pd
import pytest

from analysis import apply_codebook
from analysis.scoring import ScoringError, par_field_points, par_survey_points
from questionnaires.codebook import build_codebook
from questionnaires.loader import bundled_methodologies, bundled_questionnaires
from questionnaires.model import Combine, MissingPolicy, SubcriterionSource

from .scoring_fixtures import par_codebook, par_methodology, subcriterion

# Q1 (max 2 points): group a answers A, B and "don't know"; group b answers C, D, D.
#   a: weights 1 and 0.6 (E left out) -> mean 0.8 -> 1.6 points, n = 2
#   b: weights 0.2, 0, 0 -> mean 1/15 -> 2/15 points, n = 3
ANSWERS = pd.DataFrame({"group": ["a", "a", "a", "b", "b", "b"], "Q1": ["A", "B", "E", "C", "D", "D"]})


def _points(combine: Combine, group_weights: dict | None = None) -> pd.Series:
    methodology = par_methodology({"F1": [subcriterion("S1", 2, combine, group_weights)]})
    return par_survey_points(ANSWERS, methodology, codebook=par_codebook({"Q1": "S1"})).iloc[0]


def test_group_scores_leave_dont_know_out_of_numerator_and_denominator():
    row = _points(Combine.GROUP_MEAN)
    assert (row["n_a"], row["n_b"], row["n"]) == (2, 3, 5)
    assert row["points_a"] == pytest.approx(float(F(8, 5)))
    assert row["points_b"] == pytest.approx(float(F(2, 15)))


def test_group_mean_gives_each_group_equal_weight():
    # (8/5 + 2/15) / 2 = 13/15
    assert _points(Combine.GROUP_MEAN)["points"] == pytest.approx(float(F(13, 15)))


def test_pooled_gives_each_respondent_equal_weight():
    # 2 x (1 + 0.6 + 0.2 + 0 + 0) / 5 = 18/25
    assert _points(Combine.POOLED)["points"] == pytest.approx(float(F(18, 25)))


def test_weighted_uses_the_group_weights():
    # (3 x 8/5 + 1 x 2/15) / 4 = 37/30
    assert _points(Combine.WEIGHTED, {"a": 3, "b": 1})["points"] == pytest.approx(float(F(37, 30)))


def test_weighted_renormalises_over_the_groups_that_answered():
    answers = ANSWERS.assign(Q1=["A", "B", "E", "E", "E", None])
    methodology = par_methodology({"F1": [subcriterion("S1", 2, Combine.WEIGHTED, {"a": 3, "b": 1})]})
    row = par_survey_points(answers, methodology, codebook=par_codebook({"Q1": "S1"})).iloc[0]
    assert row["points"] == pytest.approx(float(F(8, 5)))
    assert row["status"] == "no valid answer from b"


def test_weighted_refuses_a_group_that_answered_without_a_weight():
    with pytest.raises(ScoringError, match="S1.*group\\(s\\) b.*no weight"):
        _points(Combine.WEIGHTED, {"a": 1})


def test_the_methodology_combine_applies_when_the_subcriterion_has_none():
    methodology = par_methodology({"F1": [subcriterion("S1", 2)]}, combine=Combine.POOLED)
    row = par_survey_points(ANSWERS, methodology, codebook=par_codebook({"Q1": "S1"})).iloc[0]
    assert (row["combine"], row["points"]) == ("pooled", pytest.approx(float(F(18, 25))))


def test_several_items_of_one_subcriterion_are_averaged_per_respondent_first():
    # respondent 1: A, D -> 0.5; respondent 2: B, E -> 0.6; respondent 3: E, blank -> left out.
    # per respondent: 4 x (0.5 + 0.6) / 2 = 11/5 (pooling the three answers would give 4 x 1.6 / 3 = 32/15)
    answers = pd.DataFrame({"group": ["a"] * 3, "Q2a": ["A", "B", "E"], "Q2b": ["D", "E", None]})
    methodology = par_methodology({"F1": [subcriterion("S2", 4)]})
    row = par_survey_points(answers, methodology, codebook=par_codebook({"Q2a": "S2", "Q2b": "S2"})).iloc[0]
    assert row["n"] == 2
    assert row["points"] == pytest.approx(float(F(11, 5)))


def test_a_subcriterion_without_valid_answers_has_no_points_and_says_so():
    answers = pd.DataFrame({"group": ["a", "b"], "Q1": ["E", None]})
    methodology = par_methodology({"F1": [subcriterion("S1", 2), subcriterion("S9", 1)]})
    table = par_survey_points(answers, methodology, codebook=par_codebook({"Q1": "S1"})).set_index("subcriterion")
    assert math.isnan(table.loc["S1", "points"]) and table.loc["S1", "status"] == "no valid answer"
    assert table.loc["S1", "n"] == 0
    assert table.loc["S9", "status"] == "not asked in this questionnaire"


def test_points_per_unit_use_only_that_units_respondents():
    answers = pd.DataFrame({"unit": ["U1", "U1", "U2"], "group": ["a", "b", "a"], "Q1": ["A", "C", "B"]})
    methodology = par_methodology({"F1": [subcriterion("S1", 2)]})
    table = par_survey_points(answers, methodology, codebook=par_codebook({"Q1": "S1"}), by="unit").set_index("unit")
    assert table.loc["U1", "points"] == pytest.approx(float(F(6, 5)))  # (2 x 1 + 2 x 0.2) / 2
    assert table.loc["U2", "points"] == pytest.approx(float(F(6, 5)))  # 2 x 0.6, group b absent in U2
    assert table.loc["U2", "n_b"] == 0 and table.loc["U2", "status"] == "ok"


def test_a_categorical_unit_column_gives_one_row_per_unit_that_answered():
    answers = pd.DataFrame({"unit": pd.Categorical(["U1", "U1"], categories=["U1", "U9"]), "group": ["a", "b"],
                            "Q1": ["A", "C"]})
    methodology = par_methodology({"F1": [subcriterion("S1", 2)]})
    points = par_survey_points(answers, methodology, codebook=par_codebook({"Q1": "S1"}), by="unit")
    assert list(points["unit"]) == ["U1"]
    assert list(par_field_points(points, methodology)["unit"]) == ["U1", "U1"]


def test_the_codebook_an_export_carries_is_used_without_passing_it_again():
    methodology = par_methodology({"F1": [subcriterion("S1", 2)]}, combine=Combine.POOLED)
    exported = apply_codebook(ANSWERS, par_codebook({"Q1": "S1"}))  # what read_export returns
    row = par_survey_points(exported, methodology).iloc[0]
    assert (row["n"], row["points"]) == (5, pytest.approx(float(F(18, 25))))


def test_a_codebook_passed_wins_over_the_one_the_frame_carries():
    methodology = par_methodology({"F1": [subcriterion("S1", 2)]}, combine=Combine.POOLED)
    exported = apply_codebook(ANSWERS, par_codebook({"Q1": "S1"}))
    row = par_survey_points(exported, methodology, codebook=par_codebook({"Q1": "S1"}).to_json()).iloc[0]
    assert row["points"] == pytest.approx(float(F(18, 25)))
    with pytest.raises(ScoringError, match="no scored variable"):
        par_survey_points(exported, methodology, codebook=par_codebook({}))


def test_without_a_codebook_given_or_carried_scoring_says_how_to_give_one():
    methodology = par_methodology({"F1": [subcriterion("S1", 2)]})
    with pytest.raises(ScoringError, match=r"carry no codebook.*pass codebook="):
        par_survey_points(ANSWERS, methodology)


def test_points_by_several_columns_have_one_row_per_combination_and_fields_follow():
    answers = pd.DataFrame({"unit": ["U1", "U1", "U2", "U2"], "year": [2025, 2026, 2026, 2026],
                            "group": ["a", "a", "a", "b"], "Q1": ["A", "C", "B", "D"]})
    methodology = par_methodology({"F1": [subcriterion("S1", 2)]}, combine=Combine.POOLED)
    points = par_survey_points(answers, methodology, codebook=par_codebook({"Q1": "S1"}), by=["unit", "year"])
    assert list(zip(points["unit"], points["year"], points["points"], strict=True)) == [
        ("U1", 2025, 2.0), ("U1", 2026, pytest.approx(0.4)), ("U2", 2026, pytest.approx(0.6))]
    fields = par_field_points(points, methodology).query("field == 'total'")
    assert list(zip(fields["unit"], fields["year"], strict=True)) == [("U1", 2025), ("U1", 2026), ("U2", 2026)]


def test_codes_typed_by_hand_and_missing_codes_still_in_the_frame_are_read_like_an_export():
    answers = pd.DataFrame({"group": ["a", "a", "a"], "Q1": ["A", "-99", "-97"]})
    methodology = par_methodology({"F1": [subcriterion("S1", 2)]})
    row = par_survey_points(answers, methodology, codebook=par_codebook({"Q1": "S1"}).to_json()).iloc[0]
    assert (row["n"], row["points"]) == (1, 2.0)


def test_refuses_a_subcriterion_whose_max_points_are_unknown():
    methodology = par_methodology({"F1": [subcriterion("S1", None)]})
    with pytest.raises(ScoringError, match="max points unknown.*S1"):
        par_survey_points(ANSWERS, methodology, codebook=par_codebook({"Q1": "S1"}))


def test_refuses_an_item_scored_for_a_criterion_the_methodology_does_not_survey():
    methodology = par_methodology({"F1": [subcriterion("S1", 2, source=SubcriterionSource.SELF_ASSESSMENT),
                                          subcriterion("S2", 1)]})
    with pytest.raises(ScoringError, match="Q1 is scored for S1, whose source is self_assessment"):
        par_survey_points(ANSWERS, methodology, codebook=par_codebook({"Q1": "S1"}))


def test_refuses_an_answer_code_the_codebook_does_not_know_naming_row_and_column():
    answers = ANSWERS.assign(Q1=["A", "B", "Z", "C", "D", "D"])
    methodology = par_methodology({"F1": [subcriterion("S1", 2)]})
    with pytest.raises(ScoringError, match="row 2, column Q1: 'Z'"):
        par_survey_points(answers, methodology, codebook=par_codebook({"Q1": "S1"}))


def test_refuses_a_codebook_that_scores_nothing():
    methodology = par_methodology({"F1": [subcriterion("S1", 2)]})
    with pytest.raises(ScoringError, match="no scored variable with a criterion"):
        par_survey_points(ANSWERS, methodology, codebook=par_codebook({}))


def test_refuses_responses_without_the_group_column():
    methodology = par_methodology({"F1": [subcriterion("S1", 2)]})
    with pytest.raises(ScoringError, match="'respondent_group' is not in the responses"):
        par_survey_points(ANSWERS, methodology, codebook=par_codebook({"Q1": "S1"}), group_col="respondent_group")


# Fields for the missing policies: F1 = S1 (max 2, 13/15 points by group mean) + S2 (max 1, no valid answer);
# F2 = S3 (max 3, every answer A: 3 points). Index total 10 points.
def _fields(policy: MissingPolicy) -> pd.DataFrame:
    answers = ANSWERS.assign(Q2=["E"] * 6, Q3=["A"] * 6)
    methodology = par_methodology({"F1": [subcriterion("S1", 2), subcriterion("S2", 1)],
                                   "F2": [subcriterion("S3", 3)]}, missing_policy=policy)
    points = par_survey_points(answers, methodology, codebook=par_codebook({"Q1": "S1", "Q2": "S2", "Q3": "S3"}))
    return par_field_points(points, methodology).set_index("field")


def test_null_policy_leaves_a_field_with_an_unanswered_subcriterion_without_points_and_flags_it():
    fields = _fields(MissingPolicy.NULL)
    assert math.isnan(fields.loc["F1", "points"]) and "S2" in fields.loc["F1", "status"]
    assert fields.loc["F2", "points"] == 3 and fields.loc["F2", "status"] == "ok"
    assert math.isnan(fields.loc["total", "points"])


def test_zero_policy_counts_the_unanswered_subcriterion_as_zero():
    fields = _fields(MissingPolicy.ZERO)
    assert fields.loc["F1", "points"] == pytest.approx(float(F(13, 15)))
    assert fields.loc["total", "points"] == pytest.approx(float(F(13, 15) + 3))  # 58/15
    assert fields.loc["total", "index_percent"] == pytest.approx(float((F(13, 15) + 3) * 10))
    assert fields.loc["F1", "status"] == "counted as 0: S2"


def test_rescale_policy_renormalises_over_the_max_points_that_have_answers():
    fields = _fields(MissingPolicy.RESCALE)
    assert fields.loc["F1", "points"] == pytest.approx(float(F(13, 15) * F(3, 2)))  # 13/10
    assert fields.loc["total", "points"] == pytest.approx(float((F(13, 15) + 3) * F(6, 5)))  # 116/25
    assert (fields.loc["total", "max_points"], fields.loc["total", "answered_max_points"]) == (6, 5)


def test_a_policy_given_by_the_caller_overrides_the_methodology():
    answers = ANSWERS.assign(Q2=["E"] * 6)
    methodology = par_methodology({"F1": [subcriterion("S1", 2), subcriterion("S2", 1)]})
    points = par_survey_points(answers, methodology, codebook=par_codebook({"Q1": "S1", "Q2": "S2"}))
    fields = par_field_points(points, methodology, missing_policy="zero").set_index("field")
    assert fields.loc["F1", "points"] == pytest.approx(float(F(13, 15)))


def test_bundled_dept_leader_form_scores_full_marks_when_every_answer_is_the_best():
    questionnaire = next(q for q in bundled_questionnaires() if q.id == "par_f02_dept_leader")
    methodology = bundled_methodologies()["par_province_2021"]
    codebook = build_codebook(questionnaire)
    scored = [v.name for v in codebook.variables if v.scored and v.criterion]
    answers = pd.DataFrame({"group": ["dept_leader"] * 3, "unit": ["HP-SNV", "HP-SNV", "HP-STC"],
                            **{name: ["A"] * 3 for name in scored}})
    points = par_survey_points(answers, methodology, codebook=codebook, by="unit")
    asked = points[points["status"] != "not asked in this questionnaire"]
    assert len(asked) == 2 * len({v.criterion for v in codebook.variables if v.scored and v.criterion})
    assert (asked["points"] == asked["max_points"]).all()
    totals = par_field_points(points, methodology, missing_policy="rescale").set_index(["unit", "field"])
    survey_max = sum(s.max_points for s in methodology.subcriteria() if s.source is SubcriterionSource.SURVEY)
    assert totals.loc[("HP-SNV", "total"), "points"] == pytest.approx(survey_max)
    assert totals.loc[("HP-SNV", "total"), "provisional"]
