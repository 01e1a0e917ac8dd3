"""Helpers for the console tests: staff accounts of each role, logging in through the real form."""

from __future__ import annotations

import re

from survey_app.extensions import db

PASSWORD = "correct horse battery"


def make_staff(email: str, role: str, unit: str | None = None):
    from survey_app.services.staff import create_staff

    user = create_staff(email, role, PASSWORD, unit)
    db.session.commit()
    return user


def csrf_token(client, url: str = "/console/login") -> str:
    from flask import g, has_app_context

    if has_app_context():  # a test body holding an app context shares ``g`` (and its cached token) with requests
        g.pop("csrf_token", None)
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    if match is None:
        assert not client.application.config.get("WTF_CSRF_ENABLED", True), page[:500]
        return ""
    return match.group(1)


def login(client, email: str, password: str = PASSWORD):
    token = csrf_token(client)
    return client.post("/console/login", data={"email": email, "password": password, "csrf_token": token})


def logged_in(client, email: str, password: str = PASSWORD):
    response = login(client, email, password)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return client
