"""Security headers: a CSP that runs no inline script, no framing, no sniffing, no referrer (a code in a URL never
leaks), no-store on answer pages; HSTS and Secure cookies whenever the page came over https behind the proxy."""

from __future__ import annotations

import re

import pytest

from survey_app import create_app
from survey_app.extensions import db
from tests.survey_app.respondent_support import make_closed_survey, post_page

EXECUTABLE_INLINE = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>|<style|\sstyle=|"
                               r"\son[a-z]+=|javascript:", re.IGNORECASE)


@pytest.fixture
def code(app):
    with app.app_context():
        return make_closed_survey(count=1)[0]


def test_respondent_pages_carry_the_protective_headers_and_are_never_stored(client, code):
    page = post_page(client, f"/s/{code}/p/1", {"Q1": "2"})
    for response in (page, client.get(f"/s/{code}/p/3"), client.get(f"/s/{code}/review")):
        headers = response.headers
        csp = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
        assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'" and csp["default-src"] == "'self'"
        assert csp["frame-ancestors"] == "'none'" and headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert "no-store" in headers["Cache-Control"]
        assert "Strict-Transport-Security" not in headers, "plain http (development) gets no HSTS"


def test_over_https_behind_the_trusted_proxy_hsts_is_sent_and_the_session_cookie_is_secure(database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, "SECRET_KEY": "test-secret",
                      "RATELIMIT_STORAGE_URI": "memory://", "TRUSTED_PROXIES": 1})
    proxied = {"X-Forwarded-For": "198.51.100.9", "X-Forwarded-Proto": "https"}
    response = app.test_client().get("/?lang=en", headers=proxied)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    plain = app.test_client().get("/?lang=en", headers={"X-Forwarded-For": "198.51.100.9"})
    assert "Secure" not in plain.headers["Set-Cookie"]
    with app.app_context():
        db.engine.dispose()


def test_no_page_has_inline_script_or_style_for_the_csp_to_refuse(client, code):
    pages = [client.get("/"), post_page(client, f"/s/{code}/p/1", {"Q1": "1", "Q2": "3"}),
             client.get(f"/s/{code}/p/1"), client.get(f"/s/{code}/p/2"), client.get(f"/s/{code}/review"),
             client.get("/preview/"), client.get("/s/AAAA-BBBB-CCCC-DDDD")]
    refused = post_page(client, f"/s/{code}/p/1", {"Q1": "1", "Q2": "999"})
    for response in [*pages, refused]:
        html = response.get_data(as_text=True)
        assert not EXECUTABLE_INLINE.findall(html), (response.request.path, EXECUTABLE_INLINE.findall(html))
    preview = client.get("/preview/").get_data(as_text=True)
    first = re.search(r'href="(/preview/[^"]+)"', preview)
    if first:
        html = client.get(first.group(1)).get_data(as_text=True)
        assert not EXECUTABLE_INLINE.findall(html)
