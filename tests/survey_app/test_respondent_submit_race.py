"""Many submits of one response at once through the web server (double clicks, retries): all end on the
thank-you page, and exactly one response is stored."""

from __future__ import annotations

import threading

import requests
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import Response
from tests.survey_app.respondent_support import csrf_token, make_closed_survey

RACERS = 12


def test_simultaneous_submits_of_one_response_store_it_once(app, base_url):
    with app.app_context():
        code = make_closed_survey()[0]
    browser = requests.Session()
    page = f"{base_url}/s/{code}/p/1"
    browser.post(page, data={"Q1": "2", "action": "next", "csrf_token": csrf_token(browser.get(page).text)})
    token = csrf_token(browser.get(f"{base_url}/s/{code}/review").text)
    barrier = threading.Barrier(RACERS)
    outcomes: list[tuple[int, str]] = []

    def click() -> None:
        racer = requests.Session()
        racer.cookies.update(browser.cookies)
        barrier.wait(timeout=10)
        answer = racer.post(f"{base_url}/s/{code}/submit", data={"csrf_token": token}, allow_redirects=False,
                            timeout=60)
        outcomes.append((answer.status_code, answer.headers.get("Location", "")))

    threads = [threading.Thread(target=click) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert sorted(outcomes) == [(302, f"/s/{code}/done")] * RACERS
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
