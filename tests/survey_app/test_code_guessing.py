"""The wrong-code budget stops guessing, never respondents: only failed lookups count, per client address behind
the configured proxies, atomically under bursts, and an unreachable store lets everyone through."""

from __future__ import annotations

import logging
import threading
import uuid

import pytest
import redis
import requests
from werkzeug.serving import make_server

from survey_app import create_app
from survey_app.extensions import db
from survey_app.services.surveys import create_survey
from tests.survey_app.respondent_support import (
    CLOSES,
    FLOW_QUESTIONNAIRE,
    OPENS,
    csrf_token,
    location,
    make_closed_survey,
    post_page,
    publish,
)

REDIS_URL = "redis://127.0.0.1:6379/0"
UNREACHABLE_REDIS = "redis://127.0.0.1:5139/0"  # a port of this engineer's range where nothing listens


def guess(client, **headers) -> int:
    return client.get(f"/s/WRONG-{uuid.uuid4().hex[:8]}", headers=headers).status_code


@pytest.fixture
def codes(app):
    app.config["RATELIMIT_CODE_ENTRY"] = "3 per minute"
    with app.app_context():
        codes = make_closed_survey(count=3)
        create_survey(slug="open", title="Open", questionnaire_version=publish(FLOW_QUESTIONNAIRE), anonymous=True,
                      access="open", groups=["citizen"], opens_at=OPENS, closes_at=CLOSES)
        db.session.commit()
    return codes


def test_a_respondent_who_has_started_is_never_stopped_by_wrong_codes_from_the_same_address(app, client, codes):
    post_page(client, f"/s/{codes[0]}/p/1", {"Q1": "2"})
    assert [guess(client) for _ in range(4)] == [404, 404, 404, 429]
    assert client.get(f"/s/{codes[0]}/p/3").status_code == 200
    token = csrf_token(client.get(f"/s/{codes[0]}/review").get_data(as_text=True))
    submitted = client.post(f"/s/{codes[0]}/submit", data={"csrf_token": token})
    assert location(submitted).endswith(f"/s/{codes[0]}/done")
    assert client.get(f"/s/{codes[0]}/done").status_code == 200


def test_an_address_over_its_budget_cannot_tell_a_good_code_from_a_bad_one(app, client, codes):
    assert [guess(client) for _ in range(3)] == [404, 404, 404]
    assert client.get(f"/s/{codes[1]}").status_code == 429, "a new code from a blocked address is not looked up"
    assert guess(client) == 429


def test_open_links_are_never_limited(app, client, codes):
    assert [guess(client) for _ in range(4)][-1] == 429
    assert client.get("/o/open/HP-SNV").status_code == 302
    assert client.get("/o/nope/HP-SNV").status_code == 404


def test_behind_a_trusted_proxy_each_client_address_has_its_own_budget(database_url, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, "SECRET_KEY": "test-secret",
                      "RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_CODE_ENTRY": "3 per minute",
                      "TRUSTED_PROXIES": 1})
    try:
        with app.app_context():
            [code] = make_closed_survey(count=1)
        typist, colleague = app.test_client(), app.test_client()
        typos = [guess(typist, **{"X-Forwarded-For": "203.0.113.7"}) for _ in range(4)]
        assert typos == [404, 404, 404, 429]
        assert colleague.get(f"/s/{code}", headers={"X-Forwarded-For": "198.51.100.9"}).status_code == 302
        assert guess(colleague, **{"X-Forwarded-For": "198.51.100.9"}) == 404
    finally:
        with app.app_context():
            db.session.remove()
            from tests.conftest import _empty_tables

            _empty_tables()
            db.engine.dispose()


def test_without_a_trusted_proxy_a_forged_forwarded_address_does_not_reset_the_budget(app, client, codes):
    statuses = [guess(client, **{"X-Forwarded-For": f"10.0.0.{i}"}) for i in range(4)]
    assert statuses == [404, 404, 404, 429]


def _burst(base_url: str, n: int) -> list[int]:
    barrier = threading.Barrier(n)
    statuses: list[int] = []

    def one() -> None:
        barrier.wait(timeout=30)
        statuses.append(requests.get(f"{base_url}/s/WRONG-{uuid.uuid4().hex[:8]}", timeout=60).status_code)

    threads = [threading.Thread(target=one) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


@pytest.mark.parametrize("storage", ["memory://", REDIS_URL])
def test_a_burst_of_parallel_guesses_gets_exactly_the_budget_through(app, storage, database_url):
    app.config["RATELIMIT_CODE_ENTRY"] = "20 per minute"
    app.config["RATELIMIT_KEY_PREFIX"] = prefix = f"parsurvey-test-{uuid.uuid4().hex[:8]}"
    burst_app = create_app({**app.config, "RATELIMIT_STORAGE_URI": storage}) if storage != "memory://" else app

    server = make_server("127.0.0.1", 0, burst_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        statuses = _burst(f"http://127.0.0.1:{server.server_port}", 100)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        if storage != "memory://":
            client = redis.Redis.from_url(REDIS_URL)
            for key in client.scan_iter(f"*{prefix}*"):
                client.delete(key)
            with burst_app.app_context():
                db.engine.dispose()
    assert sorted(statuses) == [404] * 20 + [429] * 80


def test_an_unreachable_limit_store_lets_respondents_through_and_says_so_in_the_log(database_url, caplog):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, "SECRET_KEY": "test-secret",
                      "RATELIMIT_STORAGE_URI": UNREACHABLE_REDIS, "RATELIMIT_CODE_ENTRY": "1 per minute"})
    try:
        with app.app_context():
            [code] = make_closed_survey(count=1)
        client = app.test_client()
        with caplog.at_level(logging.WARNING):
            assert [guess(client) for _ in range(3)] == [404, 404, 404]
            response = post_page(client, f"/s/{code}/p/1", {"Q1": "2"})
        assert location(response).endswith(f"/s/{code}/p/3")
        assert "rate-limit store unreachable" in caplog.text
    finally:
        with app.app_context():
            db.session.remove()
            from tests.conftest import _empty_tables

            _empty_tables()
            db.engine.dispose()
