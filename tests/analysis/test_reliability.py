"""Cronbach's alpha against published values, item-total statistics, and scale scores from a codebook.

Reference values:
- pingouin's documentation of ``cronbach_alpha`` (https://pingouin-stats.org/generated/pingouin.cronbach_alpha.html)
  on ``cronbach_wide_missing`` (``data/reference/``): pairwise, as R ``psych::alpha(data,
  use="pairwise")``: 0.732660835214447, 95% CI [0.435, 0.909]; listwise, as ``use="complete.obs"``:
  0.8016949152542373 (its CI is taken with all 12 rows, see the listwise test below).
- R ``fmsb::CronbachAlpha`` documentation example: alpha = 0.929504.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.reliability import cronbach_alpha, item_total_statistics
from analysis.scales import item_scores, scale_items, scale_scores
from tests.reference_data import read_reference

FMSB = pd.DataFrame({
    "Q1": [1, 5, 2, 3, 4, 2, 3, 4, 3, 2],
    "Q2": [2, 4, 1, 2, 4, 1, 2, 5, 2, 1],
    "Q3": [2, 5, 1, 3, 3, 2, 2, 4, 2, 2],
})  # fmt: skip



@pytest.fixture(scope="module")
def wide_missing() -> pd.DataFrame:
    return read_reference("cronbach_wide_missing.csv")


def test_fmsb_example_gives_its_documented_alpha():
    assert cronbach_alpha(FMSB).alpha == pytest.approx(0.929504, abs=5e-7)


def test_pairwise_is_the_default_and_matches_pingouin_and_psych(wide_missing):
    result = cronbach_alpha(wide_missing)
    assert result.missing == "pairwise"
    assert result.alpha == pytest.approx(0.732660835214447, abs=1e-12)
    assert (round(result.ci_low, 3), round(result.ci_high, 3)) == (0.435, 0.909)
    assert (result.n, result.k) == (12, 11)


def test_listwise_alpha_matches_pingouin_with_an_interval_from_the_complete_cases(wide_missing):
    result = cronbach_alpha(wide_missing, missing="listwise")
    assert result.alpha == pytest.approx(0.8016949152542373, abs=1e-12)
    assert result.n == len(wide_missing.dropna()) == 9
    # pingouin's [0.581, 0.933] uses n = 12 although only 9 rows enter the alpha; fewer rows, wider interval.
    assert result.ci_low < 0.581 and result.ci_high > 0.933
    assert result.ci_low < result.alpha < result.ci_high


def test_a_wider_confidence_gives_a_wider_interval():
    narrow, wide = cronbach_alpha(FMSB, confidence=0.90), cronbach_alpha(FMSB, confidence=0.99)
    assert wide.ci_low < narrow.ci_low < narrow.ci_high < wide.ci_high


def test_item_rest_correlation_is_the_correlation_with_the_sum_of_the_other_items():
    table = item_total_statistics(FMSB)
    for item in FMSB.columns:
        rest = FMSB.drop(columns=item).sum(axis=1)
        assert table.at[item, "item_rest_r"] == pytest.approx(np.corrcoef(FMSB[item], rest)[0, 1])


def test_alpha_if_dropped_is_the_alpha_of_the_remaining_items():
    table = item_total_statistics(FMSB)
    for item in FMSB.columns:
        assert table.at[item, "alpha_if_dropped"] == pytest.approx(cronbach_alpha(FMSB.drop(columns=item)).alpha)
    assert list(table.columns) == ["n", "mean", "sd", "item_rest_r", "alpha_if_dropped"]
    assert table.at["Q1", "mean"] == pytest.approx(2.9)


def test_item_total_statistics_count_answers_per_item_under_pairwise_handling(wide_missing):
    table = item_total_statistics(wide_missing)
    assert table.at["Q1", "n"] == 11 and table.at["Q2", "n"] == 12


def test_a_reversed_item_lowers_alpha_until_it_is_reverse_coded():
    data = FMSB.assign(Q3=6 - FMSB["Q3"])
    assert cronbach_alpha(data).alpha < 0.5
    fixed = item_scores(data, ["Q1", "Q2", "Q3"], reverse=["Q3"], scale_min=1, scale_max=5)
    assert cronbach_alpha(fixed).alpha == pytest.approx(0.929504, abs=5e-7)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"data": FMSB[["Q1"]]}, "at least two items"),
        ({"data": FMSB, "items": ["Q1", "Q9"]}, "['Q9'] are not columns"),
        ({"data": FMSB.assign(Q1="a")}, "['Q1'] are not numeric"),
        ({"data": FMSB, "missing": "mean"}, "'pairwise' or 'listwise'"),
        ({"data": pd.DataFrame({"a": [1.0, 1.0], "b": [2.0, 2.0]})}, "no variance"),
        ({"data": pd.DataFrame({"a": [1.0, np.nan, 2.0], "b": [np.nan, 3.0, np.nan]})}, "answered both items"),
    ],
)
def test_alpha_refuses_what_it_cannot_compute_with_a_reason(kwargs, message):
    with pytest.raises(ValueError) as excinfo:
        cronbach_alpha(**kwargs)
    assert message in str(excinfo.value)


CODEBOOK = {
    "questionnaire": "demo", "version": "1", "checksum": "",
    "variables": [
        {"name": "Q1", "item": "Q1", "type": "categorical", "scale": "opt4_quality", "missing_codes": ["E"],
         "values": [{"code": "A", "weight": 1.0}, {"code": "B", "weight": 0.6}, {"code": "C", "weight": 0.2},
                    {"code": "D", "weight": 0.0}, {"code": "E", "weight": None, "missing": True}]},
        {"name": "Q2", "item": "Q2", "type": "categorical", "scale": "likert4", "missing_codes": [],
         "values": [{"code": "1", "weight": 0.0}, {"code": "2", "weight": 1 / 3}, {"code": "3", "weight": 2 / 3},
                    {"code": "4", "weight": 1.0}]},
        {"name": "Q3", "item": "Q3", "type": "categorical", "scale": "unweighted", "missing_codes": [],
         "values": [{"code": "x"}, {"code": "y"}, {"code": "z"}, {"code": "w"}]},
    ],
}  # fmt: skip


def test_codebook_scores_options_by_weight_so_a_best_first_scale_runs_the_right_way():
    answers = pd.DataFrame({"Q1": ["A", "D", "E", "-97"], "Q2": ["4", "1", "2", "3"], "Q3": ["x", "w", "y", None]})
    scores = item_scores(answers, ["Q1", "Q2", "Q3"], codebook=CODEBOOK)
    assert scores["Q1"].tolist()[:2] == [4.0, 1.0]  # A ("very good", weight 1.0) is the top score
    assert scores["Q1"].isna().tolist() == [False, False, True, True]  # "don't know" and not-applicable
    assert scores["Q2"].tolist() == [4.0, 1.0, 2.0, 3.0]
    assert scores["Q3"].tolist()[:3] == [1.0, 4.0, 2.0]  # no weights: codebook order


def test_codebook_codes_read_as_numbers_still_find_their_options():
    scores = item_scores(pd.DataFrame({"Q2": [4.0, 1.0, np.nan]}), ["Q2"], codebook=CODEBOOK)
    assert scores["Q2"].tolist()[:2] == [4.0, 1.0] and np.isnan(scores["Q2"].iloc[2])


def test_reverse_with_a_codebook_uses_the_codebook_range():
    scores = item_scores(pd.DataFrame({"Q2": ["4", "1"]}), ["Q2"], reverse=["Q2"], codebook=CODEBOOK)
    assert scores["Q2"].tolist() == [1.0, 4.0]


def test_scale_score_is_the_mean_and_needs_every_item_by_default():
    answers = pd.DataFrame({"a": [1, 5, 2], "b": [3, 5, np.nan], "c": [5, 5, 4]})
    assert scale_scores(answers, ["a", "b", "c"]).tolist()[:2] == [3.0, 5.0]
    assert np.isnan(scale_scores(answers, ["a", "b", "c"]).iloc[2])


def test_min_valid_scores_partly_answered_scales_and_sum_is_prorated():
    answers = pd.DataFrame({"a": [1, 2, np.nan], "b": [3, np.nan, np.nan], "c": [5, 4, 4]})
    means = scale_scores(answers, ["a", "b", "c"], min_valid=2)
    assert means.tolist()[:2] == [3.0, 3.0] and np.isnan(means.iloc[2])
    assert scale_scores(answers, ["a", "b", "c"], min_valid=2, method="sum").tolist()[:2] == [9.0, 9.0]


def test_reverse_coded_items_are_flipped_within_the_given_range():
    answers = pd.DataFrame({"a": [1, 5], "b": [5, 1]})
    assert scale_scores(answers, ["a", "b"], reverse=["b"], scale_min=1, scale_max=5).tolist() == [1.0, 5.0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"items": ["a"], "reverse": ["a"]}, "give scale_min and scale_max"),
        ({"items": ["a"], "reverse": ["b"]}, "reverse items ['b'] are not among"),
        ({"items": ["a"], "min_valid": 2}, "min_valid must be between 1 and the number of items (1)"),
        ({"items": ["a"], "method": "median"}, "'mean' or 'sum'"),
        ({"items": ["t"]}, "non-numeric codes ['A', 'B']; pass codebook="),
        ({"items": ["Q1"], "codebook": CODEBOOK}, "holds codes ['Z']"),
        ({"items": ["a"], "codebook": CODEBOOK}, "'a' has no coded values in the codebook"),
    ],
)
def test_scale_scores_explain_what_is_wrong(kwargs, message):
    answers = pd.DataFrame({"a": [1, 2], "b": [2, 3], "t": ["A", "B"], "Q1": ["A", "Z"]})
    with pytest.raises(ValueError) as excinfo:
        scale_scores(answers, **kwargs)
    assert message in str(excinfo.value)


def test_scale_items_picks_a_scales_variables_from_the_codebook():
    assert scale_items(CODEBOOK, scale="opt4_quality") == ["Q1"]
    with pytest.raises(ValueError, match="no codebook variable matches scale='nope'"):
        scale_items(CODEBOOK, scale="nope")


def test_a_sipas_matrix_scores_and_reports_its_reliability_straight_from_its_codebook():
    from questionnaires.codebook import build_codebook
    from questionnaires.loader import bundled_questionnaires

    sipas = next(q for q in bundled_questionnaires() if q.id.startswith("sipas"))
    codebook = build_codebook(sipas)
    items = scale_items(codebook, item=codebook.variable("D_A1").item)
    assert "D_A1" in items and len(items) > 1
    rng = np.random.default_rng(7)
    level = rng.integers(1, 6, size=40)
    answers = pd.DataFrame({i: np.clip(level + rng.integers(-1, 2, size=40), 1, 5).astype(str) for i in items})
    answers.iloc[0, 0] = "9"  # "don't know": missing, not a score of 9
    scores = item_scores(answers, items, codebook=codebook)
    assert np.isnan(scores.iloc[0, 0]) and scores.max().max() == 5
    assert cronbach_alpha(scores).alpha > 0.8  # items that share one underlying level agree
