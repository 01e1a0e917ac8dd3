"""A console action that a service refuses says why in the page's language (Vietnamese by default, English with
?lang=en), while the CLI prints the same refusal in English."""

from __future__ import annotations

import html

import pytest

from survey_app.extensions import db
from survey_app.services.questionnaire_versions import publish_questionnaire
from tests.survey_app.conftest import add_units
from tests.survey_app.console_support import csrf_token, logged_in, make_staff
from tests.survey_app.test_console_surveys import create


@pytest.fixture
def console(app, storage_questionnaire):
    with app.app_context():
        add_units()
        publish_questionnaire(storage_questionnaire)
        db.session.commit()
        make_staff("dept@hp.vn", "coordinator", "HP-SNV")
        version_id = str(db.session.execute(db.text("SELECT id FROM questionnaire_version")).scalar())
    client = logged_in(app.test_client(), "dept@hp.vn")
    assert create(client, app, version_id).status_code == 302
    return client, version_id


def in_language(client, language: str):
    client.get(f"/console/?lang={language}")
    return client


def post(client, url, data):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, "/console/")}, follow_redirects=True)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(("language", "expected"), [
    ("vi", "Chưa thay đổi: khảo sát 'snv-2026' không đang mở"),
    ("en", "Not changed: survey 'snv-2026' is not open"),
])
def test_closing_a_closed_survey_is_refused_in_the_pages_language(console, language, expected):
    client, _ = console
    in_language(client, language)
    assert post(client, "/console/surveys/snv-2026/schedule", {"action": "close"}).status_code == 200  # closed
    assert expected in text(post(client, "/console/surveys/snv-2026/schedule", {"action": "close"}))


@pytest.mark.parametrize(("language", "expected"), [
    ("vi", "ngày kết thúc phải là một ngày dạng YYYY-MM-DD, nhận được '31/12/2026'"),
    ("en", "the closing day must be a date YYYY-MM-DD, got '31/12/2026'"),
])
def test_a_bad_date_when_creating_a_survey_is_explained_in_the_pages_language(app, console, language, expected):
    client, version_id = console
    in_language(client, language)
    page = create(client, app, version_id, slug="snv-bad", closes="31/12/2026")
    assert page.status_code == 400
    assert expected in text(page)


@pytest.mark.parametrize(("language", "expected"), [
    ("vi", "Chưa thay đổi: không có thư mời nào mang mã '0000-0000-0000-0000'"),
    ("en", "Not changed: no invitation has the code '0000-0000-0000-0000'"),
])
def test_an_unknown_code_is_named_in_the_pages_language(console, language, expected):
    client, _ = console
    in_language(client, language)
    assert expected in text(post(client, "/console/surveys/snv-2026/revoke", {"code": "0000-0000-0000-0000"}))


def test_issuing_too_many_codes_is_refused_in_vietnamese(console):
    client, _ = console
    page = text(post(client, "/console/surveys/snv-2026/codes", {"unit": "HP-SNV", "group": "dept_leader",
                                                                  "count": "0", "output": "csv"}))
    assert "Chưa cấp mã nào: số lượng phải từ 1 đến" in page


def test_the_cli_prints_the_same_refusal_in_english(console, runner):
    result = runner.invoke(args=["invitations", "revoke", "0000-0000-0000-0000"])
    assert result.exit_code == 1
    assert "error: no invitation has the code '0000-0000-0000-0000'" in result.output
