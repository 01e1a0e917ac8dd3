"""The respondent's way through a closed survey: pages, relevance, soft warnings, resume, review, submit once."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import Draft, Response
from survey_app.services import invitations
from tests.survey_app.respondent_support import csrf_token, location, make_closed_survey, post_page


@pytest.fixture
def codes(app):
    with app.app_context():
        return make_closed_survey()


def stored_answers(app) -> dict:
    with app.app_context():
        draft = db.session.scalar(select(Draft))
        return dict(draft.answers) if draft else {}


def test_personal_link_opens_the_first_page_in_vietnamese(client, codes):
    first = client.get(f"/s/{codes[0]}")
    assert location(first).endswith(f"/s/{codes[0]}/p/1")
    page = client.get(location(first)).get_data(as_text=True)
    assert "Anh/chị có dùng dịch vụ công không?" in page
    # Until Q1 is answered, only the pages that surely apply are counted.
    assert "Trang 1 / 2" in page
    assert '<progress max="2" value="1"' in page


def test_answering_yes_goes_to_the_assessment_page_and_saves_the_first(app, client, codes):
    url = f"/s/{codes[0]}/p/1"
    response = post_page(client, url, {"Q1": "1", "Q2": "4", "Q3": ["A", "B"]})
    assert location(response).endswith("/p/2")
    assert stored_answers(app) == {"Q1": "1", "Q2": 4, "Q3": ["A", "B"]}


def test_answering_no_drops_the_hidden_count_and_skips_the_assessment_page(app, client, codes):
    url = f"/s/{codes[0]}/p/1"
    response = post_page(client, url, {"Q1": "2", "Q2": "4"})
    assert location(response).endswith("/p/3")
    assert stored_answers(app) == {"Q1": "2"}
    page = client.get(location(response)).get_data(as_text=True)
    assert '<progress max="2" value="2"' in page


def test_a_missing_required_answer_is_shown_beside_the_question_and_nothing_is_saved(app, client, codes):
    response = post_page(client, f"/s/{codes[0]}/p/1", {"Q3": ["A"]})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="Q1-error"' in html
    assert "Vui lòng trả lời câu hỏi này." in html
    assert 'value="A" checked' in html or 'checked id="Q3-0"' in html or "checked" in html
    assert stored_answers(app) == {}


def test_out_of_bounds_and_constraint_messages_are_in_the_respondents_words(client, codes):
    post_page(client, f"/s/{codes[0]}/p/1", {"Q1": "2"})
    response = post_page(client, f"/s/{codes[0]}/p/3", {"Q8": "11", "Q10": "13", "Q6": "x" * 21})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Vui lòng nhập giá trị không lớn hơn 10." in html
    assert "Không được là 13" in html
    assert 'value="11"' in html


def test_soft_required_warns_once_then_lets_the_respondent_go_on(app, client, codes):
    post_page(client, f"/s/{codes[0]}/p/1", {"Q1": "1", "Q2": "3"})
    url = f"/s/{codes[0]}/p/2"
    warned = post_page(client, url, {"Q4_a": "A", "Q4_b": "B"})
    html = warned.get_data(as_text=True)
    assert warned.status_code == 200
    assert 'id="Q5-warning"' in html
    assert 'name="soft_ack" type="hidden" value="1"' in html
    again = client.post(url, data={"Q4_a": "A", "Q4_b": "B", "soft_ack": "1", "action": "next",
                                   "csrf_token": csrf_token(html)})
    assert location(again).endswith("/p/3")
    assert stored_answers(app)["Q4_b"] == "B"


def test_back_saves_the_page_and_returns_to_the_previous_one(app, client, codes):
    post_page(client, f"/s/{codes[0]}/p/1", {"Q1": "1", "Q2": "3"})
    back = post_page(client, f"/s/{codes[0]}/p/2", {"Q4_a": "E"}, action="back")
    assert location(back).endswith("/p/1")
    assert stored_answers(app)["Q4_a"] == "E"


def test_save_and_continue_later_keeps_the_answers_and_explains_how_to_return(app, client, codes):
    saved = post_page(client, f"/s/{codes[0]}/p/1", {"Q1": "2"}, action="save")
    assert location(saved).endswith(f"/s/{codes[0]}/saved")
    assert stored_answers(app) == {"Q1": "2"}
    assert "mã" in client.get(location(saved)).get_data(as_text=True)


def test_resume_from_another_device_lands_on_the_first_unanswered_page(app, client, codes):
    post_page(client, f"/s/{codes[0]}/p/1", {"Q1": "1", "Q2": "3", "Q3": ["A"]})
    other_device = app.test_client()
    assert location(other_device.get(f"/s/{codes[0]}")).endswith("/p/2")


def test_resume_returns_to_a_page_left_with_optional_questions_empty_not_to_a_later_page(app, client, codes):
    # issue 12: "resumed on page 5 with 9 items of page 4 empty"; here the optional Q3 of page 1 is still empty
    post_page(client, f"/s/{codes[0]}/p/1", {"Q1": "1", "Q2": "3"})
    post_page(client, f"/s/{codes[0]}/p/2", {"Q4_a": "A", "Q4_b": "B", "Q5": "A"})
    other_device = app.test_client()
    assert location(other_device.get(f"/s/{codes[0]}")).endswith("/p/1")


def test_resume_by_typing_the_code_on_the_start_page_ignores_case_spaces_and_dashes(app, client, codes):
    post_page(client, f"/s/{codes[0]}/p/1", {"Q1": "1", "Q2": "3", "Q3": ["A"]})
    other = app.test_client()
    typed = " " + codes[0].lower().replace("-", " ") + " "
    entered = other.post("/", data={"code": typed, "csrf_token": csrf_token(other.get("/").get_data(as_text=True))})
    assert location(other.get(location(entered))).endswith("/p/2")


def _answer_everything(client, code: str) -> None:
    post_page(client, f"/s/{code}/p/1", {"Q1": "1", "Q2": "3"})
    post_page(client, f"/s/{code}/p/2", {"Q4_a": "A", "Q4_b": "B", "Q5": "A"})
    post_page(client, f"/s/{code}/p/3", {"Q6": "Sở Nội vụ", "Q8": "7,5"})


def test_review_lists_answers_by_section_with_change_links(client, codes):
    _answer_everything(client, codes[0])
    html = client.get(f"/s/{codes[0]}/review").get_data(as_text=True)
    assert "Thái độ" in html and "Rất tốt" in html and "7.5" in html
    assert f'href="/s/{codes[0]}/p/2"' in html


def test_submitting_twice_stores_one_response_and_the_code_then_says_already_submitted(app, client, codes):
    _answer_everything(client, codes[0])
    token = csrf_token(client.get(f"/s/{codes[0]}/review").get_data(as_text=True))
    first = client.post(f"/s/{codes[0]}/submit", data={"csrf_token": token})
    assert "Xin cảm ơn" in client.get(location(first)).get_data(as_text=True)
    second = client.post(f"/s/{codes[0]}/submit", data={"csrf_token": token})  # the review page kept open
    assert location(first) == location(second)
    told = client.get(location(second))
    assert told.status_code == 409 and "đã được gửi" in told.get_data(as_text=True)
    again = client.get(f"/s/{codes[0]}")
    assert again.status_code == 409
    assert "đã được gửi" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
        statuses = sorted(invitations.find_invitation(code).status for code in codes[:2])
        assert statuses == ["completed", "issued"]


def test_a_used_code_changes_nothing_when_a_page_is_posted_again(app, client, codes):
    _answer_everything(client, codes[0])
    token = csrf_token(client.get(f"/s/{codes[0]}/review").get_data(as_text=True))
    client.post(f"/s/{codes[0]}/submit", data={"csrf_token": token})
    with app.app_context():
        before = db.session.scalar(select(Response.answers))
    late = client.post(f"/s/{codes[0]}/p/1", data={"Q1": "2", "csrf_token": token, "action": "next"})
    assert late.status_code == 409
    with app.app_context():
        assert db.session.scalar(select(Response.answers)) == before
        assert db.session.scalar(select(func.count()).select_from(Draft)) == 0


def test_submitting_with_a_required_answer_missing_goes_back_to_that_page(client, codes):
    post_page(client, f"/s/{codes[0]}/p/1", {"Q1": "1", "Q2": "3"}, action="save")
    token = csrf_token(client.get(f"/s/{codes[0]}/review").get_data(as_text=True))
    response = client.post(f"/s/{codes[0]}/submit", data={"csrf_token": token})
    assert location(response).endswith("/p/2")


def test_pages_load_nothing_from_other_sites(client, codes):
    for url in ("/", f"/s/{codes[0]}/p/1", f"/s/{codes[0]}/review"):
        html = client.get(url).get_data(as_text=True)
        external = re.findall(r'(?:src|href)="((?:https?:)?//[^"]+)"', html)
        assert external == [], f"{url} loads {external}"
        assert 'href="/static/css/parsurvey.css?v=' in html


def test_without_javascript_a_question_revealed_on_the_same_page_appears_after_next(client, codes):
    url = f"/s/{codes[0]}/p/1"
    first = client.get(url).get_data(as_text=True)
    assert re.search(r'id="q-Q2"[^>]* hidden>', first)  # hidden until Q1 says yes
    response = post_page(client, url, {"Q1": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert not re.search(r'id="q-Q2"[^>]* hidden>', html)
    assert 'id="Q2-error"' in html


def test_a_code_revoked_while_its_review_page_is_open_is_told_so_at_submit_and_nothing_is_stored(app, client, codes):
    _answer_everything(client, codes[0])
    token = csrf_token(client.get(f"/s/{codes[0]}/review").get_data(as_text=True))
    with app.app_context():
        invitations.revoke(codes[0])
        db.session.commit()
    refused = client.post(f"/s/{codes[0]}/submit", data={"csrf_token": token})
    assert refused.status_code == 410 and "thu hồi" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0
        assert db.session.scalar(select(func.count()).select_from(Draft)) == 0, "revoking deletes the draft"
