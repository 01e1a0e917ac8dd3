"""Staff login: the form, its rate limit, inactivity expiry, logout, password change, and what the audit log keeps."""

from __future__ import annotations

import time

import pytest

from survey_app.extensions import db
from survey_app.models import AuditEntry
from tests.survey_app.conftest import add_units
from tests.survey_app.console_support import PASSWORD, csrf_token, logged_in, login, make_staff


@pytest.fixture
def coordinator(app):
    with app.app_context():
        add_units()
        db.session.commit()
        make_staff("coord@hp.gov.vn", "coordinator", "HP-SNV")
    return app


def actions(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(e.action, e.actor) for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]


def test_login_page_in_both_languages_and_a_wrong_password_is_refused(coordinator, client):
    assert 'name="email"' in client.get("/console/login").get_data(as_text=True)
    assert "Đăng nhập" in client.get("/console/login").get_data(as_text=True)
    assert "Staff login" in client.get("/console/login?lang=en").get_data(as_text=True)
    refused = login(client, "coord@hp.gov.vn", "wrong password!")
    assert refused.status_code == 401 and "Wrong e-mail or password." in refused.get_data(as_text=True)
    assert client.get("/console/").status_code == 302
    assert actions(coordinator) == [("login_failed", "coord@hp.gov.vn")]


def test_login_then_logout_ends_the_session(coordinator, client):
    response = login(client, "COORD@hp.gov.vn ", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/console/"
    assert client.get("/console/").status_code == 200
    token = csrf_token(client, "/console/")
    assert client.post("/console/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/console/").headers["Location"].startswith("/console/login")
    assert [a for a, _ in actions(coordinator)] == ["login", "logout"]


def test_next_only_goes_to_a_path_on_this_site(coordinator, client):
    token = csrf_token(client)
    data = {"email": "coord@hp.gov.vn", "password": PASSWORD, "csrf_token": token}
    assert client.post("/console/login?next=//evil.example/x", data=data).headers["Location"] == "/console/"
    client.get("/console/login")
    data["csrf_token"] = csrf_token(client)
    assert client.post("/console/login?next=/preview/", data=data).headers["Location"] == "/preview/"


def test_failed_logins_are_rate_limited_per_address_and_a_success_does_not_count(coordinator, client):
    coordinator.config["RATELIMIT_LOGIN"] = "3 per minute"
    for _ in range(5):
        logged_in(client, "coord@hp.gov.vn")  # successes never use up the allowance
    for _ in range(3):
        assert login(client, "coord@hp.gov.vn", "wrong password!").status_code == 401
    blocked = login(client, "coord@hp.gov.vn", PASSWORD)
    assert blocked.status_code == 429 and "429" in blocked.get_data(as_text=True)


def test_failed_logins_on_one_account_are_limited_from_any_address(coordinator, app):
    app.config["RATELIMIT_LOGIN"] = "3 per minute"
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        assert login(client, "coord@hp.gov.vn", "wrong password!").status_code == 401
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.0.4"
    assert login(client, "coord@hp.gov.vn", PASSWORD).status_code == 429


def test_a_session_expires_after_the_idle_limit(coordinator, client, monkeypatch):
    coordinator.config["STAFF_IDLE_MINUTES"] = 30
    logged_in(client, "coord@hp.gov.vn")
    assert client.get("/console/").status_code == 200
    later = time.time() + 31 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    expired = client.get("/console/?lang=en", follow_redirects=True)
    assert "/console/login" in expired.request.path
    assert "period without activity" in expired.get_data(as_text=True)
    monkeypatch.undo()
    assert client.get("/console/").status_code == 302  # logged out for good, not just for that request


def test_activity_keeps_a_session_alive(coordinator, client, monkeypatch):
    logged_in(client, "coord@hp.gov.vn")
    start = time.time()
    for minutes in (20, 40, 60):
        monkeypatch.setattr(time, "time", lambda m=minutes: start + m * 60)
        assert client.get("/console/").status_code == 200


def test_changing_the_password_ends_other_sessions(coordinator, app):
    first, second = app.test_client(), app.test_client()
    logged_in(first, "coord@hp.gov.vn")
    logged_in(second, "coord@hp.gov.vn")
    token = csrf_token(first, "/console/password")
    wrong = first.post("/console/password", data={"current": "nope nope nope", "new": "a new long secret",
                                                     "confirm": "a new long secret", "csrf_token": token})
    assert wrong.status_code == 400 and "Mật khẩu hiện tại không đúng" in wrong.get_data(as_text=True)
    short = first.post("/console/password", data={"current": PASSWORD, "new": "short", "confirm": "short",
                                                    "csrf_token": token})
    assert short.status_code == 400
    done = first.post("/console/password", data={"current": PASSWORD, "new": "a new long secret",
                                                   "confirm": "a new long secret", "csrf_token": token})
    assert done.status_code == 302
    assert first.get("/console/").status_code == 200
    assert second.get("/console/").status_code == 302
    assert login(app.test_client(), "coord@hp.gov.vn", PASSWORD).status_code == 401
    assert login(app.test_client(), "coord@hp.gov.vn", "a new long secret").status_code == 302
    assert ("password_changed", "coord@hp.gov.vn") in actions(app)


def test_a_disabled_account_is_logged_out_and_cannot_log_in(coordinator, client, runner):
    logged_in(client, "coord@hp.gov.vn")
    assert runner.invoke(args=["users", "disable", "coord@hp.gov.vn"]).exit_code == 0
    assert client.get("/console/").status_code == 302
    assert login(client, "coord@hp.gov.vn", PASSWORD).status_code == 401


def test_preview_needs_a_login(coordinator, client):
    assert client.get("/preview/").headers["Location"].startswith("/console/login?next=")
    logged_in(client, "coord@hp.gov.vn")
    assert client.get("/preview/").status_code == 200
