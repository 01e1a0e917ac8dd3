"""The route through a questionnaire: pages that apply, where a returning respondent lands, progress, partial."""

from __future__ import annotations

import pytest

from questionnaires.loader import load_directory
from questionnaires.model import Questionnaire
from questionnaires.route import Route, first_incomplete_section, is_partial, resume_page, unanswered_required
from tests.questionnaires.broken_copies import VALID

# Pages: 1 = S0 (sex required, birth_year soft, three optional), 2 = S1 (Q1, Q2 required; Q1_why if Q1 is C/D),
# 3 = S2 (only when sex is answered: Q3 optional, matrix Q4 if Q3 = 1), 4 = S3 (a calculation and a consent box).
PAGE_1 = {"sex": "1", "birth_year": 1970, "years_in_post": 3.5, "position": "Chuyên viên", "survey_date": "2021-09-30"}
PAGE_2 = {"Q1": "A", "Q2": ["web"]}
CONSENT = {"consent": "OK"}  # the calculation beside it is never the respondent's to give


@pytest.fixture(scope="module")
def q() -> Questionnaire:
    (questionnaire,) = load_directory(VALID)
    return questionnaire


def test_a_page_whose_condition_fails_is_not_on_the_route(q):
    assert Route.of(q, {}).numbers == (1, 2, 4)
    route = Route.of(q, {"sex": "1"})
    assert route.numbers == (1, 2, 3, 4)
    assert (route.previous(1), route.next(1), route.next(4), route.last()) == (None, 2, None, 4)
    assert route.progress(2).position == 2 and route.progress(2).total == 4


def test_resume_lands_on_a_page_with_unanswered_optional_questions_before_a_later_required_gap(q):
    # issue 12: "resumed on page 5 with 9 items of page 4 empty": page 1 is half answered, page 2 untouched
    assert resume_page(q, {"sex": "1"}) == 1


def test_resume_skips_pages_fully_answered_and_pages_that_do_not_apply(q):
    assert resume_page(q, PAGE_1) == 2
    assert resume_page(q, PAGE_1 | PAGE_2) == 3
    assert resume_page(q, PAGE_1 | PAGE_2 | {"Q3": "2"}) == 4  # Q4 does not apply; the consent is still open
    assert resume_page(q, PAGE_1 | PAGE_2 | {"Q3": "2"} | CONSENT) is None  # the calculation waits for nobody


def test_an_answer_to_a_question_that_no_longer_applies_does_not_count(q):
    # Q1_why applies only for C/D: a stale reason left over from an earlier Q1 is ignored, and the page resumes
    # where the reason is now asked
    assert resume_page(q, PAGE_1 | PAGE_2 | {"Q1": "C", "Q3": "2"}) == 2
    assert resume_page(q, PAGE_1 | PAGE_2 | {"Q1": "C", "Q1_why": "vì", "Q3": "2"} | CONSENT) is None


def test_first_incomplete_section_points_to_a_missing_required_answer(q):
    assert first_incomplete_section(q, {}).id == "S0"
    assert first_incomplete_section(q, {"sex": "1"}).id == "S1"
    assert first_incomplete_section(q, {"sex": "1", "Q1": "E", "Q2": ["web"]}) is None
    assert [(n, item.id) for n, item in unanswered_required(q, {"sex": "1"})] == [(2, "Q1"), (2, "Q2")]


def test_a_draft_is_partial_when_at_least_half_of_what_applies_is_answered(q):
    assert not is_partial(q, {"sex": "1"})
    assert is_partial(q, PAGE_1 | PAGE_2)
