"""A questionnaire written in another language loads and previews, and is refused for publishing until translated."""

from __future__ import annotations

import pytest

from questionnaires.loader import questionnaire_from_dict
from questionnaires.problems import QuestionnaireError
from survey_app.services.errors import OperatorError
from survey_app.services.questionnaire_versions import publish_questionnaire


def _english_form(**extra) -> dict:
    return {"kind": "questionnaire", "id": "household", "version": "1", "default_language": "en",
            "title": {"en": "Household survey"},
            "sections": [{"id": "s1", "title": {"en": "Part 1"}, "items": [
                {"id": "q1", "type": "single_choice", "text": {"en": "Do you own a motorbike?"},
                 "options": [{"code": "1", "label": {"en": "Yes"}}, {"code": "2", "label": {"en": "No"}}]},
                {"id": "q2", "type": "text", "text": {"en": "Why?"},
                 "hint": {"en": "Explain", "vi": "Giải thích"}}]}], **extra}


def test_a_form_in_english_loads_and_reads_in_its_own_language():
    questionnaire = questionnaire_from_dict(_english_form())
    assert questionnaire.default_language == "en"
    assert questionnaire.item("q1").text.get("vi") == "Do you own a motorbike?"  # nothing else to show yet
    assert questionnaire.item("q2").hint.get("fr") == "Giải thích"  # partly translated: Vietnamese first


def test_every_text_needs_the_default_language():
    form = _english_form()
    form["sections"][0]["items"][1]["text"] = {"vi": "Vì sao?"}
    with pytest.raises(QuestionnaireError) as caught:
        questionnaire_from_dict(form)
    assert [(p.path, p.message) for p in caught.value.problems] == [
        ("sections[0].items[1].text.en", "missing text in the default language (en)")]


def test_without_a_default_language_vietnamese_is_still_required():
    form = _english_form()
    del form["default_language"]
    with pytest.raises(QuestionnaireError) as caught:
        questionnaire_from_dict(form)
    assert caught.value.problems[0].message == "missing Vietnamese text (vi)"


def test_publishing_an_untranslated_questionnaire_is_refused_with_the_texts_to_translate(ctx):
    with pytest.raises(OperatorError) as caught:
        publish_questionnaire(questionnaire_from_dict(_english_form()))
    assert str(caught.value) == ("household@1 cannot be published: texts without Vietnamese (vi) at title.vi, "
                                 "sections[0].title.vi, sections[0].items[0].text.vi and 3 more; translate them "
                                 "first")
