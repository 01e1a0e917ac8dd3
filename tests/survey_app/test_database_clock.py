"""Opening and closing are judged by the database's clock: an app server whose own clock is wrong still lets
respondents in while the survey is open and turns them away once it has closed, on SQLite and PostgreSQL.

``time_machine`` moves this Python process's clock (``datetime.now``, ``time.time``); the database server (and
SQLite's C library) keep the real time, as a second machine would.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from survey_app.clock import database_now
from survey_app.extensions import db
from survey_app.services.survey_schedule import close_now
from survey_app.services.surveys import SurveyState, get_survey, survey_state
from tests.survey_app.respondent_support import make_closed_survey, make_open_survey

YEARS = timedelta(days=3650)


def test_the_database_clock_is_the_real_time_whatever_this_process_believes(app):
    with app.app_context():
        before = datetime.now(UTC)
        with time_machine.travel(before + 3 * YEARS, tick=True):
            assert datetime.now(UTC) > before + 2 * YEARS  # the app server's clock is ten years fast
            read = database_now()
        after = datetime.now(UTC)
    assert read.tzinfo is not None
    assert before - timedelta(seconds=2) <= read <= after + timedelta(seconds=2)


def test_a_survey_still_open_by_the_database_is_open_on_a_server_whose_clock_says_it_closed(app, client):
    with app.app_context():
        opened = database_now() - timedelta(hours=1)
        code = make_closed_survey(opens_at=opened, closes_at=opened + timedelta(days=2))[0]
    with time_machine.travel(datetime.now(UTC) + YEARS, tick=True):  # this server thinks it closed long ago
        page = client.get(f"/s/{code}", follow_redirects=True)
    assert page.status_code == 200
    assert "Anh/chị có dùng dịch vụ công không?" in page.get_data(as_text=True)


def test_a_survey_closed_by_the_database_is_closed_on_a_server_whose_clock_says_it_is_open(app, client):
    with app.app_context():
        closed = database_now() - timedelta(minutes=1)
        code = make_closed_survey(opens_at=closed - timedelta(days=30), closes_at=closed)[0]
    with time_machine.travel(closed - timedelta(days=1), tick=True):  # this server thinks it is still open
        page = client.get(f"/s/{code}", follow_redirects=True)
    assert page.status_code == 410
    assert "đã kết thúc" in page.get_data(as_text=True)


def test_a_survey_not_yet_open_by_the_database_waits_on_a_server_whose_clock_is_ahead(app, client):
    with app.app_context():
        opens = database_now() + timedelta(days=1)
        code = make_closed_survey(opens_at=opens, closes_at=opens + timedelta(days=30))[0]
    with time_machine.travel(opens + timedelta(days=2), tick=True):
        page = client.get(f"/s/{code}?lang=en", follow_redirects=True)
    assert page.status_code == 404
    assert "not open yet" in page.get_data(as_text=True)


def test_an_open_link_follows_the_database_clock_too(app, client):
    with app.app_context():
        make_open_survey()
        survey = get_survey("open")
        survey.closes_at = database_now() - timedelta(seconds=5)
        db.session.commit()
    with time_machine.travel(datetime(2030, 1, 1, tzinfo=UTC), tick=True):  # inside the survey's old period
        page = client.get("/o/open/HP-SNV", follow_redirects=True)
    assert page.status_code == 410


def test_closing_now_closes_at_the_database_time_and_the_console_state_follows(app):
    with app.app_context():
        make_closed_survey()
        survey = get_survey("closed")
        with time_machine.travel(datetime.now(UTC) - YEARS, tick=True):  # this server is ten years slow
            close_now(survey)
            db.session.commit()
            survey = get_survey("closed")
            assert survey_state(survey) is SurveyState.CLOSED
        closes_at = survey.closes_at if survey.closes_at.tzinfo else survey.closes_at.replace(tzinfo=UTC)
        assert abs(closes_at - database_now()) < timedelta(minutes=1)


def test_an_explicit_now_still_decides(app):
    with app.app_context():
        make_closed_survey()
        survey = get_survey("closed")
        assert survey_state(survey, datetime(2025, 12, 31, tzinfo=UTC)) is SurveyState.NOT_OPEN_YET
        assert survey_state(survey, datetime(2036, 1, 1, tzinfo=UTC)) is SurveyState.CLOSED
        assert survey_state(survey, datetime(2030, 1, 1, tzinfo=UTC)) is SurveyState.OPEN
