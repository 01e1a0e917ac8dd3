"""Vietnamese by default, English by the switch; every sentence a respondent can meet is translated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.survey_app.respondent_support import location, make_closed_survey, make_open_survey

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "survey_app" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"
# What a respondent can see: their pages, the error pages and the frame around every page.
RESPONDENT_SOURCES = ("survey_app/respondent/", "survey_app/templates/respondent/", "survey_app/errors.py",
                      "survey_app/templates/base.html", "survey_app/templates/error.html")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def catalogue():
    with CATALOGUE.open("rb") as fh:
        return read_po(fh)


def respondent_messages() -> set[str]:
    method_map = [("survey_app/**.py", "python"), ("survey_app/templates/**.html", "jinja2")]
    found = set()
    for filename, _line, message, _comments, _context in extract_from_dir(str(ROOT), method_map):
        if filename.startswith(RESPONDENT_SOURCES):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_sentence_of_the_respondent_pages_has_a_vietnamese_translation():
    translated = {m.id: m.string for m in catalogue() if m.id}
    shown = respondent_messages()
    assert "Save and continue later" in shown  # the extraction really read the respondent pages
    missing = sorted(m for m in shown if not translated.get(m))
    assert missing == [], "add these to messages.po (pybabel extract/update, then translate): " + "; ".join(missing)


def test_translations_keep_every_placeholder_of_the_english_text():
    wrong = [m.id for m in catalogue() if m.id and m.string
             and sorted(PLACEHOLDER.findall(str(m.id))) != sorted(PLACEHOLDER.findall(str(m.string)))]
    assert wrong == []


def test_the_compiled_catalogue_is_not_older_than_the_translations():
    compiled = CATALOGUE.with_suffix(".mo")
    assert compiled.exists() and compiled.stat().st_mtime >= CATALOGUE.stat().st_mtime, "run `make translations`"


@pytest.fixture
def code(app):
    with app.app_context():
        return make_closed_survey()[0]


def test_pages_are_in_vietnamese_by_default(client, code):
    html = client.get(location(client.get(f"/s/{code}"))).get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert "Anh/chị có dùng dịch vụ công không?" in html and "Tiếp tục" in html


def test_the_english_switch_translates_questions_and_interface_and_is_remembered(client, code):
    english = client.get(f"/s/{code}/p/1?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "Have you used a public service?" in english and "Next" in english and "Page 1 of 2" in english
    assert "Very good" in english
    later = client.get(f"/s/{code}/p/1").get_data(as_text=True)
    assert "Have you used a public service?" in later


def test_the_start_page_offers_both_languages(client):
    html = client.get("/").get_data(as_text=True)
    assert 'hreflang="en"' in html and "Mã của Ông/Bà" in html


def test_the_english_switch_on_a_link_that_redirects_is_kept(client, code):
    """The letter's personal link with ?lang=en redirects to a page; that page must be English."""
    first = client.get(f"/s/{code}?lang=en")
    assert first.status_code == 302
    html = client.get(location(first)).get_data(as_text=True)
    assert '<html lang="en">' in html and "Have you used a public service?" in html


def test_a_request_that_changes_nothing_in_the_session_sends_no_cookie(app, client):
    """Otherwise a late request (a favicon, another tab) carrying an older cookie overwrites a newer one and can
    lose the open link's draft token, which lives in a permanent session."""
    with app.app_context():
        make_open_survey()
    page = location(client.get("/o/open/HP-SNV"))
    client.get(page)
    again = client.get(page)
    assert again.status_code == 200
    assert "Set-Cookie" not in again.headers
    switched = client.get(page + "?lang=en")
    assert "Set-Cookie" in switched.headers


def test_titles_and_intro_shown_in_vietnamese_on_an_english_page_are_marked_lang_vi(app, client):
    """A screen reader must switch voice for a Vietnamese fallback, not read it with English rules."""
    from copy import deepcopy

    from tests.survey_app.respondent_support import FLOW_QUESTIONNAIRE

    definition = deepcopy(FLOW_QUESTIONNAIRE)
    definition["id"] = "flow_vi_only_titles"
    definition["intro"] = {"vi": "Xin cảm ơn Ông/Bà."}
    definition["sections"][0]["title"] = {"vi": "Thông tin chung"}
    with app.app_context():
        [code] = make_closed_survey(definition, slug="vi-titles", count=1)
    html = client.get(f"/s/{code}/p/1?lang=en").get_data(as_text=True)
    assert '<h1 lang="vi">Thông tin chung</h1>' in html
    assert '<div class="intro" lang="vi">Xin cảm ơn Ông/Bà.</div>' in html
    assert '<p class="survey-title">Test survey form</p>' in html, "an English title is not marked"
