"""An expired CSRF token or a lost session never discards a posted page: it comes back filled in, unsaved."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import Draft
from tests.survey_app.respondent_support import csrf_token, location, make_closed_survey, post_page

ASKS_AGAIN = "bấm “Tiếp tục” một lần nữa"


@pytest.fixture
def code(app):
    with app.app_context():
        return make_closed_survey()[0]


def draft_answers(app) -> dict:
    with app.app_context():
        return dict(db.session.scalar(select(Draft)).answers)


def test_a_token_expired_while_answering_keeps_the_posted_answers_and_asks_again(app, client, code, monkeypatch):
    post_page(client, f"/s/{code}/p/1", {"Q1": "1", "Q2": "3"})
    url = f"/s/{code}/p/3"
    token = csrf_token(client.get(url).get_data(as_text=True))
    later = time.time() + app.config["WTF_CSRF_TIME_LIMIT"] + 60
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.post(url, data={"Q6": "Sở Tư pháp", "Q7": "Cần nhanh hơn", "action": "next",
                                      "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert ASKS_AGAIN in html
    assert 'value="Sở Tư pháp"' in html and "Cần nhanh hơn" in html
    assert "Q6" not in draft_answers(app)
    again = client.post(url, data={"Q6": "Sở Tư pháp", "action": "next", "csrf_token": csrf_token(html)})
    assert location(again).endswith("/review")
    assert draft_answers(app)["Q6"] == "Sở Tư pháp"


def test_a_lost_session_mid_survey_keeps_the_page_and_earlier_answers(app, client, code):
    post_page(client, f"/s/{code}/p/1", {"Q1": "2"})
    token = csrf_token(client.get(f"/s/{code}/p/3").get_data(as_text=True))
    cookieless = app.test_client()  # e.g. the browser was restarted and dropped its session cookie
    response = cookieless.post(f"/s/{code}/p/3", data={"Q8": "4,5", "action": "next", "csrf_token": token})
    assert response.status_code == 200
    assert ASKS_AGAIN in response.get_data(as_text=True)
    assert 'value="4,5"' in response.get_data(as_text=True)
    assert draft_answers(app) == {"Q1": "2"}


def test_a_missing_token_on_submit_shows_the_review_again_and_submits_nothing(app, client, code):
    post_page(client, f"/s/{code}/p/1", {"Q1": "2"})
    response = client.post(f"/s/{code}/submit", data={})
    assert response.status_code == 200
    assert "Gửi phiếu" in response.get_data(as_text=True)
    assert draft_answers(app) == {"Q1": "2"}


def test_a_missing_token_on_the_start_page_keeps_the_typed_code(client, code):
    response = client.post("/", data={"code": code})
    assert response.status_code == 200
    assert f'value="{code}"' in response.get_data(as_text=True)
