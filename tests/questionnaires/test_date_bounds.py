"""Date bounds relative to the day of answering ("not after today"): format, validator, server engine.

The browser engine runs the same ``date_bounds`` cases of the shared table (tests/js/run_expression_cases.js).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from questionnaires import date_bounds
from questionnaires.answers import check_page
from questionnaires.loader import questionnaire_from_dict
from questionnaires.problems import QuestionnaireError

TABLE = json.loads((Path(__file__).resolve().parents[1] / "data" / "expression_cases.json").read_text("utf-8"))


@pytest.mark.parametrize("case", TABLE["date_bounds"], ids=lambda c: f"{c['bound']!r}@{c['today']}")
def test_shared_date_bound_case(case):
    assert date_bounds.resolve(case["bound"], date.fromisoformat(case["today"])) == case["expected"]


def test_the_day_of_answering_is_the_day_in_vietnam():
    assert date_bounds.answering_day(datetime(2026, 11, 29, 17, 30, tzinfo=UTC)) == date(2026, 11, 30)
    assert date_bounds.answering_day(datetime(2026, 11, 29, 16, 59, tzinfo=UTC)) == date(2026, 11, 29)


def _form(**bounds) -> dict:
    item = {"id": "visit", "type": "date", "text": {"vi": "Ngày ông/bà đến", "en": "Day of your visit"}, **bounds}
    return {"kind": "questionnaire", "id": "visit_form", "version": "1", "title": {"vi": "Khảo sát"},
            "sections": [{"id": "s1", "title": {"vi": "Phần 1"}, "items": [item]}]}


def _problems(**bounds) -> list[str]:
    with pytest.raises(QuestionnaireError) as caught:
        questionnaire_from_dict(_form(**bounds))
    return [p.message for p in caught.value.problems]


def _check(value: str, today: date, **bounds):
    questionnaire = questionnaire_from_dict(_form(**bounds))
    section = questionnaire.sections[0]
    return check_page(questionnaire, section, {"visit": [value]}, {}, today=today)


def test_not_after_today_refuses_tomorrow_and_names_the_day():
    result = _check("2026-11-30", date(2026, 11, 29), max="today")
    [error] = result.errors
    assert (error.kind, error.params["max"]) == ("above_max", "2026-11-29")
    assert _check("2026-11-29", date(2026, 11, 29), max="today").errors == []


def test_the_same_answer_is_judged_on_the_day_it_is_given():
    assert _check("2026-12-05", date(2026, 12, 5), max="today").errors == []
    assert _check("2026-12-05", date(2026, 12, 4), max="today").errors != []


def test_a_window_of_the_last_year():
    today = date(2026, 11, 29)
    assert [e.kind for e in _check("2025-11-28", today, min="today - 365", max="today").errors] == ["below_min"]
    assert _check("2025-11-29", today, min="today - 365", max="today").errors == []


def test_a_fixed_date_and_a_relative_bound_mix():
    assert _check("2019-12-31", date(2026, 1, 1), min="2020-01-01", max="today").errors[0].kind == "below_min"


def test_validator_refuses_a_bound_that_is_neither_a_date_nor_today():
    [message] = _problems(max="yesterday")
    assert "'max' must be an ISO date YYYY-MM-DD or a day relative to the day of answering" in message
    assert "got 'yesterday'" in message


def test_validator_refuses_relative_bounds_the_wrong_way_round():
    [message] = _problems(min="today", max="today - 7")
    assert message == "min (today) is greater than max (today - 7)"


def test_relative_bounds_on_a_number_are_refused():
    form = _form()
    form["sections"][0]["items"][0].update(type="integer", max="today")
    with pytest.raises(QuestionnaireError) as caught:
        questionnaire_from_dict(form)
    assert any("'max' of an integer item must be a number" in p.message for p in caught.value.problems)


def test_the_page_shows_the_bound_resolved_on_the_day_it_is_shown(app, monkeypatch):
    from flask import render_template_string

    from survey_app.respondent.forms import formdata_from_answers, new_page_form, questions

    questionnaire = questionnaire_from_dict(_form(min="today - 30", max="today"))
    section = questionnaire.sections[0]
    render = ('{% import "respondent/widgets.html" as widgets %}{% for q in questions %}'
              "{{ widgets[q.widget](q, {}, {}, False) }}{% endfor %}")

    def page_on(day: date) -> str:
        monkeypatch.setattr(date_bounds, "answering_day", lambda now=None: day)
        with app.test_request_context("/"):
            form = new_page_form(questionnaire, section, "vi", formdata_from_answers(section, {}))
            return render_template_string(render, questions=questions(form, section, "vi"))

    first = page_on(date(2026, 11, 29))
    assert 'max="2026-11-29"' in first and 'min="2026-10-30"' in first
    assert 'data-max="today"' in first  # survey.js keeps a page left open overnight up to date
    assert 'max="2026-11-30"' in page_on(date(2026, 11, 30))  # the cached form class is not stuck on a day
