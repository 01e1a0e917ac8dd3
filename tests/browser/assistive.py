"""What a respondent using a phone, a keyboard or a screen reader meets, read from a real Chromium: answering and
walking a form, accessible names and states from Chromium's accessibility tree (DevTools protocol), tab stops with
their place on screen, and the focus ring's contrast."""

from __future__ import annotations

import contextlib
import re

import pytest

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
AGES = {"A3": "40"}  # SIPAS asks adults their age; other numbers on these forms accept 5
TEXT_ANSWERS = {"decimal": "1", "text": "Không có", "long_text": "Không có ý kiến", "date": "2026-01-15"}
CONTROLS = "form input:not([type=hidden]), form textarea, form select"


def open_page(browser, url: str, language: str | None = None, viewport=PHONE):
    """A new browser (no cookies) on ``url``, switched to ``language`` where the link led (as the header's
    language switch does)."""
    page = browser.new_context(viewport=viewport).new_page()
    page.goto(url)
    if language:
        # Every response re-sends the (permanent) session cookie: let the first page's late requests (favicon)
        # finish first, or one of them could bring back the cookie from before the switch.
        page.wait_for_load_state("networkidle")
        page.goto(f"{page.url}?lang={language}")
    return page


# --- answering -------------------------------------------------------------------------------------------------

def answer_visible_questions(page) -> None:
    """Give every shown question a valid answer (the first option; a number within its bounds)."""
    for question in page.locator(".question").all():
        if not question.is_visible():
            continue
        kind = question.get_attribute("data-type")
        if kind in ("single_choice", "rating", "multiple_choice"):
            question.locator("input").first.check()
        elif kind == "matrix":
            for row in question.locator("tbody tr").all():
                row.locator("input[type=radio]").first.check()
        elif kind == "integer":
            question.locator("input").fill(AGES.get(question.get_attribute("data-item"), "5"))
        elif kind in TEXT_ANSWERS:
            question.locator("input, textarea").first.fill(TEXT_ANSWERS[kind])


def press_next(page) -> None:
    with page.expect_navigation():
        page.locator("button[value=next]").click()


def walk(page, visit) -> list[str]:
    """Call ``visit(page)`` on every page of the form, answering each, until the review; the URLs visited."""
    seen = []
    while "/p/" in page.url:
        seen.append(page.url)
        assert len(seen) < 25, f"the form never reached its review page: {seen[-3:]}"
        visit(page)
        answer_visible_questions(page)
        press_next(page)
        if page.url == seen[-1] and page.locator("#problem-summary").count():
            pytest.fail(f"{page.url} refused valid answers: {page.locator('#problem-summary').inner_text()}")
    assert page.url.endswith("/review"), page.url
    return seen


# --- what a user of assistive technology meets -----------------------------------------------------------------

def accessibility_of(page, selector: str) -> list[dict]:
    """For each element matching ``selector``: its id and Chromium's accessible role, name, description, invalid
    state and whether it is left out of the accessibility tree."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        found = []
        for node_id in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]:
            attributes = cdp.send("DOM.getAttributes", {"nodeId": node_id})["attributes"]
            ax = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node_id, "fetchRelatives": False})["nodes"][0]
            properties = {p["name"]: p["value"].get("value") for p in ax.get("properties", [])}
            found.append({"id": dict(zip(attributes[::2], attributes[1::2], strict=True)).get("id"),
                          "role": ax.get("role", {}).get("value"), "name": ax.get("name", {}).get("value", ""),
                          "description": ax.get("description", {}).get("value", ""),
                          "invalid": properties.get("invalid"), "ignored": ax.get("ignored", False)})
        return found
    finally:
        cdp.detach()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def tab_stops(page, limit: int = 400) -> list[dict]:
    """Press Tab from the top of the page until focus leaves the page; each element reached, with its place."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.evaluate("window.scrollTo(0, 0)")
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate("""() => { const e = document.activeElement;
            if (!e || e === document.body) return null;
            const box = e.getBoundingClientRect();
            return {key: (e.tagName === 'BUTTON' ? e.value + ' ' : '') + (e.id || e.name || e.textContent.trim()),
                    top: box.top + window.scrollY, left: box.left}; }""")
        if stop is None or (stops and stop["key"] == stops[0]["key"]):
            return stops
        if not stops or stop["key"] != stops[-1]["key"]:  # a date input's day, month and year are one control
            stops.append(stop)
    pytest.fail("Tab never left the page")


def expected_tab_stops(page) -> list[str]:
    """What Tab should reach, in source order: links and enabled, shown controls; one stop per radio group (its
    checked radio, else its first)."""
    return page.evaluate("""() => {
        const all = Array.from(document.querySelectorAll('a[href], button, input:not([type=hidden]), textarea, select'))
            .filter(e => !e.disabled && e.offsetParent !== null);
        const keys = [];
        for (const e of all) {
            if (e.type === 'radio') {
                const group = all.filter(o => o.type === 'radio' && o.name === e.name);
                const stop = group.find(o => o.checked) || group[0];
                if (stop !== e) continue;
            }
            keys.push((e.tagName === 'BUTTON' ? e.value + ' ' : '') + (e.id || e.name || e.textContent.trim()));
        }
        return keys; }""")


def relative_luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted([relative_luminance(one), relative_luminance(other)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def focus_ring(page) -> dict:
    return page.evaluate("""() => { const style = getComputedStyle(document.activeElement);
        return {visible: document.activeElement.matches(':focus-visible'), style: style.outlineStyle,
                width: parseFloat(style.outlineWidth), color: style.outlineColor}; }""")


def page_with(page, base_url: str, link: str, item: str, language: str = "en") -> int:
    """Go to the page of ``link`` holding question ``item``; its number."""
    for number in range(1, 25):
        page.wait_for_load_state("networkidle")  # see open_page
        page.goto(f"{base_url}{link}/p/{number}?lang={language}")
        if page.locator(f"#q-{item}").count():
            return number
    pytest.fail(f"no page shows {item}")


def focus_lands_on(page, element_id: str, timeout_ms: int = 5000) -> str:
    """Wait until focus reaches ``element_id`` (autofocus is applied at the browser's next rendering step, not at
    load); return the id of whatever has focus then, so a failure says where focus went instead."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function("id => document.activeElement && document.activeElement.id === id", arg=element_id,
                               timeout=timeout_ms)
    return page.evaluate("document.activeElement ? document.activeElement.id : ''")
