"""The record contract: what a stored answer becomes in an export, a data frame and the review page."""

from __future__ import annotations

import pytest

from questionnaires.codebook import build_codebook
from questionnaires.loader import load_directory
from questionnaires.model import Questionnaire
from questionnaires.record import (
    NOT_ANSWERED,
    NOT_APPLICABLE,
    label_text,
    record_value,
    record_values,
    value_text,
)
from tests.questionnaires.broken_copies import VALID


@pytest.fixture(scope="module")
def q() -> Questionnaire:
    (questionnaire,) = load_directory(VALID)
    return questionnaire


def test_a_whole_float_prints_as_an_integer_and_nothing_as_empty():
    assert [value_text(v) for v in (3.0, 2.5, 7, "04", None)] == ["3", "2.5", "7", "04", ""]


def test_not_applicable_and_not_answered_are_told_apart_numbers_for_numeric_variables(q):
    codebook = build_codebook(q)
    values = dict(zip(codebook.names, record_values(q, codebook, {"sex": "1", "Q1": "A", "Q2": ["web"]}),
                      strict=True))
    assert values["sex"] == "1" and values["Q1"] == "A"
    assert values["birth_year"] == -99 and values["position"] == NOT_ANSWERED  # integer vs text
    assert values["Q1_why"] == NOT_APPLICABLE  # asked only after a C or D
    assert values["Q2__web"] == 1 and values["Q2__press"] == 0


def test_the_codebook_json_gives_the_same_value_as_the_codebook_object(q):
    codebook = build_codebook(q)
    answers = {"Q2": ["press"], "birth_year": 1970}
    for variable, data in zip(codebook.variables, codebook.to_json()["variables"], strict=True):
        assert record_value(variable, answers) == record_value(data, answers)


def test_the_review_shows_option_labels_in_the_respondents_language(q):
    q2 = next(i for s in q.sections for i in s.items if i.id == "Q2")
    sex = next(i for s in q.sections for i in s.items if i.id == "sex")
    assert label_text(q2, ["web", "press"], "en") == "Web portal, Press"
    assert label_text(q2, ["press"], "vi") == "Báo chí"
    assert label_text(sex, None, "vi") == ""
    birth_year = next(i for s in q.sections for i in s.items if i.id == "birth_year")
    assert label_text(birth_year, 1970.0, "vi") == "1970"


def test_a_column_of_many_responses_holds_what_each_response_gives_alone(q):
    """The export reads a chunk of responses column by column (flags judged once per distinct answer,
    not-applicable rows set afterwards); every cell must be what the one-response rule gives."""
    from questionnaires.answers import apply_relevance
    from questionnaires.record import record_column_reader

    codebook = build_codebook(q)
    responses = [{"sex": "1", "Q1": "A", "Q2": ["web"]}, {"Q1": "C", "Q1_why": "slow", "Q2": ["web", "press"]},
                 {"Q2": []}, {"Q1": "D", "Q2": "web"}, {"Q2": ["press"], "birth_year": 1970.0}, {}]
    hidden = [apply_relevance(q, answers)[1] for answers in responses]
    for variable in codebook.variables:
        column = record_column_reader(variable)(responses, hidden)
        assert column == [record_value(variable, answers, hides) for answers, hides in
                          zip(responses, hidden, strict=True)], variable.name
