"""What a first real use asked for, in a real Chromium: an open-link respondent finishing on another device with a
resume code, the survey and the rated unit named, welcome back, "already submitted" from a page kept open, the
problem summary first on a phone, grid pages no longer many screens tall, error pages with a contact and a way back."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import Response, Survey
from tests.browser.assistive import PHONE, answer_visible_questions, open_page, press_next, walk
from tests.browser.conftest import CLOSES, OPENS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIPAS = "/o/sipas-2026/HP-SNV"


@pytest.fixture
def sipas(app, par_code) -> str:
    from questionnaires.loader import BUNDLED_DIR, load_file
    from survey_app.services.questionnaire_versions import publish_questionnaire
    from survey_app.services.surveys import create_survey

    with app.app_context():
        version = publish_questionnaire(load_file(BUNDLED_DIR / "definitions" / "sipas_2023_citizen.yaml"))
        create_survey(slug="sipas-2026", title="SIPAS 2026 Hải Phòng", questionnaire_version=version,
                      anonymous=True, access="open", groups=["citizen"], opens_at=OPENS, closes_at=CLOSES,
                      contact="Sở Nội vụ Hải Phòng, 0225 3842 000")
        db.session.commit()
    return SIPAS


def responses(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response))


def test_an_open_link_respondent_resumes_in_a_fresh_browser_with_the_resume_code_and_submits_once(
        app, browser, base_url, sipas):
    phone = open_page(browser, base_url + sipas, language="en")
    header = phone.locator("header").inner_text()
    assert "SIPAS 2026 Hải Phòng" in header and "Unit you are rating: Sở Nội vụ, Hai Phong" in header
    answer_visible_questions(phone)
    with phone.expect_navigation():
        phone.locator("button[value=save]").click()
    code = phone.locator("#resume-code").inner_text().strip()
    assert len(code) == 19

    desktop = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()  # no cookie of the phone
    desktop.goto(f"{base_url}/?lang=en")
    desktop.locator("#code").fill(code.lower())
    with desktop.expect_navigation():
        desktop.locator("form.code-entry button").click()
    assert desktop.url.endswith(f"{sipas}/p/2")  # page 1 was answered on the phone
    assert "Welcome back" in desktop.locator(".flash").inner_text()
    walk(desktop, lambda page: None)
    kept_open = desktop.context.new_page()  # the review page also open in a second tab
    kept_open.goto(desktop.url)
    with desktop.expect_navigation():
        desktop.locator("form button[type=submit]").click()
    assert "Thank you" in desktop.locator("h1").inner_text()
    assert "without your code" not in desktop.content()
    with kept_open.expect_navigation():
        kept_open.locator("form button[type=submit]").click()
    assert "Already submitted" in kept_open.locator("h1").inner_text()
    assert responses(app) == 1
    phone.goto(base_url + sipas)  # the phone's link now starts afresh: the answers moved with the code
    assert phone.url.endswith(f"{sipas}/p/1")


def test_on_a_phone_the_problem_summary_is_on_the_first_screen_above_the_introduction(browser, base_url, sipas):
    page = open_page(browser, base_url + sipas, language="en")
    press_next(page)
    summary, intro = page.locator("#problem-summary"), page.locator(".intro")
    assert summary.bounding_box()["y"] < intro.bounding_box()["y"]
    assert summary.bounding_box()["y"] < PHONE["height"] / 2
    assert page.evaluate("document.activeElement.id") == "problem-summary"


def test_no_sipas_grid_page_is_more_than_five_phone_screens_tall(browser, base_url, sipas):
    page = open_page(browser, base_url + sipas, language="vi")
    heights = {}

    def measure(p) -> None:
        if p.locator("table.matrix").count():
            heights[p.url] = p.evaluate("document.documentElement.scrollHeight")

    walk(page, measure)
    assert len(heights) >= 5, heights
    assert max(heights.values()) <= 5 * PHONE["height"], heights


def test_an_error_page_gives_the_surveys_contact_and_a_link_to_the_start_page(app, browser, base_url, sipas):
    from datetime import UTC, datetime

    with app.app_context():
        db.session.scalar(select(Survey).where(Survey.slug == "sipas-2026")).closes_at = datetime(2026, 1, 2,
                                                                                                 tzinfo=UTC)
        db.session.commit()
    page = open_page(browser, base_url + sipas, language="en")
    assert "Sở Nội vụ Hải Phòng, 0225 3842 000" in page.locator(".contact").inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="Go to the start page").click()
    assert page.url == f"{base_url}/"


def test_a_double_click_on_submit_sends_once_and_ends_on_thank_you(app, browser, base_url, sipas):
    page = open_page(browser, base_url + sipas, language="en")
    walk(page, lambda p: None)
    posts = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    with page.expect_navigation():
        page.locator("form button[type=submit]").dblclick()
    assert "Thank you" in page.locator("h1").inner_text()
    assert len(posts) == 1 and responses(app) == 1
