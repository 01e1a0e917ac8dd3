"""Relevance and page checks: what a respondent sees as accepted, refused or warned about."""

from __future__ import annotations

import pytest

from questionnaires.answers import apply_relevance, check_page, is_relevant
from questionnaires.loader import load_directory
from questionnaires.model import Questionnaire, Text
from tests.questionnaires.broken_copies import VALID

BORN = {"sex": "1", "birth_year": 1970}


@pytest.fixture(scope="module")
def q() -> Questionnaire:
    (questionnaire,) = load_directory(VALID)
    return questionnaire


def page(q, section_id, form, answers=None, soft=False):
    section = next(s for s in q.sections if s.id == section_id)
    return check_page(q, section, form, answers or {}, soft_acknowledged=soft)


def kinds(result):
    return [(p.variable, p.kind) for p in result.errors]


def test_every_type_is_coerced_from_the_posted_strings(q):
    s0 = page(q, "S0", {"sex": ["2"], "birth_year": [" 1975 "], "years_in_post": ["12,5"],
                        "position": ["  Phó giám đốc "], "survey_date": ["2021-09-30"]})
    assert s0.errors == [] and s0.warnings == []
    assert s0.values == {"sex": "2", "birth_year": 1975, "years_in_post": 12.5, "position": "Phó giám đốc",
                         "survey_date": "2021-09-30"}
    s1 = page(q, "S1", {"Q1": ["A"], "Q2": ["web", "press", "web"]})
    assert s1.values == {"Q1": "A", "Q2": ["press", "web"]}  # option order, no repeats
    s2 = page(q, "S2", {"Q3": ["1"], "Q4_a": ["A"], "Q4_b": ["E"]}, BORN)
    assert s2.values == {"Q3": "1", "Q4_a": "A", "Q4_b": "E"} and s2.errors == []
    s3 = page(q, "S3", {"consent": ["OK"], "Q4_count": ["99"]}, {**BORN, **s2.values})
    # a calculation is computed from the answers, never taken from the post; acknowledge stores "OK"
    assert s3.values == {"Q4_count": 1, "consent": "OK"} and s3.errors == []


@pytest.mark.parametrize(
    ("field", "posted", "kind"),
    [
        ("sex", "3", "not_an_option"),
        ("birth_year", "1975.5", "not_an_integer"),
        ("birth_year", "nineteen", "not_an_integer"),
        ("years_in_post", "many", "not_a_number"),
        ("years_in_post", "inf", "not_a_number"),
        ("survey_date", "30/09/2021", "not_a_date"),
        ("survey_date", "2021-02-30", "not_a_date"),
        ("birth_year", "1939", "below_min"),
        ("birth_year", "2009", "above_max"),
        ("survey_date", "2020-12-31", "below_min"),
        ("survey_date", "2022-07-01", "above_max"),
        ("position", "x" * 121, "too_long"),
    ],
)
def test_a_value_that_cannot_be_accepted_is_an_error(q, field, posted, kind):
    result = page(q, "S0", {"sex": ["1"], field: [posted]})
    assert kinds(result) == [(field, kind)]


def test_bounds_and_length_come_with_their_limits(q):
    (low,) = page(q, "S0", {"sex": ["1"], "birth_year": ["1900"]}).errors
    assert low.params == {"min": 1940, "value": 1900}
    (long,) = page(q, "S0", {"sex": ["1"], "position": ["x" * 121]}).errors
    assert long.params["max_length"] == 120


def test_a_required_question_left_empty_is_an_error(q):
    assert kinds(page(q, "S0", {"sex": [""], "birth_year": ["1970"]})) == [("sex", "required")]


def test_a_soft_required_question_warns_once_then_lets_the_respondent_go_on(q):
    first = page(q, "S0", {"sex": ["1"]})
    assert first.errors == [] and [(w.variable, w.kind) for w in first.warnings] == [("birth_year", "soft_required")]
    again = page(q, "S0", {"sex": ["1"]}, soft=True)
    assert again.errors == [] and again.warnings == []
    assert again.values["birth_year"] is None


def test_a_constraint_on_the_current_answer_uses_the_other_answers(q):
    fine = page(q, "S0", {"sex": ["1"], "birth_year": ["1970"], "years_in_post": ["30"]})
    assert fine.errors == []
    (problem,) = page(q, "S0", {"sex": ["1"], "birth_year": ["1990"], "years_in_post": ["30"]}).errors
    assert problem.kind == "constraint" and problem.variable == "years_in_post"
    assert problem.params["message"].get("en") == "Too many years for your age."
    assert isinstance(problem.params["message"], Text)


def test_a_multiple_choice_constraint_counts_the_selected_codes(q):
    assert kinds(page(q, "S1", {"Q1": ["A"], "Q2": ["press", "web", "meeting"]})) == [("Q2", "constraint")]
    assert kinds(page(q, "S1", {"Q1": ["A"], "Q2": ["press", "radio"]})) == [("Q2", "not_an_option")]
    assert kinds(page(q, "S1", {"Q1": ["A"]})) == [("Q2", "required")]


def test_a_single_choice_with_two_values_is_refused(q):
    assert kinds(page(q, "S1", {"Q1": ["A", "B"], "Q2": ["web"]})) == [("Q1", "not_an_option")]


def test_a_field_that_is_not_on_the_page_is_reported(q):
    result = page(q, "S1", {"Q1": ["A"], "Q2": ["web"], "Q3": ["1"]})
    assert kinds(result) == [("Q3", "unknown_field")]


def test_a_question_hidden_by_an_answer_on_the_same_page_is_dropped(q):
    hidden = page(q, "S1", {"Q1": ["A"], "Q1_why": ["old text"], "Q2": ["web"]})
    assert "Q1_why" not in hidden.values and hidden.errors == []
    shown = page(q, "S1", {"Q1": ["D"], "Q1_why": ["Chậm triển khai"], "Q2": ["web"]})
    assert shown.values["Q1_why"] == "Chậm triển khai"


def test_errors_of_a_hidden_question_are_not_reported(q):
    result = page(q, "S2", {"Q3": ["2"], "Q4_a": ["Z"]}, BORN)
    assert result.errors == [] and result.values == {"Q3": "2"}


def test_matrix_rows_are_checked_one_by_one(q):
    result = page(q, "S2", {"Q3": ["1"], "Q4_a": ["Z"]}, BORN)
    assert kinds(result) == [("Q4_a", "not_an_option")]
    assert [(w.variable, w.kind) for w in result.warnings] == [("Q4_b", "soft_required")]


def test_a_section_is_relevant_only_when_its_expression_holds(q):
    s2 = q.sections[2]
    assert not is_relevant(q, s2, {})
    assert is_relevant(q, s2, {"sex": "2"})
    assert not is_relevant(q, q.item("Q3"), {})  # its section does not apply


def test_an_item_is_not_relevant_when_what_it_refers_to_is_not(q):
    # Q4 depends on Q3, which sits in S2; without S2, a stale Q3 = '1' must not show Q4.
    assert not is_relevant(q, q.item("Q4"), {"Q3": "1"})
    assert is_relevant(q, q.item("Q4"), {"Q3": "1", "sex": "1"})


def test_apply_relevance_removes_values_of_questions_that_no_longer_apply(q):
    answers = {"sex": "1", "Q1": "A", "Q1_why": "stale", "Q3": "2", "Q4_a": "A", "Q4_b": "B"}
    kept, not_applicable = apply_relevance(q, answers)
    assert kept == {"sex": "1", "Q1": "A", "Q3": "2"}
    assert not_applicable == frozenset({"Q1_why", "Q4_a", "Q4_b"})
