"""The codebook: what an analyst finds in an export (names, labels, value labels, weights, missing codes)."""

from __future__ import annotations

import json

import pytest

from questionnaires.codebook import Codebook, build_codebook
from questionnaires.loader import load_directory
from questionnaires.record import NOT_ANSWERED, NOT_APPLICABLE
from tests.questionnaires.broken_copies import VALID


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    (questionnaire,) = load_directory(VALID)
    return build_codebook(questionnaire)


def test_variables_follow_the_questionnaire_and_notes_have_none(codebook):
    assert codebook.names == ("sex", "birth_year", "years_in_post", "position", "survey_date", "Q1", "Q1_why",
                              "Q2__press", "Q2__web", "Q2__meeting", "Q3", "Q4_a", "Q4_b", "Q4_count", "consent")


def test_each_item_type_has_its_codebook_type(codebook):
    types = {v.name: v.type for v in codebook.variables}
    assert types == {"sex": "categorical", "birth_year": "integer", "years_in_post": "decimal", "position": "text",
                     "survey_date": "date", "Q1": "categorical", "Q1_why": "text", "Q2__press": "flag",
                     "Q2__web": "flag", "Q2__meeting": "flag", "Q3": "categorical", "Q4_a": "categorical",
                     "Q4_b": "categorical", "Q4_count": "integer", "consent": "categorical"}


def test_a_rating_carries_weights_and_its_dont_know_code_as_missing(codebook):
    q1 = codebook.variable("Q1")
    assert (q1.scale, q1.criterion, q1.section, q1.scored) == ("opt4_quality", "F1.C1.S1", "S1", True)
    assert [(v.code, v.weight, v.missing) for v in q1.values] == [
        ("A", 1.0, False), ("B", 0.6, False), ("C", 0.2, False), ("D", 0.0, False), ("E", None, True)]
    assert q1.missing_codes == ("E",)
    assert q1.values[0].label.get("vi") == "Rất tốt"


def test_matrix_rows_are_variables_with_their_own_criterion_and_a_joined_label(codebook):
    row = codebook.variable("Q4_b")
    assert (row.item, row.criterion) == ("Q4", "F3.C1.S2")
    assert row.label.get("en") == "Rate the publication of procedures: Timely"
    assert row.label.get("vi") == "Đánh giá việc công khai thủ tục hành chính: Đúng hạn"


def test_multiple_choice_options_become_zero_one_flags(codebook):
    flag = codebook.variable("Q2__web")
    assert (flag.item, flag.option) == ("Q2", "web")
    assert [v.code for v in flag.values] == ["0", "1"]
    assert flag.label.get("en") == "Where you hear about PAR: Web portal"


def test_the_json_has_the_contract_shape_and_round_trips(codebook):
    data = json.loads(json.dumps(codebook.to_json()))
    assert (data["questionnaire"], data["version"]) == ("demo_all_types", "2021.1")
    assert len(data["checksum"]) == 64
    assert data["system_missing"][NOT_APPLICABLE]["en"] == "Not applicable"
    assert data["system_missing"][NOT_ANSWERED]["vi"] == "Không trả lời"
    q1 = next(v for v in data["variables"] if v["name"] == "Q1")
    assert q1["values"][1] == {"code": "B", "label": {"vi": "Tốt", "en": "Good"}, "weight": 0.6, "missing": False}
    assert q1["missing_codes"] == ["E"]
    assert Codebook.from_json(data) == codebook


def test_system_missing_codes_are_the_contract_values():
    assert (NOT_APPLICABLE, NOT_ANSWERED) == ("-97", "-99")
