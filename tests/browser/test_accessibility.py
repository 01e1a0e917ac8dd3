"""Civil servants and citizens answer on 360 px phones and on desktops, some with a screen reader or a keyboard only.
A real headless Chromium walks the bundled PAR form 02 (personal code) and SIPAS form (open link) and checks what
such a respondent meets: no sideways scrolling, named inputs, errors tied to their fields and announced first,
keyboard operation with a visible focus, Vietnamese fallback text marked as Vietnamese, live relevance that leaves
the tab order and the accessibility tree, and a named progress bar. Names and states are read from Chromium's own
accessibility tree (DevTools protocol), as assistive technology reads them."""

from __future__ import annotations

import pytest
import yaml

from survey_app.extensions import db
from tests.browser.assistive import (
    CONTROLS,
    DESKTOP,
    PHONE,
    accessibility_of,
    answer_visible_questions,
    contrast,
    expected_tab_stops,
    fits_the_screen,
    focus_lands_on,
    focus_ring,
    open_page,
    page_with,
    press_next,
    tab_stops,
    walk,
)
from tests.browser.conftest import CLOSES, OPENS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FORMS = ("par", "sipas")


@pytest.fixture
def sipas_link(app, par_code) -> str:
    """The open link of a one-stop desk (unit HP-SNV, created with the PAR code) to the bundled SIPAS form."""
    from questionnaires.loader import BUNDLED_DIR, load_file
    from survey_app.services.surveys import create_survey, publish_questionnaire

    with app.app_context():
        version = publish_questionnaire(load_file(BUNDLED_DIR / "definitions" / "sipas_2023_citizen.yaml"))
        create_survey(slug="sipas-2026", title="SIPAS 2026", questionnaire_version=version, anonymous=True,
                      access="open", groups=["citizen"], opens_at=OPENS, closes_at=CLOSES)
        db.session.commit()
    return "/o/sipas-2026/HP-SNV"


@pytest.fixture
def links(par_code, sipas_link) -> dict[str, str]:
    return {"par": f"/s/{par_code}", "sipas": sipas_link}


# --- 1. no sideways scrolling on a phone ---------------------------------------------------------------------------

@pytest.mark.parametrize("form", FORMS)
def test_no_page_of_either_form_scrolls_sideways_on_a_360_px_phone(browser, base_url, links, form):
    page = open_page(browser, base_url + links[form])
    too_wide = []

    def check(what: str) -> None:
        if not fits_the_screen(page):
            too_wide.append(f"{what} {page.url}")

    def visit(page) -> None:
        url = page.url
        check("page")
        press_next(page)  # nothing answered yet: the page as it comes back with its messages
        if page.url == url:
            check("page with messages")
        else:
            page.goto(url)

    walk(page, visit)
    check("review")
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()
    check("thank-you page")
    for url in (links[form], "/s/0000-0000-0000-0000", "/o/sipas-2026/NO-SUCH-UNIT", "/no/such/page", "/"):
        page.goto(base_url + url)
        check(f"{page.title()!r}")
    page.locator("#code").fill("not a code at all")
    with page.expect_navigation():
        page.locator("form.code-entry button").click()
    assert page.locator("#code-error").is_visible()
    check("start page with a wrong code")
    assert not too_wide, too_wide


# No matrix box cut off and no sideways scroll of the page.
EVERY_OPTION_SHOWN = ("Array.from(document.querySelectorAll('.matrix-box')).every(b => b.scrollWidth <= b.clientWidth)"
                      " && document.documentElement.scrollWidth <= window.innerWidth")


