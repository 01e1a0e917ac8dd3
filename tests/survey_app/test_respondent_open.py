"""Open surveys (a public link per unit, e.g. a QR code at a one-stop desk): one response per browser session."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import Draft, Response
from tests.survey_app.respondent_support import csrf_token, location, make_open_survey, post_page

LINK = "/o/open/HP-SNV"


def submit_everything(client) -> None:
    post_page(client, f"{LINK}/p/1", {"Q1": "2"})
    post_page(client, f"{LINK}/p/3", {"Q6": "Một cửa"})
    token = csrf_token(client.get(f"{LINK}/review").get_data(as_text=True))
    assert location(client.post(f"{LINK}/submit", data={"csrf_token": token})).endswith(f"{LINK}/done")


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def open_survey(app):
    with app.app_context():
        make_open_survey(quota=1)


def test_the_public_link_starts_a_draft_of_its_own_for_each_browser(app, open_survey):
    first, second = app.test_client(), app.test_client()
    assert location(first.get(LINK)).endswith(f"{LINK}/p/1")
    post_page(first, f"{LINK}/p/1", {"Q1": "2", "Q3": ["B"]})
    post_page(second, f"{LINK}/p/1", {"Q1": "1", "Q2": "5"})
    with app.app_context():
        assert sorted(d.answers["Q1"] for d in db.session.scalars(select(Draft))) == ["1", "2"]
    assert location(first.get(LINK)).endswith(f"{LINK}/p/3")


def test_after_submitting_the_same_browser_sees_already_submitted(app, client, open_survey):
    submit_everything(client)
    assert "Xin cảm ơn" in client.get(f"{LINK}/done").get_data(as_text=True)
    again = client.get(LINK)
    assert again.status_code == 409
    assert count(app, Response) == 1


def test_when_the_units_quota_is_reached_a_new_browser_is_told_the_survey_is_full(app, client, open_survey):
    submit_everything(client)
    newcomer = app.test_client().get(LINK)
    assert newcomer.status_code == 410
    assert "đã nhận đủ số phiếu" in newcomer.get_data(as_text=True)


def test_an_unknown_survey_or_unit_in_the_link_is_not_found(client, open_survey):
    assert client.get("/o/open/NO-SUCH-UNIT").status_code == 404
    assert client.get("/o/no-such-survey/HP-SNV").status_code == 404


def test_three_hundred_visits_without_a_cookie_store_no_draft_and_the_first_saved_page_stores_one(app, open_survey):
    """Crawlers, link previews and cookie-less browsers only look: a draft is stored at the first saved page."""
    for _ in range(300):
        assert app.test_client().get(f"{LINK}/p/1").status_code == 200
    assert count(app, Draft) == 0
    browser = app.test_client()
    post_page(browser, f"{LINK}/p/1", {"Q1": "2", "Q3": ["B"]})
    assert count(app, Draft) == 1
    assert location(browser.get(LINK)).endswith(f"{LINK}/p/3"), "the saved page is remembered"


def test_a_respondent_whose_unit_filled_up_meanwhile_is_told_at_submit_and_keeps_the_answers(app, open_survey):
    late = app.test_client()
    post_page(late, f"{LINK}/p/1", {"Q1": "2"})
    post_page(late, f"{LINK}/p/3", {"Q6": "Một cửa"})
    review = late.get(f"{LINK}/review").get_data(as_text=True)
    submit_everything(app.test_client())  # another browser takes the unit's only place
    full = late.post(f"{LINK}/submit", data={"csrf_token": csrf_token(review)})
    assert full.status_code == 410 and "đã nhận đủ số phiếu" in full.get_data(as_text=True)
    assert count(app, Response) == 1
    with app.app_context():
        [kept] = db.session.scalars(select(Draft)).all()
        assert kept.answers["Q6"] == "Một cửa"
