"""The one form generator: every question type is registered, rendered accessibly and filled in from answers."""

from __future__ import annotations

import pytest
from flask import render_template_string
from werkzeug.datastructures import MultiDict

from questionnaires.loader import questionnaire_from_dict
from questionnaires.model import ItemType
from survey_app.respondent.forms import (
    QUESTION_TYPES,
    formdata_from_answers,
    new_page_form,
    posted_answers,
    questions,
    section_form_class,
)
from tests.survey_app.respondent_support import FLOW_QUESTIONNAIRE

RENDER = """{% import "respondent/widgets.html" as widgets %}{% for q in questions %}<div id="q-{{ q.item.id }}">
{{ widgets[q.widget](q, problems, warnings, False) }}</div>{% endfor %}"""


@pytest.fixture
def questionnaire():
    return questionnaire_from_dict(FLOW_QUESTIONNAIRE, fallback_to_bundled=False)


def rendered(app, questionnaire, section_index: int, answers=None, language="vi", problems=None) -> str:
    section = questionnaire.sections[section_index]
    with app.test_request_context("/"):
        form = new_page_form(questionnaire, section, language, formdata_from_answers(section, answers or {}))
        return render_template_string(RENDER, questions=questions(form, section, language),
                                      problems=problems or {}, warnings={})


def test_every_question_type_has_a_field_factory_and_a_widget(app):
    assert set(QUESTION_TYPES) == set(ItemType)
    with app.app_context():
        widgets = app.jinja_env.get_template("respondent/widgets.html").module
        assert all(callable(getattr(widgets, kind.widget, None)) for kind in QUESTION_TYPES.values())


def test_a_page_form_has_one_field_per_answer_variable_and_matrix_rows_are_fields(app, questionnaire):
    with app.test_request_context("/"):
        form = section_form_class(questionnaire, questionnaire.sections[1], "vi")()
        assert {"Q4_a", "Q4_b", "Q5"} <= {f.name for f in form}


def test_the_form_class_is_built_once_per_version_section_and_language(questionnaire):
    section = questionnaire.sections[0]
    assert section_form_class(questionnaire, section, "vi") is section_form_class(questionnaire, section, "vi")
    assert section_form_class(questionnaire, section, "vi") is not section_form_class(questionnaire, section, "en")


def test_a_choice_question_is_a_fieldset_with_its_text_as_legend_and_labelled_options(app, questionnaire):
    html = rendered(app, questionnaire, 0, {"Q1": "2"})
    assert "<legend><span class=\"question-text\">Anh/chị có dùng dịch vụ công không?</span>" in html
    assert '<label class="choice" for="Q1-1"><input id="Q1-1" name="Q1" type="radio" value="2" checked>' in html


def test_multiple_choice_checks_every_stored_code(app, questionnaire):
    html = rendered(app, questionnaire, 0, {"Q3": ["A", "E"]})
    assert 'id="Q3-0" name="Q3" type="checkbox" value="A" checked>' in html
    assert 'id="Q3-1" name="Q3" type="checkbox" value="B">' in html
    assert 'id="Q3-2" name="Q3" type="checkbox" value="E" checked>' in html


def test_a_matrix_is_a_table_with_column_and_row_headers_in_the_chosen_language(app, questionnaire):
    html = rendered(app, questionnaire, 1, {"Q4_b": "B"}, language="en")
    assert '<th scope="col">Very good</th>' in html
    assert '<th scope="row" id="Q4_a-label">Attitude' in html
    assert 'id="Q4_b-1" name="Q4_b" type="radio" value="B" checked>' in html
    assert 'id="Q4_a-1" name="Q4_a" type="radio" value="B">' in html


def test_numbers_dates_and_texts_are_labelled_inputs_with_their_stored_values(app, questionnaire):
    html = rendered(app, questionnaire, 2, {"Q6": "Sở", "Q8": 7.0, "Q9": "2026-05-01", "Q7": "Tốt"})
    assert '<label for="Q6" class="question-label">' in html and 'maxlength="20"' in html
    assert 'inputmode="decimal"' in html and 'value="7"' in html
    assert 'type="date"' in html and 'value="2026-05-01"' in html
    assert '<textarea' in html and "Tốt</textarea>" in html


def test_a_problem_is_shown_beside_its_field_and_marks_it_invalid(app, questionnaire):
    html = rendered(app, questionnaire, 2, problems={"Q8": ["Vui lòng nhập một số."]})
    assert '<p class="error-message" id="Q8-error">Vui lòng nhập một số.</p>' in html
    assert 'aria-describedby="Q8-error" aria-invalid="true"' in html


def test_a_note_renders_its_text_and_has_no_field(app, questionnaire):
    html = rendered(app, questionnaire, 0)
    assert "Phần này hỏi về dịch vụ." in html
    assert 'name="N1"' not in html


def test_posted_answers_leave_out_the_control_fields():
    posted = MultiDict([("Q3", "A"), ("Q3", "B"), ("csrf_token", "t"), ("action", "next"), ("soft_ack", "1")])
    assert posted_answers(posted) == {"Q3": ["A", "B"]}
