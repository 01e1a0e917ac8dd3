"""What a first real use of the respondent pages asked for: the survey and the rated unit named on every page, resume
codes for open links, a welcome back, "already submitted" on a second submit, a clear empty-code message, a
follow-up shown as new without script, error pages with the survey's contact and a way back."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import Draft, Response, Survey
from tests.survey_app.respondent_support import (
    CLOSES,
    OPENS,
    csrf_token,
    location,
    make_closed_survey,
    post_page,
)

LINK = "/o/open/HP-SNV"
RESUME_CODE = re.compile(r'id="resume-code">([0-9A-Z-]+)<')


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def codes(app):
    with app.app_context():
        return make_closed_survey(count=2)


@pytest.fixture
def open_survey(app, codes):
    """An open survey beside the closed one (same units), titled and with a contact for respondents."""
    from survey_app.services.surveys import create_survey

    with app.app_context():
        version = db.session.scalar(select(Survey)).questionnaire_version
        create_survey(slug="open", title="SIPAS Hải Phòng 2026", questionnaire_version=version, anonymous=True,
                      access="open", groups=["citizen"], opens_at=OPENS, closes_at=CLOSES,
                      contact="Sở Nội vụ, 0225 3842 000")
        db.session.commit()


def start_with(client, code: str):
    token = csrf_token(client.get("/").get_data(as_text=True))
    return client.post("/", data={"code": code, "csrf_token": token})


def saved_resume_code(client) -> str:
    post_page(client, f"{LINK}/p/1", {"Q1": "1", "Q2": "3", "Q3": ["A"]}, action="save")
    match = RESUME_CODE.search(client.get(f"{LINK}/saved").get_data(as_text=True))
    assert match, "the saved page of an open link shows no resume code"
    return match.group(1)


def submit(client, base: str):
    token = csrf_token(client.get(f"{base}/review").get_data(as_text=True))
    return client.post(f"{base}/submit", data={"csrf_token": token})


# --- 1. the survey and the rated unit are named -------------------------------------------------------------------

def test_an_open_link_page_names_the_survey_the_rated_unit_and_its_province(client, open_survey):
    html = client.get(f"{LINK}/p/1?lang=en").get_data(as_text=True)
    header = html.split("</header>")[0]
    assert "SIPAS Hải Phòng 2026" in header
    assert "Unit you are rating: <span lang=\"vi\">Sở Nội vụ</span>, <span>Hai Phong</span>" in header
    assert "PAR Index survey" not in html


def test_a_personal_code_page_names_its_survey_not_a_fixed_title(client, codes):
    html = client.get(f"/s/{codes[0]}/p/1?lang=en").get_data(as_text=True)
    assert "Closed" in html.split("</header>")[0]
    assert "PAR Index survey" not in html and "Unit you are rating" not in html


def test_the_thank_you_page_speaks_of_a_code_only_to_those_who_had_one(app, codes, open_survey):
    citizen = app.test_client()
    post_page(citizen, f"{LINK}/p/1", {"Q1": "2"})
    post_page(citizen, f"{LINK}/p/3", {})
    thanks = citizen.get(location(submit(citizen, LINK)) + "?lang=en").get_data(as_text=True)
    assert "Thank you" in thanks and "your code" not in thanks and "without your name" in thanks
    official = app.test_client()
    base = f"/s/{codes[0]}"
    post_page(official, f"{base}/p/1", {"Q1": "2"})
    post_page(official, f"{base}/p/3", {})
    thanks = official.get(location(submit(official, base)) + "?lang=en").get_data(as_text=True)
    assert "without your code" in thanks


# --- 2. resume codes for open links -------------------------------------------------------------------------------

def test_save_and_continue_later_on_an_open_link_gives_a_resume_code_stored_only_as_a_hash(app, client, open_survey):
    code = saved_resume_code(client)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", code)
    again = RESUME_CODE.search(client.get(f"{LINK}/saved").get_data(as_text=True)).group(1)
    assert again == code  # the same browser is shown the same code, not a new one that voids the first
    with app.app_context():
        draft = db.session.scalar(select(Draft))
        stored = [str(v) for v in (draft.session_token_hash, draft.resume_code_hash, draft.answers)]
    assert all(code not in value and code.replace("-", "") not in value for value in stored)


def test_a_resume_code_typed_on_the_start_page_continues_in_a_fresh_browser_and_submits_once(app, client,
                                                                                              open_survey):
    code = saved_resume_code(client)
    fresh = app.test_client()
    landed = start_with(fresh, code.lower().replace("-", " "))  # typed sloppily, as from a note
    assert location(landed).endswith(LINK)
    page = fresh.get(location(fresh.get(LINK)))
    assert "Welcome back" in page.get_data(as_text=True) or "Chào mừng" in page.get_data(as_text=True)
    assert location(fresh.get(LINK)).endswith(f"{LINK}/p/2")  # page 1 came with the code
    post_page(fresh, f"{LINK}/p/2", {"Q4_a": "A", "Q4_b": "B", "Q5": "A"})
    post_page(fresh, f"{LINK}/p/3", {"Q6": "Một cửa"})
    assert location(submit(fresh, LINK)).endswith(f"{LINK}/done")
    assert count(app, Response) == 1
    with app.app_context():
        assert db.session.scalar(select(Response)).answers["Q2"] == 3
    assert start_with(app.test_client(), code).status_code == 404  # gone with the draft


def test_a_resume_code_expires_with_the_survey(app, client, open_survey):
    from datetime import UTC, datetime

    code = saved_resume_code(client)
    with app.app_context():
        survey = db.session.scalar(select(Survey).where(Survey.slug == "open"))
        survey.closes_at = datetime(2026, 1, 2, tzinfo=UTC)
        db.session.commit()
    refused = start_with(app.test_client(), code)
    assert refused.status_code == 410


def test_a_personal_code_gets_no_resume_code(client, codes):
    post_page(client, f"/s/{codes[0]}/p/1", {"Q1": "2"}, action="save")
    assert not RESUME_CODE.search(client.get(f"/s/{codes[0]}/saved").get_data(as_text=True))


# --- 3. welcome back; a second submit is "already submitted" --------------------------------------------------------

def test_welcome_back_is_said_on_resume_only_when_answers_were_saved(client, codes):
    base = f"/s/{codes[0]}"
    first = client.get(location(client.get(f"{base}?lang=en"))).get_data(as_text=True)
    assert "Welcome back" not in first
    post_page(client, f"{base}/p/1", {"Q1": "2"}, action="save")
    back = client.get(location(client.get(base))).get_data(as_text=True)
    assert "Welcome back" in back
    assert "Welcome back" not in client.get(f"{base}/p/3").get_data(as_text=True)  # said once


@pytest.mark.parametrize("kind", ["code", "open"])
def test_a_second_submit_from_a_cached_review_page_says_already_submitted(app, client, codes, open_survey, kind):
    base = f"/s/{codes[0]}" if kind == "code" else LINK
    post_page(client, f"{base}/p/1", {"Q1": "2"})
    post_page(client, f"{base}/p/3", {})
    token = csrf_token(client.get(f"{base}/review").get_data(as_text=True))  # the page kept open
    first = client.post(f"{base}/submit", data={"csrf_token": token})
    assert "Thank you" in client.get(location(first) + "?lang=en").get_data(as_text=True)
    second = client.post(f"{base}/submit", data={"csrf_token": token})
    shown = client.get(location(second) + "?lang=en")
    assert shown.status_code == 409
    assert "Already submitted" in shown.get_data(as_text=True)
    worded = "for this code" if kind == "code" else "from this browser"
    revisit = client.get(base).get_data(as_text=True)  # the link itself says so too, naming the survey
    assert ("Closed" if kind == "code" else "SIPAS Hải Phòng 2026") in revisit.split("</header>")[0]
    assert f"The answers {worded} have already been submitted" in shown.get_data(as_text=True)
    assert count(app, Response) == 1


# --- 5. empty code, the summary first, follow-ups without script, one colon ----------------------------------------

def test_an_empty_code_asks_for_one_instead_of_saying_not_found(client):
    shown = start_with(client, "  - ")
    assert shown.status_code == 400
    assert "Xin Ông/Bà nhập mã" in shown.get_data(as_text=True)


def test_the_problem_summary_comes_before_the_introduction(client, codes):
    sent_back = post_page(client, f"/s/{codes[0]}/p/1", {})
    html = sent_back.get_data(as_text=True)
    assert sent_back.status_code == 400
    assert html.index('id="problem-summary"') < html.index('class="intro"')


def test_without_script_a_follow_up_that_appears_after_sending_is_new_not_an_error(client, codes):
    url = f"/s/{codes[0]}/p/1?lang=en"
    page = client.get(url).get_data(as_text=True)
    assert 'name="unseen" value="Q2"' in page  # Q2 is hidden until Q1 = yes
    shown = client.post(url, data={"Q1": "1", "unseen": "Q2", "csrf_token": csrf_token(page), "action": "next"})
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200
    assert "New question" in html and "problem-summary" not in html and 'aria-invalid="true"' not in html
    # With script (no "unseen" posted) the same omission is a mistake to correct.
    again = client.post(url, data={"Q1": "1", "csrf_token": csrf_token(html), "action": "next"})
    assert again.status_code == 400 and "problem-summary" in again.get_data(as_text=True)


def test_a_question_text_ending_in_a_colon_gets_no_second_one_in_the_summary(app, client):
    from tests.survey_app.respondent_support import FLOW_QUESTIONNAIRE

    definition = {**FLOW_QUESTIONNAIRE, "id": "colon", "sections": [
        {"id": "S1", "title": {"vi": "Trang"}, "items": [
            {"id": "T1", "type": "text", "required": True,
             "text": {"vi": "Xin ghi rõ hình thức khác:", "en": "Please describe the other way:"}}]}]}
    with app.app_context():
        code = make_closed_survey(definition, slug="colon", count=1)[0]
    html = post_page(client, f"/s/{code}/p/1?lang=en", {}).get_data(as_text=True)
    assert "Please describe the other way</a>:" in html and "::" not in html


# --- 6. error pages: the survey's contact and a way back ----------------------------------------------------------

def test_an_error_page_gives_the_surveys_contact_and_a_link_back(app, client, open_survey):
    from datetime import UTC, datetime

    with app.app_context():
        db.session.scalar(select(Survey).where(Survey.slug == "open")).closes_at = datetime(2026, 1, 2, tzinfo=UTC)
        db.session.commit()
    closed = client.get(f"{LINK}?lang=en")
    html = closed.get_data(as_text=True)
    assert closed.status_code == 410
    assert "contact the survey coordinator: Sở Nội vụ, 0225 3842 000" in html
    assert 'href="/">Go to the start page' in html
    assert "SIPAS Hải Phòng 2026" in html.split("</header>")[0]


def test_an_unknown_code_page_links_back_to_the_start_page(client):
    html = client.get("/s/0000-0000-0000-0000?lang=en").get_data(as_text=True)
    assert 'href="/">Go to the start page' in html


def test_the_contact_is_set_when_the_survey_is_created_from_the_command_line(app, runner):
    from tests.survey_app.respondent_support import FLOW_QUESTIONNAIRE, publish

    with app.app_context():
        publish(FLOW_QUESTIONNAIRE)
        db.session.commit()
    result = runner.invoke(args=["surveys", "create", "--slug", "cli", "--questionnaire", "flow_test@1",
                                 "--title", "T", "--groups", "citizen", "--access", "open", "--opens", "2026-01-01",
                                 "--closes", "2036-01-01", "--contact", "Phòng CCHC, 0225 000"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(Survey.contact)) == "Phòng CCHC, 0225 000"
