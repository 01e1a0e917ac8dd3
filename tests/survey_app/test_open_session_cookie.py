"""Open surveys: after submitting, the browser's session cookie holds nothing a stored row can be joined on.

Before submitting, the cookie carries a random token whose hash keys the draft. Whoever holds the browser
afterwards (a shared computer at a one-stop desk, a seized phone) must not be able to match that token with the
``spent_session`` row written in the response's transaction, and so with the response. The cookie keeps only
that this survey was answered, which every respondent's cookie says alike.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import Draft, Response, SpentSession, Survey
from survey_app.services import drafts
from tests.survey_app.respondent_support import csrf_token, location, make_open_survey, post_page

LINK = "/o/open/HP-SNV"


@pytest.fixture
def open_survey(app):
    with app.app_context():
        make_open_survey()


def submit_everything(client) -> None:
    post_page(client, f"{LINK}/p/1", {"Q1": "2"})
    post_page(client, f"{LINK}/p/3", {"Q6": "Một cửa"})
    token = csrf_token(client.get(f"{LINK}/review").get_data(as_text=True))
    assert location(client.post(f"{LINK}/submit", data={"csrf_token": token})).endswith(f"{LINK}/done")


def cookie_of(app, client) -> dict:
    """The session as the browser holds it, decoded with the app's own signing serializer."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None, "the browser holds no session cookie"
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def values_in(node) -> Iterator[str]:
    """Every key and value of the decoded session, nested or not, as text."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from values_in(value)
    elif isinstance(node, list | tuple | set):
        for value in node:
            yield from values_in(value)
    else:
        yield str(node)


def stored_values() -> set[str]:
    """Every cell of every table, as text."""
    cells: set[str] = set()
    with db.engine.connect() as conn:
        for table in sa.inspect(conn).get_table_names():
            for row in conn.execute(sa.text(f"SELECT * FROM {table}")):  # noqa: S608
                cells.update(str(cell) for cell in row)
    return cells


def joinable(app, client) -> set[str]:
    """What in the browser's cookie equals a stored cell, as such or hashed the way open-survey drafts are keyed."""
    with app.app_context():
        survey = db.session.scalar(select(Survey).where(Survey.slug == "open"))
        cells = stored_values()
        return {value for value in values_in(cookie_of(app, client))
                if value in cells or drafts.session_token_hash(survey, value) in cells}


def test_while_answering_the_cookie_holds_the_token_that_keys_the_draft(app, open_survey):
    """The join the tests below look for exists while answering: the draft is found through the cookie."""
    browser = app.test_client()
    post_page(browser, f"{LINK}/p/1", {"Q1": "2"})
    with app.app_context():
        [draft] = db.session.scalars(select(Draft)).all()
        hashed = {drafts.session_token_hash(draft.survey, v) for v in values_in(cookie_of(app, browser))}
        assert draft.session_token_hash in hashed


def test_after_submitting_nothing_in_the_cookie_singles_out_a_stored_row(app, open_survey):
    first, second = app.test_client(), app.test_client()
    submit_everything(first)
    submit_everything(second)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 2
    shared = set(values_in(cookie_of(app, second)))
    assert joinable(app, first) <= shared, "a value only this browser holds is stored in the database"
    assert joinable(app, second) <= set(values_in(cookie_of(app, first)))


def test_after_submitting_a_second_visit_still_says_already_submitted(app, client, open_survey):
    submit_everything(client)
    for url in (LINK, f"{LINK}/p/1", f"{LINK}/review"):
        again = client.get(url)
        assert again.status_code == 409, url
        assert "đã được gửi" in again.get_data(as_text=True), url
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def spent_tokens_in_cookie(app, client) -> set[str]:
    """Cookie values whose hash is a ``spent_session`` row (written in the same transaction as a response)."""
    with app.app_context():
        survey = db.session.scalar(select(Survey).where(Survey.slug == "open"))
        spent = set(db.session.scalars(select(SpentSession.token_hash)))
        return {v for v in values_in(cookie_of(app, client)) if drafts.session_token_hash(survey, v) in spent}


def test_a_cookie_restored_from_before_the_submit_cannot_answer_again_and_loses_its_token(app, client, open_survey):
    post_page(client, f"{LINK}/p/1", {"Q1": "2"})
    name = app.config["SESSION_COOKIE_NAME"]
    before = client.get_cookie(name).value
    submit_everything(client)
    client.set_cookie(name, before)
    assert spent_tokens_in_cookie(app, client), "the restored cookie holds the spent token again"
    assert client.get(f"{LINK}/p/1").status_code == 409
    assert spent_tokens_in_cookie(app, client) == set()
    assert location(client.post(f"{LINK}/submit", data={"csrf_token": "x"})).endswith(f"{LINK}/done")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
