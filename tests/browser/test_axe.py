"""No serious or critical axe-core violation on any respondent page, in Vietnamese and English, on a 360 px phone and
a 1280 px desktop: the start page (empty, wrong code, empty code), every page of the SIPAS form (open link) and of
PAR form 02 (personal code) as first shown and as sent back with messages, a follow-up shown as new without script,
the review (incomplete and complete), the saved pages of both kinds, the thank-you pages, "already submitted", and
the error pages (unknown code, unknown page, closed survey, too many attempts)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from survey_app.extensions import db
from tests.browser.assistive import DESKTOP, PHONE, answer_visible_questions, press_next
from tests.browser.axe import serious_violations
from tests.browser.conftest import CLOSES, OPENS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIPAS = "/o/sipas-2026/HP-SNV"


@pytest.fixture
def surveys(app, par_code) -> dict[str, str]:
    """The bundled SIPAS form on an open link (with a contact), PAR form 02 on a personal code, and a closed survey."""
    from questionnaires.loader import BUNDLED_DIR, load_file
    from survey_app.services.questionnaire_versions import publish_questionnaire
    from survey_app.services.surveys import create_survey

    with app.app_context():
        version = publish_questionnaire(load_file(BUNDLED_DIR / "definitions" / "sipas_2023_citizen.yaml"))
        create_survey(slug="sipas-2026", title="SIPAS 2026 Hải Phòng", questionnaire_version=version, anonymous=True,
                      access="open", groups=["citizen"], opens_at=OPENS, closes_at=CLOSES,
                      contact="Sở Nội vụ Hải Phòng, 0225 3842 000")
        create_survey(slug="sipas-2025", title="SIPAS 2025", questionnaire_version=version, anonymous=True,
                      access="open", groups=["citizen"], opens_at=datetime(2025, 1, 1, tzinfo=UTC),
                      closes_at=datetime(2025, 12, 31, tzinfo=UTC), contact="Sở Nội vụ Hải Phòng")
        db.session.commit()
    return {"sipas": SIPAS, "par": f"/s/{par_code}", "closed": "/o/sipas-2025/HP-SNV"}


class Audit:
    """Runs axe on each page visited and keeps what it finds, by page."""

    def __init__(self, page, language: str):
        self.page, self.language, self.found = page, language, {}

    def check(self, what: str) -> None:
        violations = serious_violations(self.page)
        if violations:
            self.found[f"{what} ({self.page.url})"] = violations

    def visit(self, base_url: str, path: str, what: str) -> None:
        self.page.goto(f"{base_url}{path}")
        self.check(what)


def walk_with_messages(audit: Audit, name: str) -> None:
    """Every page of a form, first as shown, then sent back empty (errors or soft warnings), then answered."""
    page, seen = audit.page, 0
    while "/p/" in page.url:
        seen += 1
        assert seen < 25, page.url
        url = page.url
        audit.check(f"{name} page")
        press_next(page)
        if page.url == url:
            audit.check(f"{name} page with messages")
        answer_visible_questions(page)
        if page.url == url:
            press_next(page)
        if page.url == url:  # soft-required questions warned once: Next again goes on
            press_next(page)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "1280px"])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_respondent_page_has_a_serious_or_critical_axe_violation(app, browser, base_url, surveys, language,
                                                                      viewport):
    context = browser.new_context(viewport=viewport, bypass_csp=True)
    page = context.new_page()
    audit = Audit(page, language)
    audit.visit(base_url, f"/?lang={language}", "start page")
    for typed, what in (("", "start page, empty code"), ("not a code at all", "start page, unknown code")):
        page.locator("#code").fill(typed)
        with page.expect_navigation():
            page.locator("form.code-entry button").click()
        audit.check(what)

    for form in ("sipas", "par"):
        page.goto(base_url + surveys[form])
        walk_with_messages(audit, form)
        audit.check(f"{form} review, complete")
        link = surveys[form]
        page.goto(f"{base_url}{link}/p/1")
        with page.expect_navigation():
            page.locator("button[value=save]").click()
        audit.check(f"{form} saved page")
        page.goto(f"{base_url}{link}/review")
        with page.expect_navigation():
            page.locator("form button[type=submit]").click()
        audit.check(f"{form} thank-you page")
        audit.visit(base_url, link, f"{form} already submitted")

    fresh = browser.new_context(viewport=viewport, bypass_csp=True).new_page()
    fresh.goto(f"{base_url}{SIPAS}?lang={language}")
    fresh.goto(f"{base_url}{SIPAS}/review")
    audit.page = fresh
    audit.check("sipas review, incomplete")
    audit.visit(base_url, "/s/0000-0000-0000-0000", "error: unknown code")
    audit.visit(base_url, "/no/such/page", "error: unknown page")
    audit.visit(base_url, surveys["closed"], "error: closed survey")
    app.config["RATELIMIT_CODE_ENTRY"] = "1 per minute"
    fresh.goto(f"{base_url}/s/0000-0000-0000-0001")
    audit.visit(base_url, "/s/0000-0000-0000-0002", "error: too many attempts")
    assert fresh.locator("h1").count() == 1

    assert not audit.found, audit.found


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_follow_up_shown_as_new_without_script_has_no_serious_axe_violation(browser, base_url, surveys, language):
    plain = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = plain.new_page()
    page.goto(f"{base_url}{SIPAS}?lang={language}")
    page.goto(f"{base_url}{SIPAS}/p/2")
    page.locator("input[name=B1]").first.check()
    page.locator("input[name=B2]").first.check()
    page.locator("input[name=B3][value='6']").check()  # "another way": its description appears only after sending
    with page.expect_navigation():
        page.locator("button[value=next]").click()
    assert page.locator("#new-summary").count() == 1
    assert page.locator("#q-B3_other").is_visible()
    # axe needs script: audit the page as sent back, in a context with script, from its HTML
    html = page.content()
    scripted = browser.new_context(viewport=PHONE, bypass_csp=True).new_page()
    scripted.route(f"{base_url}/sent-back", lambda route: route.fulfill(body=html, content_type="text/html"))
    scripted.goto(f"{base_url}/sent-back")
    assert serious_violations(scripted) == []


def test_the_axe_check_does_find_a_serious_violation(browser, base_url):
    """The audit is live: an unnamed button, an image without text and the old language link ("EN" named
    "English", 16 px wide) are reported."""
    page = browser.new_context(bypass_csp=True).new_page()
    page.route(f"{base_url}/bad", lambda route: route.fulfill(
        body='<!doctype html><html lang="en"><title>x</title><main><img src="a.png"><button></button>'
             '<p>Read <a href="?lang=en" aria-label="English">EN</a></p></main>',
        content_type="text/html"))
    page.goto(f"{base_url}/bad")
    found = {v["id"] for v in serious_violations(page)}
    assert found >= {"image-alt", "button-name", "label-content-name-mismatch"}, found


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_language_switch_is_named_by_its_visible_text_and_is_at_least_24_px_square(browser, base_url, language):
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(f"{base_url}/?lang={language}")
    for item in page.locator(".lang-switch a, .lang-switch strong").all():
        box = item.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, (item.inner_text(), box)
        label = item.get_attribute("aria-label")
        assert label is None or item.inner_text().strip() in label
    other = page.locator(".lang-switch a")
    assert other.inner_text() == ("English" if language == "vi" else "Tiếng Việt")
