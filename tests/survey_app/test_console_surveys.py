"""Surveys and codes in the browser: create, open / close / extend, issue (CSV or letters, once), revoke, mark,
posters; every action in the audit log; a coordinator's unit scope is checked on the unit and the code."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest

from survey_app.extensions import db
from survey_app.models import AuditEntry, Invitation, Survey
from survey_app.services import invitations
from survey_app.services.questionnaire_versions import publish_questionnaire
from survey_app.services.surveys import SurveyState, survey_state
from tests.survey_app.conftest import add_units
from tests.survey_app.console_support import csrf_token, logged_in, make_staff


@pytest.fixture
def world(app, storage_questionnaire):
    with app.app_context():
        add_units()
        publish_questionnaire(storage_questionnaire)
        db.session.commit()
        make_staff("dept@hp.vn", "coordinator", "HP-SNV")
        make_staff("district@hp.vn", "coordinator", "HP-HB")
    return app


def post(client, url, data):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, "/console/")})


def create(client, app, version: str, **overrides):
    today = datetime.now(UTC).date()
    data = {"version": version, "slug": "snv-2026", "title": "PAR SNV", "unit": "HP-SNV",
            "groups": "dept_leader", "access": "invitation", "anonymous": "1",
            "opens": (today - timedelta(days=1)).isoformat(), "closes": (today + timedelta(days=30)).isoformat()}
    data.update(overrides)
    return post(client, "/console/surveys/new", data)


def audit_actions(app):
    with app.app_context():
        return [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id) if e.action != "login"]


def test_create_a_survey_then_close_and_extend_it(world):
    client = logged_in(world.test_client(), "dept@hp.vn")
    with world.app_context():
        version_id = str(db.session.execute(db.text("SELECT id FROM questionnaire_version")).scalar())
    made = create(client, world, version_id)
    assert made.status_code == 302 and made.headers["Location"] == "/console/surveys/snv-2026"
    page = client.get("/console/surveys/snv-2026").get_data(as_text=True)
    assert "PAR SNV" in page and "(UTC+07:00)" in page
    assert post(client, "/console/surveys/snv-2026/schedule", {"action": "close"}).status_code == 302
    with world.app_context():
        assert survey_state(db.session.query(Survey).one()) is SurveyState.CLOSED
    later = (datetime.now(UTC) + timedelta(days=60)).date()
    post(client, "/console/surveys/snv-2026/schedule", {"action": "extend", "closes": later.isoformat()})
    with world.app_context():
        survey = db.session.query(Survey).one()
        assert survey_state(survey) is SurveyState.OPEN and survey.unit.code == "HP-SNV"
        # the end of that day in Vietnam: 17:00 UTC
        assert survey.closes_at.replace(tzinfo=None) == datetime(later.year, later.month, later.day, 17)
    assert audit_actions(world) == ["survey_created", "survey_closed", "survey_extended"]


def test_bad_survey_input_is_explained_and_nothing_is_saved(world):
    client = logged_in(world.test_client(), "dept@hp.vn")
    client.get("/console/?lang=en")  # the refusals in English (test_console_messages.py: both languages)
    with world.app_context():
        version_id = str(db.session.execute(db.text("SELECT id FROM questionnaire_version")).scalar())
    for overrides, message in [({"slug": "Bad Slug!"}, "slug"), ({"closes": "31/12/2026"}, "YYYY-MM-DD"),
                               ({"unit": "HP-HB"}, "outside the units you work for"),
                               ({"groups": "citizen_x"}, "citizen_x")]:
        response = create(client, world, version_id, **overrides)
        assert response.status_code == 400 and message in response.get_data(as_text=True), overrides
    with world.app_context():
        assert db.session.query(Survey).count() == 0


@pytest.fixture
def running(world):
    client = logged_in(world.test_client(), "dept@hp.vn")
    with world.app_context():
        version_id = str(db.session.execute(db.text("SELECT id FROM questionnaire_version")).scalar())
    assert create(client, world, version_id).status_code == 302
    return client


def test_codes_come_once_as_csv_and_work(running, world):
    response = post(running, "/console/surveys/snv-2026/codes", {"unit": "HP-SNV", "group": "dept_leader",
                                                                   "count": "3", "output": "csv"})
    assert response.mimetype == "text/csv" and response.headers["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 3 and all(r["url"] == f"http://localhost/s/{r['code']}" for r in rows)
    with world.app_context():
        assert invitations.find_invitation(rows[0]["code"]).unit.code == "HP-SNV"
        stored = " ".join(i.code_hash for i in db.session.query(Invitation))
        assert not any(r["code"] in stored or r["code"].replace("-", "") in stored for r in rows)
    assert rows[0]["code"] not in running.get("/console/surveys/snv-2026").get_data(as_text=True)
    assert "codes_issued" in audit_actions(world)


def test_letters_hold_the_unit_the_survey_the_code_and_a_qr(running):
    response = post(running, "/console/surveys/snv-2026/codes", {"unit": "HP-SNV", "group": "dept_leader",
                                                                   "count": "2", "output": "letters"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and text.count('class="letter"') == 2
    assert "Sở Nội vụ" in text and "PAR SNV" in text and "<svg" in text
    codes = [line.strip() for line in text.splitlines() if line.strip().startswith('<p class="code">')]
    assert len(codes) == 2 and len(codes[0]) == len('<p class="code">XXXX-XXXX-XXXX-XXXX</p>')


def test_revoke_and_mark_change_the_participation_counts(running, world):
    rows = list(csv.DictReader(io.StringIO(post(running, "/console/surveys/snv-2026/codes", {
        "unit": "HP-SNV", "group": "dept_leader", "count": "3", "output": "csv"}).get_data(as_text=True)
        .lstrip("\ufeff"))))
    codes = [r["code"] for r in rows]
    post(running, "/console/surveys/snv-2026/revoke", {"code": codes[0]})
    post(running, "/console/surveys/snv-2026/mark", {"code": codes[1], "disposition": "refused"})
    wrong = post(running, "/console/surveys/snv-2026/mark", {"code": "0000-0000-0000-0000", "disposition": "refused"})
    assert wrong.status_code == 302
    participation = running.get("/console/surveys/snv-2026/participation?format=csv").get_data(as_text=True)
    (row,) = csv.DictReader(io.StringIO(participation.lstrip("\ufeff")))
    assert (row["issued"], row["not_eligible"], row["refused"], row["not_opened"]) == ("3", "1", "1", "1")
    assert audit_actions(world)[-3:] == ["code_revoked", "invitation_marked", "export"]


def test_a_coordinator_cannot_issue_or_revoke_outside_its_units(running, world):
    rows = list(csv.DictReader(io.StringIO(post(running, "/console/surveys/snv-2026/codes", {
        "unit": "HP-SNV", "group": "dept_leader", "count": "1"}).get_data(as_text=True).lstrip("\ufeff"))))
    outside = post(running, "/console/surveys/snv-2026/codes", {"unit": "HP", "group": "dept_leader", "count": "1"})
    assert outside.status_code == 403
    other = logged_in(world.test_client(), "district@hp.vn")
    assert "snv-2026" in running.get("/console/").get_data(as_text=True)
    assert "snv-2026" not in other.get("/console/").get_data(as_text=True)
    assert other.get("/console/surveys/snv-2026").status_code == 403
    assert post(other, "/console/surveys/snv-2026/revoke", {"code": rows[0]["code"]}).status_code == 403


def test_a_poster_for_an_open_survey_unit(world):
    client = logged_in(world.test_client(), "dept@hp.vn")
    with world.app_context():
        version_id = str(db.session.execute(db.text("SELECT id FROM questionnaire_version")).scalar())
    assert create(client, world, version_id, slug="snv-open", access="open", groups="citizen").status_code == 302
    poster = client.get("/console/surveys/snv-open/poster?unit=HP-SNV").get_data(as_text=True)
    assert "http://localhost/o/snv-open/HP-SNV" in poster and "<svg" in poster and "Sở Nội vụ" in poster
    assert client.get("/console/surveys/snv-open/poster?unit=NOPE").status_code == 404


@pytest.fixture
def pdf_rendering():
    from tests.tools import require_pdf_rendering

    require_pdf_rendering()


def _pdf_pages(data: bytes) -> list[str]:
    """Each page's text, NFC (the PDF's text layer may spell a Vietnamese letter as base + marks)."""
    import unicodedata

    from pypdf import PdfReader

    return [unicodedata.normalize("NFC", page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def test_letters_as_pdf_one_page_per_letter_with_the_code_and_the_unit_in_vietnamese(running, world, pdf_rendering):
    response = post(running, "/console/surveys/snv-2026/codes", {"unit": "HP-SNV", "group": "dept_leader",
                                                                   "count": "3", "output": "letters_pdf"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    pages = _pdf_pages(response.data)
    assert len(pages) == 3
    codes = set()
    for text in pages:
        assert "Sở Nội vụ" in text and "PAR SNV" in text and "Mã cá nhân" in text.replace("\n", " ")
        found = {c for c in re.findall(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", text)}
        assert len(found) == 1, text
        codes |= found
    assert len(codes) == 3, "each page carries its own code"
    with world.app_context():
        assert all(invitations.find_invitation(code).survey.slug == "snv-2026" for code in codes)
        stored = " ".join(i.code_hash for i in db.session.query(Invitation))
        assert not any(code in stored or code.replace("-", "") in stored for code in codes)
    assert audit_actions(world)[-1] == "letters_printed"


def test_letters_pdf_in_english_follows_the_page_language(running, pdf_rendering):
    response = post(running, "/console/surveys/snv-2026/codes?lang=en", {
        "unit": "HP-SNV", "group": "dept_leader", "count": "1", "output": "letters_pdf"})
    (text,) = _pdf_pages(response.data)
    assert "Your personal code" in text and "Department of Home Affairs" in text


def test_the_pdf_renderer_fetches_nothing_but_data_urls(app, monkeypatch, pdf_rendering):
    from survey_app.console import printing

    seen = []
    original = printing.only_data_urls().fetch
    monkeypatch.setattr(printing.only_data_urls(), "fetch", lambda url, *a, **k: seen.append(url) or original(url))
    printing.pdf_from_html('<img src="http://127.0.0.1:9/x.png"><img src="file:///etc/passwd">'
                           '<link rel="stylesheet" href="https://example.org/a.css"><p>ở</p>')
    assert {url.split(":")[0] for url in seen} == {"http", "file", "https"}, "every resource goes to the fetcher"
    for url in seen:
        with pytest.raises(ValueError, match="disallowed protocol"):
            original(url)


def test_a_poster_as_pdf(world, pdf_rendering):
    client = logged_in(world.test_client(), "dept@hp.vn")
    with world.app_context():
        version_id = str(db.session.execute(db.text("SELECT id FROM questionnaire_version")).scalar())
    assert create(client, world, version_id, slug="snv-open", access="open", groups="citizen").status_code == 302
    response = client.get("/console/surveys/snv-open/poster?unit=HP-SNV&format=pdf")
    assert response.mimetype == "application/pdf"
    (text,) = _pdf_pages(response.data)
    assert "Sở Nội vụ" in text and "http://localhost/o/snv-open/HP-SNV" in text.replace("\n", "")


def test_a_pdf_that_cannot_be_rendered_issues_no_code(running, world, monkeypatch):
    from survey_app.console import invitations as console_invitations

    def broken(html: str) -> bytes:
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(console_invitations, "pdf_from_html", broken)
    failed = post(running, "/console/surveys/snv-2026/codes", {"unit": "HP-SNV", "group": "dept_leader", "count": "2",
                                                                 "output": "letters_pdf"})
    assert failed.status_code == 500 and "libpango" not in failed.get_data(as_text=True)  # an error page, no trace
    with world.app_context():
        assert db.session.query(Invitation).count() == 0
    assert "letters_printed" not in audit_actions(world)
