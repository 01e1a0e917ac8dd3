"""Every bad input a person (or a forged request) can send gets a page in their language with the right status,
never a traceback, and nothing accepted before is lost."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import Draft
from tests.survey_app.respondent_support import csrf_token, make_closed_survey, post_page

TRACEBACK = "Traceback"


@pytest.fixture
def code(app):
    with app.app_context():
        return make_closed_survey()[0]


@pytest.fixture
def started(client, code):
    """A respondent who has saved the first page (Q1 = "1", Q2 = 3) and is on page 2."""
    post_page(client, f"/s/{code}/p/1", {"Q1": "1", "Q2": "3"})
    return code


def saved_answers(app) -> dict:
    with app.app_context():
        return dict(db.session.scalar(select(Draft)).answers)


def page_of(response) -> str:
    html = response.get_data(as_text=True)
    assert TRACEBACK not in html
    return html


def test_an_unknown_code_in_a_link_is_not_found_in_vietnamese(client):
    response = client.get("/s/AAAA-BBBB-CCCC-DDDD")
    assert response.status_code == 404
    assert "Không tìm thấy mã hoặc đường dẫn này" in page_of(response)


def test_an_unknown_code_is_not_found_in_english_after_the_switch(client):
    response = client.get("/s/not-a-code?lang=en")
    assert response.status_code == 404
    assert "We could not find this code or link" in page_of(response)


def test_a_mistyped_code_on_the_start_page_keeps_what_was_typed_beside_the_message(client, code):
    typo = code[:-1] + ("0" if code[-1] != "0" else "1")
    token = csrf_token(client.get("/").get_data(as_text=True))
    response = client.post("/", data={"code": typo, "csrf_token": token})
    assert response.status_code == 404
    html = page_of(response)
    assert "Không tìm thấy mã này" in html and f'value="{typo}"' in html


def test_a_revoked_code_is_gone(app, client, code):
    from survey_app.services.invitations import revoke

    with app.app_context():
        revoke(code)
        db.session.commit()
    response = client.get(f"/s/{code}")
    assert response.status_code == 410
    assert "Mã này đã bị thu hồi" in page_of(response)


def test_a_closed_survey_is_gone(app, client):
    with app.app_context():
        code = make_closed_survey(opens_at=datetime(2020, 1, 1, tzinfo=UTC),
                                  closes_at=datetime(2021, 1, 1, tzinfo=UTC))[0]
    response = client.get(f"/s/{code}/p/1")
    assert response.status_code == 410
    assert "đã kết thúc" in page_of(response)


def test_a_survey_not_open_yet_says_when_it_opens(app, client):
    with app.app_context():
        code = make_closed_survey(opens_at=datetime(2035, 3, 1, tzinfo=UTC),
                                  closes_at=datetime(2036, 1, 1, tzinfo=UTC))[0]
    response = client.get(f"/s/{code}")
    assert response.status_code == 404
    assert "chưa bắt đầu" in page_of(response) and "2035" in page_of(response)


@pytest.mark.parametrize("tampered", [
    {"Q4_a": "A", "Q99": "1"},           # a question that does not exist
    {"Q4_a": "Z"},                        # an option not in the scale
    {"Q4_a": "A", "Q5": ["A", "B"]},     # two answers to a single-choice question
])
def test_a_tampered_page_is_refused_and_earlier_answers_stay(app, client, started, tampered):
    response = post_page(client, f"/s/{started}/p/2", tampered)
    assert response.status_code == 400
    page_of(response)
    assert saved_answers(app) == {"Q1": "1", "Q2": 3}


def test_an_out_of_bounds_number_is_refused_beside_the_field(app, client, code):
    response = post_page(client, f"/s/{code}/p/1", {"Q1": "1", "Q2": "101"})
    assert response.status_code == 400
    assert "Vui lòng nhập giá trị không lớn hơn 100." in page_of(response)


def test_a_body_over_the_size_limit_is_refused_with_413_and_earlier_answers_stay(app, client, started):
    token = csrf_token(client.get(f"/s/{started}/p/2").get_data(as_text=True))
    huge = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post(f"/s/{started}/p/2", data={"Q4_a": "A", "Q7": huge, "csrf_token": token})
    assert response.status_code == 413
    assert "Dữ liệu quá lớn" in page_of(response)
    assert saved_answers(app) == {"Q1": "1", "Q2": 3}


def test_a_page_number_that_does_not_exist_leads_back_into_the_survey(client, code):
    response = client.get(f"/s/{code}/p/99")
    assert response.status_code == 302


def test_guessing_codes_is_slowed_down(app, client):
    app.config["RATELIMIT_CODE_ENTRY"] = "3 per minute"
    statuses = [client.get(f"/s/WRONG-CODE-{i}").status_code for i in range(4)]
    assert statuses == [404, 404, 404, 429]
    assert "Quá nhiều lần thử" in page_of(client.get("/s/WRONG-CODE-5"))


def test_wrong_codes_typed_on_the_start_page_count_towards_the_same_limit(app, client):
    app.config["RATELIMIT_CODE_ENTRY"] = "2 per minute"
    token = csrf_token(client.get("/").get_data(as_text=True))
    statuses = [client.post("/", data={"code": f"WRONG{i}", "csrf_token": token}).status_code for i in range(2)]
    assert statuses == [404, 404]
    assert client.get("/s/WRONG-AGAIN").status_code == 429


def test_a_survey_not_open_yet_says_so_and_when_it_opens_in_both_languages(app, client):
    from datetime import timedelta

    with app.app_context():
        opens = datetime.now(UTC) + timedelta(days=30)
        code = make_closed_survey(slug="later", opens_at=opens, closes_at=opens + timedelta(days=30), count=1)[0]
    vietnamese = client.get(f"/s/{code}")
    assert vietnamese.status_code == 404
    page = page_of(vietnamese)
    assert "Chưa mở" in page and "Không tìm thấy" not in page
    assert f"tháng {opens.month}" in page and str(opens.year) in page
    english = page_of(client.get(f"/s/{code}?lang=en"))
    assert "Not open yet" in english and "Not found" not in english and str(opens.year) in english
