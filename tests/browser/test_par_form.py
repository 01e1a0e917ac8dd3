"""A real headless Chromium answers the bundled PAR form 02 on a 360 px phone screen: a relevance jump shown live,
a stop, a resume with the typed code in a new browser context, the review, one submit, then "already submitted"."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 360, "height": 740}
FILLERS = {"integer": "5", "decimal": "1", "text": "Không có", "long_text": "Không có ý kiến", "date": "2026-01-15"}


def answer_visible_questions(page) -> None:
    """Answer every question currently shown, re-checking visibility as answers reveal or hide others."""
    questions = page.locator(".question")
    for index in range(questions.count()):
        question = questions.nth(index)
        if not question.is_visible():
            continue
        kind = question.get_attribute("data-type")
        if kind in ("single_choice", "rating"):
            question.locator("input[type=radio]").first.check()
        elif kind == "multiple_choice":
            question.locator("input[type=checkbox]").first.check()
        elif kind == "matrix":
            for row in question.locator("tbody tr").all():
                row.locator("input[type=radio]").first.check()
        elif kind in FILLERS:
            question.locator("input, textarea").first.fill(FILLERS[kind])


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def press_next(page) -> None:
    before = page.url
    with page.expect_navigation():
        page.locator("button[value=next]").click()
    if page.url == before:
        problems = page.locator(".error-message, .warning-message").all_inner_texts()
        pytest.fail(f"page {before} was not accepted: {problems}")


def check_relevance_jump(page) -> None:
    """Q7_3 'No' shows the reasons (Q7_6) and hides the portal ratings (Q7_4); 'Yes' does the opposite, live."""
    page.locator("#q-Q7_3 input[value='2']").check()
    assert page.locator("#q-Q7_6").is_visible() and not page.locator("#q-Q7_4").is_visible()
    page.locator("#q-Q7_3 input[value='1']").check()
    assert page.locator("#q-Q7_4").is_visible() and not page.locator("#q-Q7_6").is_visible()
    assert page.locator("#q-Q7_6 input").first.is_disabled()


def answer_pages(page, stop_after: int | None = None) -> None:
    """Answer page after page until the review (or until ``stop_after`` pages were saved)."""
    saved = 0
    while "/p/" in page.url and saved != stop_after:
        assert fits_the_screen(page), f"{page.url} is wider than a 360 px phone"
        if page.locator("#q-Q7_3").count():
            check_relevance_jump(page)
        answer_visible_questions(page)
        press_next(page)
        saved += 1
        assert saved < 20, "the survey never reached the review page"


def test_a_department_leader_answers_stops_resumes_with_the_code_and_submits_once(browser, base_url, par_code):
    first = browser.new_context(viewport=PHONE)
    page = first.new_page()
    page.goto(f"{base_url}/s/{par_code}")
    assert page.url.endswith("/p/1") and "Trang 1 /" in page.content()
    answer_pages(page, stop_after=2)
    assert page.url.endswith("/p/3")
    first.close()

    second = browser.new_context(viewport=PHONE)  # another device: no cookies, no history
    page = second.new_page()
    page.goto(f"{base_url}/")
    page.locator("#code").fill(par_code.lower().replace("-", " "))
    with page.expect_navigation():
        page.locator("form.code-entry button").click()
    assert page.url.endswith("/p/3"), f"resumed at {page.url}"
    answer_pages(page)

    assert page.url.endswith("/review")
    review = page.content()
    assert "Ông/Bà đánh giá thế nào về Cổng dịch vụ công trực tuyến" in review
    assert "Vì sao Ông/Bà chưa sử dụng" not in review
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()
    assert page.url.endswith("/done") and "Xin cảm ơn" in page.content()

    page.goto(f"{base_url}/s/{par_code}")
    assert "Phiếu đã được gửi" in page.content()
    second.close()