def settles(page, condition: str, timeout_ms: int = 3000) -> bool:
    """Whether ``condition`` becomes true: survey.js re-fits matrices on the resize event, which the browser fires at
    its next rendering step, after innerWidth has already changed."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(condition, timeout=timeout_ms)
    except PlaywrightTimeout:
        return False
    return True


@pytest.mark.parametrize("language", ["en", "vi"])
@pytest.mark.parametrize("form", FORMS)
def test_matrices_show_every_option_without_sideways_scrolling_from_tablet_to_desktop(
        browser, base_url, links, form, language):
    page = open_page(browser, base_url + links[form])
    pages = int(page.locator("progress").get_attribute("max"))
    hidden_options = []
    for number in range(1, pages + 1):
        page.set_viewport_size(PHONE)
        page.goto(f"{page.url.rsplit('/p/', 1)[0]}/p/{number}?lang={language}")
        if not page.locator("table.matrix").count():
            continue
        for width in (641, 800, 1024, 1280, 360):  # resized in place, as when a tablet turns
            page.set_viewport_size({"width": width, "height": 900})
            if not settles(page, f"window.innerWidth === {width} && " + EVERY_OPTION_SHOWN):
                hidden_options.append(f"page {number} at {width} px")
    assert not hidden_options, hidden_options


# --- 2. names, errors tied to fields, focus on the summary ---------------------------------------------------------

def unnamed_controls(page) -> list[str]:
    """Shown inputs without an accessible name, radios or checkboxes outside a named group, and inputs whose
    name does not come from a label tied to them (label[for] or aria-labelledby)."""
    problems = [f"{c['id']} ({c['role']}) has no name" for c in accessibility_of(page, CONTROLS)
                if not c["ignored"] and not c["name"].strip()]
    problems += [f"group {g['id'] or '?'} has no name" for g in accessibility_of(page, "form fieldset")
                 if not g["ignored"] and not g["name"].strip()]
    problems += page.evaluate("""(selector) => Array.from(document.querySelectorAll(selector)).flatMap(e => {
        const labelled = Array.from(e.labels || []).some(l => l.textContent.trim())
            || (e.getAttribute('aria-labelledby') || '').split(' ').some(id => document.getElementById(id));
        const out = labelled ? [] : [e.id + ' has no label tied to it'];
        if (e.type === 'radio' || e.type === 'checkbox') {
            const legend = e.closest('fieldset') && e.closest('fieldset').querySelector('legend');
            if (!legend || !legend.textContent.trim()) out.push(e.id + ' is in no fieldset with a legend');
        }
        return out; })""", CONTROLS)
    return problems


@pytest.mark.parametrize("form", FORMS)
def test_every_input_of_every_page_has_an_accessible_name(browser, base_url, links, form):
    page = open_page(browser, base_url + links[form], "en")
    found = []
    walk(page, lambda page: found.extend(f"{page.url}: {p}" for p in unnamed_controls(page)))
    assert not found, found


def test_a_refused_page_starts_at_a_summary_whose_links_lead_to_fields_marked_invalid_and_described(
        browser, base_url, links):
    page = open_page(browser, base_url + links["sipas"], "en")
    page.locator("#A3").fill("5")  # age 5, and Sex (required) left out
    press_next(page)
    assert focus_lands_on(page, "problem-summary") == "problem-summary"
    summary = page.locator("#problem-summary")
    assert "Sex" in summary.inner_text() and "How old are you?" in summary.inner_text()
    links_to = summary.locator("a").all()
    assert len(links_to) == 2
    for link in links_to:
        target = link.get_attribute("href").lstrip("#")
        link.click()
        assert page.evaluate("document.activeElement.id") == target, f"{link.inner_text()} did not reach its field"
        item = page.locator(f"#{target}").evaluate("e => e.closest('.question').dataset.item")
        message = page.locator(f"#q-{item} .error-message").inner_text()
        carrier = f"#q-{item} fieldset" if page.locator(f"#{target}").get_attribute("type") == "radio" else f"#{target}"
        [node] = accessibility_of(page, carrier)
        assert node["invalid"] == "true", f"{carrier} is not announced as invalid"
        assert message in node["description"], f"{carrier} is not described by {message!r}: {node['description']!r}"
    assert "at least 18" in page.locator("#q-A3 .error-message").inner_text()


def test_unanswered_matrix_rows_start_the_page_at_a_summary_and_describe_each_radio_of_the_row(
        browser, base_url, links):
    page = open_page(browser, base_url)
    page_with(page, base_url, links["par"], "Q2_1")
    press_next(page)  # the matrix is soft-required: the page comes back once with a warning per row
    assert focus_lands_on(page, "warning-summary") == "warning-summary"
    rows = page.locator("#warning-summary a").all()
    assert [r.inner_text() for r in rows] == ["Fit with local conditions", "Consistent with the legal system",
                                               "Feasible and easy to apply", "Issued in good time"]
    rows[1].click()
    assert page.evaluate("document.activeElement.name") == "Q2_1b"
    warning = page.locator("#row-Q2_1b .warning-message").inner_text()
    radios = accessibility_of(page, "#row-Q2_1b input")
    assert len(radios) == page.locator("#q-Q2_1 thead th").count() - 1  # one per option column
    assert all(warning in r["description"] for r in radios), radios
    assert all(r["name"].startswith("Consistent with the legal system") for r in radios)


def test_a_required_matrix_row_left_empty_marks_each_of_its_radios_invalid_and_described(browser, base_url, app):
    from tests.survey_app.respondent_support import make_closed_survey

    with app.app_context():
        [code] = make_closed_survey(count=1)  # the test questionnaire: its page 2 has a required matrix, Q4
    page = open_page(browser, f"{base_url}/s/{code}", "en")
    page.locator("#q-Q1 input[value='1']").check()
    page.locator("#Q2").fill("3")
    press_next(page)
    page.locator("#row-Q4_a input").first.check()  # Q4_b left empty
    press_next(page)
    assert focus_lands_on(page, "problem-summary") == "problem-summary"
    message = page.locator("#row-Q4_b .error-message").inner_text()
    for radio in accessibility_of(page, "#row-Q4_b input"):
        assert radio["invalid"] == "true" and message in radio["description"], radio
    assert all(radio["invalid"] != "true" for radio in accessibility_of(page, "#row-Q4_a input"))


def test_a_review_with_required_answers_missing_starts_at_the_list_of_what_is_missing(browser, base_url, links):
    page = open_page(browser, base_url + links["sipas"], "en")
    page.goto(page.url.rsplit("/p/", 1)[0] + "/review")
    assert focus_lands_on(page, "missing-summary") == "missing-summary"
    missing = page.locator("#missing-summary a")
    assert "Sex" in missing.all_inner_texts()
    assert page.locator("form button[type=submit]").is_disabled()
    assert fits_the_screen(page)


# --- 3. keyboard only ----------------------------------------------------------------------------------------------

def out_of_reading_order(stops: list[dict]) -> list[str]:
    """Consecutive tab stops where the second is not below, or on the same line to the right of, the first."""
    return [f"{a['key']} -> {b['key']}" for a, b in zip(stops, stops[1:], strict=False)
            if not (b["top"] > a["top"] + 2 or (abs(b["top"] - a["top"]) <= 2 and b["left"] > a["left"]))]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("form", FORMS)
def test_tab_reaches_every_control_of_every_page_once_in_reading_order(browser, base_url, links, form, viewport):
    page = open_page(browser, base_url + links[form], viewport=viewport)
    problems = []

    def visit(page) -> None:
        stops = tab_stops(page)
        reached = [s["key"] for s in stops]
        if reached != expected_tab_stops(page):
            problems.append(f"{page.url}: Tab reached {reached}, expected {expected_tab_stops(page)}")
        problems.extend(f"{page.url}: {p}" for p in out_of_reading_order(stops))

    walk(page, visit)
    assert not problems, problems


def test_space_and_arrows_choose_options_enter_on_next_sends_the_page_and_focus_is_always_visible(
        browser, base_url, links):
    page = open_page(browser, base_url)
    number = page_with(page, base_url, links["par"], "Q7_3")
    answer_visible_questions(page)
    page.locator("#q-Q7_3 input").first.evaluate("e => { e.checked = false; e.dispatchEvent(new Event('change', "
                                                  "{bubbles: true})); }")
    page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "Q7_3":
            break
    else:
        pytest.fail("Tab never reached the question Q7_3")
    ring = focus_ring(page)
    assert ring["visible"] and ring["style"] == "solid" and ring["width"] >= 2, ring
    assert contrast(ring["color"], "rgb(255, 255, 255)") >= 3, f"focus ring {ring['color']} is faint on white"
    page.keyboard.press("Space")
    assert page.locator("#q-Q7_3 input[value='1']").is_checked() and page.locator("#q-Q7_4").is_visible()
    page.keyboard.press("ArrowDown")
    assert page.locator("#q-Q7_3 input[value='2']").is_checked()
    assert page.locator("#q-Q7_6").is_visible() and not page.locator("#q-Q7_4").is_visible()
    page.keyboard.press("ArrowUp")
    assert page.locator("#q-Q7_3 input[value='1']").is_checked() and not page.locator("#q-Q7_6").is_visible()
    answer_visible_questions(page)
    while page.evaluate("document.activeElement.value") != "next":
        page.keyboard.press("Tab")
    ring = focus_ring(page)
    assert ring["visible"] and ring["style"] == "solid" and contrast(ring["color"], "rgb(255, 255, 255)") >= 3
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/p/{number + 1}"), page.url


def test_enter_in_a_typed_answer_sends_the_page_as_next_not_as_save_or_back(browser, base_url, links):
    page = open_page(browser, base_url + links["sipas"])
    answer_visible_questions(page)
    page.locator("#A3").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/p/2"), page.url


# --- 4. Vietnamese fallback text is marked Vietnamese --------------------------------------------------------------

@pytest.fixture
def code_to_a_form_partly_in_vietnamese_only(app) -> str:
    """Form 02 as a province might publish it with some English missing: the question Q7_3 and its yes/no options,
    and one row of the matrix Q2_1."""
    from questionnaires.loader import BUNDLED_DIR, questionnaire_from_dict
    from survey_app.services.invitations import issue
    from survey_app.services.surveys import create_survey, get_group, publish_questionnaire
    from tests.survey_app.respondent_support import add_units

    definition = yaml.safe_load((BUNDLED_DIR / "definitions" / "par_f02_dept_leader.yaml").read_text("utf-8"))
    definition["id"] = "par_f02_partly_vi"
    items = {item["id"]: item for section in definition["sections"] for item in section["items"]}
    del items["Q7_3"]["text"]["en"]
    for option in definition["scales"]["yes_no"]["options"]:
        del option["label"]["en"]
    del items["Q2_1"]["rows"][1]["text"]["en"]
    with app.app_context():
        units = add_units()
        survey = create_survey(slug="par-vi", title="PAR", questionnaire_version=publish_questionnaire(
            questionnaire_from_dict(definition)), anonymous=True, access="invitation", groups=["dept_leader"],
            opens_at=OPENS, closes_at=CLOSES)
        code = issue(survey, units["HP-SNV"], get_group("dept_leader"), 1)[0]
        db.session.commit()
    return code


def language_of(page, selector: str) -> str:
    """The language a screen reader reads ``selector`` in: the nearest lang attribute."""
    return page.locator(selector).first.evaluate("e => e.closest('[lang]').getAttribute('lang')")


def test_a_question_without_english_is_read_in_vietnamese_on_an_english_page(
        browser, base_url, code_to_a_form_partly_in_vietnamese_only):
    link = f"/s/{code_to_a_form_partly_in_vietnamese_only}"
    page = open_page(browser, base_url + link, "en")
    assert page.locator("html").get_attribute("lang") == "en"
    page_with(page, base_url, link, "Q7_3")
    assert page.locator("#q-Q7_3 .question-text").inner_text().startswith("Trong năm 2021, Ông/Bà có sử dụng")
    assert language_of(page, "#q-Q7_3 .question-text") == "vi"
    assert language_of(page, "#q-Q7_3 label.choice") == "vi"  # "Có", "Không"
    assert page.locator("#q-Q7_5 .question-text").inner_text().startswith("Online public services save time")
    assert language_of(page, "#q-Q7_5 .question-text") == "en"
    assert language_of(page, "#q-Q7_5 label.choice") == "en"
    page_with(page, base_url, link, "Q2_1")
    assert language_of(page, "#Q2_1b-label span") == "vi"
    assert page.locator("#Q2_1b-label").inner_text() == "Đồng bộ, thống nhất với hệ thống pháp luật"
    assert language_of(page, "#Q2_1a-label") == "en"
    page.goto(f"{page.url.split('?')[0]}?lang=vi")
    assert page.locator("html").get_attribute("lang") == "vi"


@pytest.mark.parametrize(("language", "title"), [("en", "Not found"), ("vi", "Không tìm thấy")])
def test_error_pages_declare_the_language_they_are_written_in(browser, base_url, language, title):
    page = open_page(browser, f"{base_url}/no/such/page?lang={language}")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").inner_text() == title


# --- 5. live relevance ---------------------------------------------------------------------------------------------

def reachable(page, item: str) -> dict[str, bool]:
    """Whether question ``item`` is in the accessibility tree, enabled, and reached by Tab."""
    in_tree = any(not node["ignored"] for node in accessibility_of(page, f"#q-{item} input, #q-{item} textarea"))
    enabled = page.locator(f"#q-{item} input, #q-{item} textarea").first.is_enabled()
    tabbed = any(s["key"].startswith(f"{item}-") or s["key"] == item for s in tab_stops(page))
    return {"in accessibility tree": in_tree, "enabled": enabled, "reached by Tab": tabbed}


ALL = {"in accessibility tree": True, "enabled": True, "reached by Tab": True}
NONE = {"in accessibility tree": False, "enabled": False, "reached by Tab": False}


def test_a_question_hidden_by_an_answer_leaves_the_tab_order_and_the_accessibility_tree_until_shown_again(
        browser, base_url, links):
    page = open_page(browser, base_url)
    page_with(page, base_url, links["par"], "Q7_3")
    assert reachable(page, "Q7_4") == NONE and reachable(page, "Q7_6") == NONE  # nothing answered yet
    page.locator("#q-Q7_3 input[value='2']").check()  # No: the reasons for not using the portal
    assert reachable(page, "Q7_6") == ALL
    assert reachable(page, "Q7_4") == NONE
    page.locator("#q-Q7_3 input[value='1']").check()  # Yes: rate the portal
    assert reachable(page, "Q7_4") == ALL
    assert reachable(page, "Q7_6") == NONE


# --- 6. progress ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("form", "language", "label"), [
    ("par", "en", "Page 2 of 10"), ("par", "vi", "Trang 2 / 10"), ("sipas", "en", "Page 2 of 10")])
def test_the_progress_bar_is_announced_with_the_page_number_and_the_number_of_pages(
        browser, base_url, links, form, language, label):
    page = open_page(browser, base_url + links[form])
    page.goto(f"{page.url.rsplit('/p/', 1)[0]}/p/2?lang={language}")
    [progress] = accessibility_of(page, "progress")
    assert progress["role"] == "progressbar" and progress["name"] == label, progress


def test_the_language_switch_names_each_language_in_itself(browser, base_url, links):
    page = open_page(browser, base_url + links["par"])
    [english] = accessibility_of(page, ".lang-switch a")
    assert english["name"] == "English" and language_of(page, ".lang-switch a") == "en"
    page.goto(f"{page.url}?lang=en")
    [vietnamese] = accessibility_of(page, ".lang-switch a")
    assert vietnamese["name"] == "Tiếng Việt" and language_of(page, ".lang-switch a") == "vi"
