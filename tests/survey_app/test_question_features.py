"""Question features of real forms, answered through the respondent pages: piping, calculate, or_other,
acknowledge, default, read_only and regex() constraints, down to the stored record and the export."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import select

from questionnaires.codebook import build_codebook
from questionnaires.loader import questionnaire_from_dict
from questionnaires.problems import QuestionnaireError
from survey_app.extensions import db
from survey_app.models import Draft
from tests.survey_app.respondent_support import csrf_token, location, make_closed_survey, post_page


def _t(vi: str, en: str | None = None) -> dict:
    return {"vi": vi, "en": en or vi}


OFFICES = [{"code": "one_stop", "label": _t("Bộ phận Một cửa", "One-stop desk")},
           {"code": "police", "label": _t("Công an xã", "Commune police")}]
FEATURES = {
    "kind": "questionnaire", "id": "features", "version": "1", "respondent_groups": ["dept_leader"],
    "title": _t("Phiếu thử tính năng"),
    "sections": [
        {"id": "P1", "title": _t("Lần đến", "Your visit"), "items": [
            {"id": "consent", "type": "acknowledge", "required": True,
             "text": _t("Ông/Bà đồng ý tham gia khảo sát", "You agree to take part")},
            {"id": "office", "type": "single_choice", "or_other": True, "required": True, "options": OFFICES,
             "text": _t("Ông/Bà đến cơ quan nào?", "Which office did you visit?")},
            {"id": "visits", "type": "integer", "min": 1, "text": _t("Số lần đến", "Number of visits")},
            {"id": "visits_twice", "type": "calculate", "calculation": "${visits} * 2", "value_type": "integer",
             "text": _t("Hai lần số lần đến", "Twice the visits")},
            {"id": "country", "type": "text", "default": "Việt Nam", "read_only": True,
             "text": _t("Quốc gia", "Country")},
            {"id": "year", "type": "integer", "default": 2026, "text": _t("Năm", "Year")},
            {"id": "phone", "type": "text", "constraint": "regex(., '^0[0-9]{9}$')",
             "constraint_message": _t("Số điện thoại gồm 10 chữ số, bắt đầu bằng 0", "Ten digits starting with 0"),
             "text": _t("Số điện thoại", "Phone")},
            {"id": "chosen", "type": "note", "text": _t("Ông/Bà đã chọn: ${office}", "You chose: ${office}")},
        ]},
        {"id": "P2", "title": _t("Đánh giá ${office}", "Rating ${office}"), "items": [
            {"id": "rating", "type": "single_choice", "options": [{"code": "1", "label": _t("Tốt", "Good")},
                                                                   {"code": "2", "label": _t("Chưa tốt", "Poor")},
                                                                   {"code": "3", "label": _t("Chưa đến ${office}")}],
             "text": _t("Ông/Bà đánh giá ${office} thế nào?", "How do you rate ${office}?"),
             "hint": _t("Ông/Bà đã đến ${visits} lần (${visits_twice} lượt)", "You came ${visits} times")},
        ]},
    ],
}


@pytest.fixture
def code(app):
    with app.app_context():
        return make_closed_survey(FEATURES, count=1)[0]


def _draft_answers(app) -> dict:
    with app.app_context():
        return dict(db.session.scalar(select(Draft)).answers)


def test_first_page_shows_default_read_only_acknowledge_and_the_other_option(client, code):
    html = client.get(f"/s/{code}/p/1").get_data(as_text=True)
    assert 'value="Việt Nam"' in html and "readonly" in html.split('name="country"')[1].split(">")[0]
    assert 'name="year"' in html and 'value="2026"' in html
    assert 'type="checkbox"' in html.split('name="consent"')[0][-200:] + html.split('name="consent"')[1][:200]
    assert "Tôi đồng ý" in html
    assert 'value="other"' in html and "Khác" in html
    assert 'id="q-office_other"' in html and "Xin ghi rõ" in html


def test_a_phone_number_is_checked_by_its_pattern(client, code):
    page = post_page(client, f"/s/{code}/p/1", {"consent": "OK", "office": "police", "phone": "12345"})
    assert page.status_code == 400
    assert "Số điện thoại gồm 10 chữ số, bắt đầu bằng 0" in page.get_data(as_text=True)


def test_answers_calculations_and_the_specified_other_are_stored(app, client, code):
    response = post_page(client, f"/s/{code}/p/1", {
        "consent": "OK", "office": "other", "office_other": "Văn phòng đăng ký đất đai", "visits": "3",
        "visits_twice": "999", "country": "Lào", "year": "2025", "phone": "0912345678"})
    assert location(response).endswith("/p/2")
    assert _draft_answers(app) == {"consent": "OK", "office": "other", "office_other": "Văn phòng đăng ký đất đai",
                                   "visits": 3, "visits_twice": 6, "country": "Việt Nam", "year": 2025,
                                   "phone": "0912345678"}


def test_the_other_text_is_required_only_when_other_is_chosen(client, code):
    page = post_page(client, f"/s/{code}/p/1", {"consent": "OK", "office": "other"})
    assert page.status_code == 400 and 'id="office_other-error"' in page.get_data(as_text=True)
    assert location(post_page(client, f"/s/{code}/p/1", {"consent": "OK", "office": "police"})).endswith("/p/2")


def test_consent_must_be_ticked(client, code):
    page = post_page(client, f"/s/{code}/p/1", {"office": "police"})
    assert page.status_code == 400 and 'id="consent-error"' in page.get_data(as_text=True)


def test_the_next_page_pipes_earlier_answers_in_the_respondents_language(client, code):
    post_page(client, f"/s/{code}/p/1", {"consent": "OK", "office": "one_stop", "visits": "2"})
    html = client.get(f"/s/{code}/p/2").get_data(as_text=True)
    assert ('Ông/Bà đánh giá <span class="piped" data-pipe="office">Bộ phận Một cửa</span> thế nào?') in html
    assert 'Ông/Bà đã đến <span class="piped" data-pipe="visits">2</span> lần' in html
    assert 'data-pipe="visits_twice">4</span>' in html
    assert "Đánh giá Bộ phận Một cửa" in html  # the page title too
    assert "<span>Chưa đến Bộ phận Một cửa</span>" in html  # and an option label
    english = client.get(f"/s/{code}/p/2?lang=en").get_data(as_text=True)
    assert 'How do you rate <span class="piped" data-pipe="office">One-stop desk</span>?' in english


def test_piped_answers_are_escaped(client, code):
    post_page(client, f"/s/{code}/p/1", {"consent": "OK", "office": "other", "office_other": "x", "visits": "1"})
    html = client.get(f"/s/{code}/p/2").get_data(as_text=True)
    assert 'data-pipe="office">Khác</span>' in html


def test_the_review_page_pipes_too(client, code):
    post_page(client, f"/s/{code}/p/1", {"consent": "OK", "office": "police", "visits": "1"})
    post_page(client, f"/s/{code}/p/2", {"rating": "1"})
    html = client.get(f"/s/{code}/review").get_data(as_text=True)
    assert "Ông/Bà đánh giá Công an xã thế nào?" in html
    assert "Hai lần số lần đến" not in html  # a calculation is stored, not shown for checking


def test_the_export_has_the_specified_text_and_the_calculation(app, client, code, runner, tmp_path):
    post_page(client, f"/s/{code}/p/1", {"consent": "OK", "office": "other", "office_other": "Tòa án",
                                         "visits": "4"})
    post_page(client, f"/s/{code}/p/2", {"rating": "2"})
    token = csrf_token(client.get(f"/s/{code}/review").get_data(as_text=True))
    client.post(f"/s/{code}/submit", data={"csrf_token": token})
    out = tmp_path / "out.csv"
    result = runner.invoke(args=["export", "responses", "--survey", "closed", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    [row] = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert (row["office"], row["office_other"], row["visits_twice"], row["consent"]) == ("other", "Tòa án", "8",
                                                                                        "OK")
    codebook = build_codebook(questionnaire_from_dict(FEATURES, fallback_to_bundled=False))
    assert codebook.variable("visits_twice").type == "integer"
    assert [v.code for v in codebook.variable("office").values] == ["one_stop", "police", "other"]
    assert codebook.variable("office_other").label.get("en") == "Which office did you visit?: Please specify"


def _problems(edit) -> list[str]:
    import copy

    definition = copy.deepcopy(FEATURES)
    edit(definition)
    with pytest.raises(QuestionnaireError) as caught:
        questionnaire_from_dict(definition, fallback_to_bundled=False)
    return [f"{p.path}: {p.message}" for p in caught.value.problems]


def _item(definition, item_id):
    return next(i for s in definition["sections"] for i in s["items"] if i["id"] == item_id)


def test_piping_an_answer_of_a_later_page_is_refused():
    def edit(d):
        _item(d, "visits")["hint"] = _t("Sau đó: ${rating}")
    assert _problems(edit) == ["sections[0].items[2].hint: '${rating}' is answered on a later page (section 'P2'): "
                               "a text can only show answers given on its own page or before"]


def test_piping_an_unknown_item_is_refused():
    assert _problems(lambda d: _item(d, "rating")["text"].update(vi="${ofice}")) == [
        "sections[1].items[0].text: unknown item 'ofice' in '${ofice}'"]


def test_a_calculation_of_a_later_answer_is_refused():
    assert _problems(lambda d: _item(d, "visits_twice").update(calculation="${rating} * 2")) == [
        "sections[0].items[3].calculation: 'rating' comes later: a calculation uses answers of its own page or "
        "earlier pages, and calculations above it"]


def test_a_default_that_is_not_a_valid_answer_is_refused():
    assert _problems(lambda d: _item(d, "visits").update(default=0)) == [
        "sections[0].items[2].default: default 0 is not a valid answer (below min)"]


def test_a_read_only_item_needs_a_default():
    assert _problems(lambda d: _item(d, "country").pop("default")) == [
        "sections[0].items[4].read_only: a read-only item needs a 'default' (the respondent cannot answer it)"]


def test_a_pattern_that_could_run_for_ages_is_refused():
    assert _problems(lambda d: _item(d, "phone").update(constraint="regex(., '^(\\d+)+$')")) == [
        "sections[0].items[6].constraint: expression error: regex pattern could take very long to check: a group "
        "that repeats or has alternatives is itself repeated at column 1"]
