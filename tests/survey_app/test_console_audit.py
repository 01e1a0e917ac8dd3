"""The audit log: staff actions with who, when and what; admins filter it and download it as CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from survey_app.extensions import db
from survey_app.models import AuditEntry
from tests.survey_app.console_support import logged_in, login, make_staff


@pytest.fixture
def admin(app):
    with app.app_context():
        make_staff("admin@tinh.gov.vn", "admin")
        make_staff("analyst@tinh.gov.vn", "analyst")
    client = app.test_client()
    login(client, "analyst@tinh.gov.vn", "not the password")
    logged_in(app.test_client(), "analyst@tinh.gov.vn")
    with app.app_context():
        old = AuditEntry(actor="cli", action="user_created", target="old@tinh.gov.vn",
                         at=datetime.now(UTC) - timedelta(days=40))
        db.session.add(old)
        db.session.commit()
    return logged_in(client, "admin@tinh.gov.vn")


def test_the_admin_sees_who_did_what_and_when_in_vietnam_time(admin):
    text = admin.get("/console/audit?lang=en").get_data(as_text=True)
    assert "login_failed" in text and "analyst@tinh.gov.vn" in text and "(UTC+07:00)" in text
    assert text.index("admin@tinh.gov.vn</td><td>login") < text.index("<td>login_failed</td>")  # newest first


def test_filters_by_action_person_and_days(admin):
    failed = admin.get("/console/audit?action=login_failed").get_data(as_text=True)
    assert failed.count("<td>login_failed</td>") == 1 and "<td>login</td>" not in failed
    by_person = admin.get("/console/audit?actor=ADMIN@").get_data(as_text=True)
    assert "admin@tinh.gov.vn" in by_person and "analyst@tinh.gov.vn" not in by_person
    today = datetime.now(UTC).date()
    recent = admin.get(f"/console/audit?since={today - timedelta(days=1)}").get_data(as_text=True)
    assert "old@tinh.gov.vn" not in recent and "<td>login_failed</td>" in recent
    older = admin.get(f"/console/audit?until={today - timedelta(days=30)}").get_data(as_text=True)
    assert "old@tinh.gov.vn" in older and "<td>login_failed</td>" not in older


def test_a_bad_filter_is_explained_not_a_crash(admin):
    response = admin.get("/console/audit?since=29/11/2026&action=hack&lang=en")
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "29/11/2026 is not a date (YYYY-MM-DD)." in text and "Unknown action hack." in text


def test_csv_export_holds_the_filtered_entries_and_is_itself_recorded(admin, app):
    response = admin.get("/console/audit?format=csv&action=login")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["actor"] for r in rows] == ["admin@tinh.gov.vn", "analyst@tinh.gov.vn"]
    assert all(r["action"] == "login" and r["at"].endswith("(UTC+07:00)") for r in rows)
    with app.app_context():
        export = db.session.query(AuditEntry).filter_by(action="export").one()
        assert export.actor == "admin@tinh.gov.vn" and export.target == "audit log"


def test_no_one_else_reads_the_audit_log(app, admin):
    analyst = logged_in(app.test_client(), "analyst@tinh.gov.vn")
    assert analyst.get("/console/audit").status_code == 403
    assert analyst.get("/console/audit?format=csv").status_code == 403
