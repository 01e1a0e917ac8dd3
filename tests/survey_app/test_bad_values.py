"""Values nobody types (NUL bytes, Word's vertical tabs, numbers of thousands of digits) get a page or are cleaned,
never a 500, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import Draft
from tests.survey_app.respondent_support import make_closed_survey, make_open_survey, post_page


@pytest.fixture
def code(app):
    with app.app_context():
        return make_closed_survey()[0]


def saved(app) -> dict:
    with app.app_context():
        return dict(db.session.scalar(select(Draft)).answers)


@pytest.mark.parametrize("url", ["/o/open%00/HP-SNV", "/o/open/HP%00SNV/p/1", "/s/AAAA%00BBBB", "/?lang=e%00n"])
def test_a_nul_byte_in_a_url_is_a_bad_request_page(app, client, url):
    with app.app_context():
        make_open_survey()
    response = client.get(url)
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)


def test_control_characters_pasted_into_a_text_answer_are_cleaned_and_the_rest_kept(app, client, code):
    post_page(client, f"/s/{code}/p/1", {"Q1": "2"})
    response = post_page(client, f"/s/{code}/p/3", {"Q7": "Dòng một\x0bDòng hai\x1b\x00 hết\r\nthêm"})
    assert response.status_code == 302
    assert saved(app)["Q7"] == "Dòng một\nDòng hai hết\nthêm"


@pytest.mark.parametrize("digits", [19, 4301, 5000])
def test_an_integer_of_thousands_of_digits_is_refused_beside_the_field(app, client, code, digits):
    post_page(client, f"/s/{code}/p/1", {"Q1": "2"})
    response = post_page(client, f"/s/{code}/p/3", {"Q10": "9" * digits})
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)
    assert "Q10" not in saved(app)


def test_a_decimal_of_thousands_of_digits_is_refused(app, client, code):
    post_page(client, f"/s/{code}/p/1", {"Q1": "2"})
    assert post_page(client, f"/s/{code}/p/3", {"Q8": "1" * 5000}).status_code == 400
