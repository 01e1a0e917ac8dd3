"""E-mailed invitations and reminders, checked at a real SMTP server: reminders reach only the non-completers.

Jobs run at once in these tests (``PARSURVEY_QUEUE_IMMEDIATE``); ``test_jobs.py`` runs them through a worker.
"""

from __future__ import annotations

import csv
import re

import pytest
import sqlalchemy as sa

from survey_app import queue
from survey_app.extensions import db
from survey_app.models import InvitationContact, MailLog
from survey_app.services import contacts, drafts, invitations, responses
from tests.survey_app.conftest import DURING
from tests.survey_app.mail_server import smtp_server

CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


@pytest.fixture
def inbox(app):
    """An SMTP server the app sends to; jobs retried twice, at once (no delay between attempts)."""
    with smtp_server() as (inbox, port):
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_FROM="khaosat@snv.haiphong.gov.vn",
                          JOB_RETRIES=2, JOB_RETRY_DELAY=0, MAIL_PER_MINUTE=1000)
        queue.init_app(app)
        yield inbox


def write_emails(path, rows, header=("email", "name", "language")):
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


PEOPLE = [("lan@example.vn", "Nguyễn Thị Lan", "vi"), ("minh@example.vn", "Trần Văn Minh", "en"),
          ("hoa@example.vn", "", "")]


def issue_by_email(runner, tmp_path, survey="named", unit="HP-SNV", people=PEOPLE):
    out = tmp_path / "codes.csv"
    result = runner.invoke(args=["invitations", "issue", "--survey", survey, "--unit", unit, "--group",
                                 "dept_leader", "--emails", str(write_emails(tmp_path / "people.csv", people)),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig") as fh:
        return {row["email"]: row["code"] for row in csv.DictReader(fh)}


def log_rows():
    with db.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(MailLog.__table__).order_by("id"))]


def test_issuing_with_an_emails_file_mails_each_person_their_own_link_in_both_languages(
        surveys, runner, tmp_path, inbox):
    codes = issue_by_email(runner, tmp_path)

    assert inbox.recipients == sorted(codes)
    lan, minh = inbox.text("lan@example.vn"), inbox.text("minh@example.vn")
    assert f"http://localhost/s/{codes['lan@example.vn']}" in lan
    assert CODE.findall(lan) == [codes["lan@example.vn"]] * 4, "link and code in each language, nobody else's"
    assert lan.index("Kính gửi Ông/Bà Nguyễn Thị Lan") < lan.index("Dear Nguyễn Thị Lan"), "Vietnamese first"
    assert minh.index("Dear Trần Văn Minh") < minh.index("Kính gửi Ông/Bà Trần Văn Minh"), "his language first"
    assert "Sở Nội vụ" in lan and "Department of Home Affairs" in lan
    assert "Kính gửi Ông/Bà," in inbox.text("hoa@example.vn"), "no name: a polite general greeting"
    [subject] = [m["Subject"] for m in inbox.messages if m["To"] == "lan@example.vn"]
    assert "Identified" in subject
    assert all(m["From"] == "khaosat@snv.haiphong.gov.vn" for m in inbox.messages)
    # the e-mailed code is the one that opens the survey; the database still holds only its hash
    assert invitations.find_invitation(codes["lan@example.vn"]).survey.slug == "named"
    assert [(r["kind"], r["status"], r["attempts"]) for r in log_rows()] == [("invitation", "sent", 1)] * 3
    with db.engine.connect() as conn:
        stored = " ".join(str(v) for t in ("invitation", "invitation_contact", "mail_log")
                          for row in conn.execute(sa.text(f"SELECT * FROM {t}")) for v in row)  # noqa: S608
    assert not any(code in stored for code in codes.values())


def test_a_bad_emails_file_is_reported_by_row_and_issues_nothing(surveys, runner, tmp_path, inbox):
    people = write_emails(tmp_path / "people.csv", [("lan@example.vn", "Lan", "vi"), ("not an address", "", ""),
                                                     ("LAN@example.vn", "", "fr"),
                                                     ("a@example.vn,b@example.vn", "", "")])
    result = runner.invoke(args=["invitations", "issue", "--survey", "named", "--unit", "HP-SNV", "--group",
                                 "dept_leader", "--emails", str(people), "--out", str(tmp_path / "c.csv")])
    assert result.exit_code == 1
    assert f"{people}:3: email: 'not an address' is not an e-mail address" in result.output
    assert f"{people}:4: email: LAN@example.vn is already on row 2" in result.output
    assert f"{people}:4: language: 'fr' must be vi or en" in result.output
    assert f"{people}:5: email: 'a@example.vn,b@example.vn' is not an e-mail address" in result.output
    assert "Traceback" not in result.output
    assert inbox.messages == [] and log_rows() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InvitationContact)) == 0


def complete(code, questionnaire):
    draft = drafts.open_for_invitation(invitations.find_invitation(code), DURING)
    drafts.save_page(draft, "S1", {"Q1": "2"}, questionnaire)
    responses.submit(draft, questionnaire, now=DURING)


def start(code, questionnaire):
    draft = drafts.open_for_invitation(invitations.find_invitation(code), DURING)
    drafts.save_page(draft, "S1", {"Q1": "1"}, questionnaire)


@pytest.fixture
def mixed(surveys, runner, tmp_path, inbox, storage_questionnaire):
    """Six people of HP-SNV e-mailed: done completed, busy started, idle never opened, gone revoked,
    no refused; plus far (HP-HB) never opened. The invitation e-mails are then cleared from the inbox."""
    people = [(f"{who}@example.vn", who.title(), "vi") for who in ("done", "busy", "idle", "gone", "no")]
    codes = issue_by_email(runner, tmp_path, survey="anon", people=people)
    codes |= issue_by_email(runner, tmp_path, survey="anon", unit="HP-HB", people=[("far@example.vn", "Far", "en")])
    complete(codes["done@example.vn"], storage_questionnaire)
    start(codes["busy@example.vn"], storage_questionnaire)
    invitations.revoke(codes["gone@example.vn"])
    contacts.record_refusal(surveys["anonymous"], "NO@example.vn", DURING.date())
    db.session.commit()
    inbox.messages.clear()
    return codes


def age_the_log(days: int) -> None:
    """Pretend every e-mail so far was sent ``days`` ago."""
    from datetime import UTC, datetime, timedelta

    db.session.execute(sa.update(MailLog).values(sent_at=datetime.now(UTC) - timedelta(days=days)))
    db.session.commit()


def test_reminders_reach_only_invitations_not_completed_revoked_or_refused(mixed, runner, inbox):
    age_the_log(8)
    result = runner.invoke(args=["reminders", "send", "--survey", "anon"])
    assert result.exit_code == 0, result.output
    assert "3 reminder(s) queued" in result.output
    assert inbox.recipients == ["busy@example.vn", "far@example.vn", "idle@example.vn"]

    reminder = inbox.text("idle@example.vn")
    assert "Chúng tôi chưa nhận được" in reminder and "We have not yet received" in reminder
    assert "letter or e-mail you received" in reminder
    assert not CODE.search(reminder), "the server keeps no code, so a reminder cannot carry one"
    assert all(code not in reminder for code in mixed.values())


def test_reminders_can_be_limited_to_a_unit_and_are_not_repeated_within_the_interval(mixed, runner, inbox):
    result = runner.invoke(args=["reminders", "send", "--survey", "anon", "--unit", "HP-HB"])
    assert "0 reminder(s) queued" in result.output, "the invitation e-mail went less than 7 days ago"
    age_the_log(8)
    runner.invoke(args=["reminders", "send", "--survey", "anon", "--unit", "HP-HB"])
    assert inbox.recipients == ["far@example.vn"]
    result = runner.invoke(args=["reminders", "send", "--survey", "anon", "--unit", "HP-HB"])
    assert "0 reminder(s) queued" in result.output and inbox.recipients == ["far@example.vn"]


def test_a_reminder_whose_person_completes_before_its_turn_is_skipped(mixed, inbox, storage_questionnaire):
    from survey_app.jobs.tasks import deliver_mail

    idle = invitations.find_invitation(mixed["idle@example.vn"])
    entry = MailLog(invitation=idle, kind="reminder", recipient="idle@example.vn", status="queued")
    db.session.add(entry)
    db.session.commit()
    complete(mixed["idle@example.vn"], storage_questionnaire)
    db.session.commit()
    deliver_mail(entry.id)
    assert inbox.messages == []
    assert log_rows()[-1]["status"] == "skipped"


def test_a_refused_delivery_is_retried_and_then_sent(surveys, runner, tmp_path, inbox):
    inbox.refuse = 1  # the server says "try again later" once
    issue_by_email(runner, tmp_path, people=[("lan@example.vn", "Lan", "vi")])
    assert inbox.recipients == ["lan@example.vn"]
    [row] = log_rows()
    assert (row["status"], row["attempts"], row["error"]) == ("sent", 2, None)


def test_a_delivery_that_keeps_failing_is_reported_as_failed_in_the_log(surveys, runner, tmp_path, inbox):
    inbox.refuse = -1  # the server never accepts
    issue_by_email(runner, tmp_path, people=[("lan@example.vn", "Lan", "vi")])
    [row] = log_rows()
    assert (row["status"], row["attempts"]) == ("failed", 3), "the first attempt and two retries"
    assert "451" in row["error"] and "try again later" in row["error"]
    result = runner.invoke(args=["reminders", "log", "--survey", "named"])
    assert result.exit_code == 0
    assert re.search(r"invitation\s+failed\s+3x lan@example.vn\s+named HP-SNV dept_leader .*451", result.output)


def test_the_throttle_holds_messages_beyond_the_rate_for_the_next_minute(surveys, runner, tmp_path, app, inbox):
    app.config["MAIL_PER_MINUTE"] = 2
    issue_by_email(runner, tmp_path)
    assert len(inbox.messages) == 2
    assert sorted(r["status"] for r in log_rows()) == ["queued", "sent", "sent"], "the third waits its minute"


def test_the_mail_log_is_limited_to_a_coordinators_units(mixed, runner):
    from survey_app.services.reminders import mail_log

    lines = mail_log(units=[mixed_unit("HP-HB")])
    assert [(line.recipient, line.kind, line.status, line.unit) for line in lines] == [
        ("far@example.vn", "invitation", "sent", "HP-HB")]
    assert lines[0].sent_at is not None
    result = runner.invoke(args=["reminders", "log", "--unit", "HP-SNV", "--format", "csv"])
    rows = list(csv.DictReader(result.output.splitlines()))
    assert sorted(r["recipient"] for r in rows) == [f"{w}@example.vn" for w in ("busy", "done", "gone", "idle", "no")]


def mixed_unit(code):
    from survey_app.services.units import get_unit

    return get_unit(code)


def test_nonresponders_of_a_unit_as_csv_for_the_focal_point(mixed, runner, tmp_path, surveys):
    invitations.issue(surveys["anonymous"], surveys["HP-SNV"], surveys["anonymous"].groups[0], 1)  # a letter only
    db.session.commit()
    out = tmp_path / "laggards.csv"
    result = runner.invoke(args=["report", "nonresponders", "--survey", "anon", "--unit", "HP-SNV", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbf"), "a BOM, so Excel shows Vietnamese"
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["unit"], r["unit_name"], r["status"], r["email"], r["emails_sent"]) for r in rows] == [
        ("HP-SNV", "Sở Nội vụ", "started", "busy@example.vn", "1"),
        ("HP-SNV", "Sở Nội vụ", "not opened", "idle@example.vn", "1"),
        ("HP-SNV", "Sở Nội vụ", "not opened", "", "0"),
    ]
    assert rows[0]["name"] == "Busy" and rows[0]["last_emailed"]


def test_commands_refuse_bad_input_with_a_message(surveys, runner, tmp_path):
    result = runner.invoke(args=["reminders", "send", "--survey", "open"])
    assert result.exit_code == 1 and "open-link survey" in result.output
    result = runner.invoke(args=["reminders", "refused", "--survey", "anon", "nobody@example.vn"])
    assert result.exit_code == 1 and "no invitation of survey 'anon' has the e-mail" in result.output
    result = runner.invoke(args=["report", "nonresponders", "--survey", "nope", "--out", str(tmp_path / "x.csv")])
    assert result.exit_code == 1 and "no survey has the slug 'nope'" in result.output


def test_a_job_deferred_in_a_rolled_back_transaction_is_never_sent(surveys, inbox):
    people = [contacts.Contact("lan@example.vn", "Lan")]
    contacts.issue_to_contacts(surveys["identified"], surveys["HP-SNV"], surveys["identified"].groups[0], people)
    db.session.rollback()
    db.session.commit()
    assert inbox.messages == [] and log_rows() == []


def test_a_reminder_round_asked_for_by_the_console_runs_as_a_job_after_commit(mixed, surveys, inbox):
    from survey_app.services.reminders import request_reminders

    age_the_log(8)
    request_reminders(surveys["anonymous"], [surveys["HP-SNV"]])
    assert inbox.messages == [], "nothing leaves before the caller commits"
    db.session.commit()
    assert inbox.recipients == ["busy@example.vn", "idle@example.vn"]


def test_no_reminder_round_for_a_closed_survey(surveys, storage_questionnaire, runner):
    from datetime import UTC, datetime

    from survey_app.services.questionnaire_versions import publish_questionnaire
    from survey_app.services.surveys import create_survey

    create_survey(slug="past", title="Past", anonymous=True, access="invitation", groups=["dept_leader"],
                  questionnaire_version=publish_questionnaire(storage_questionnaire),
                  opens_at=datetime(2020, 1, 1, tzinfo=UTC), closes_at=datetime(2020, 2, 1, tzinfo=UTC))
    db.session.commit()
    result = runner.invoke(args=["reminders", "send", "--survey", "past"])
    assert result.exit_code == 1
    assert "survey 'past' is closed: reminders go only while it is open" in result.output


def test_emails_added_to_a_codes_file_make_letters_remindable(surveys, runner, tmp_path, inbox):
    out = tmp_path / "codes.csv"
    result = runner.invoke(args=["invitations", "issue", "--survey", "named", "--unit", "HP-SNV", "--group",
                                 "dept_leader", "--count", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    rows[0] |= {"email": "lan@example.vn", "name": "Lan"}
    rows[1] |= {"email": "minh@example.vn", "language": "en"}
    with out.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.DictWriter(fh, fieldnames=["survey", "unit", "group", "code", "url", "email", "name", "language"],
                                restval="")
        writer.writeheader()
        writer.writerows(rows)

    result = runner.invoke(args=["invitations", "emails", str(out), "--send-invitations"])
    assert result.exit_code == 0, result.output
    assert "2 invitation(s) now have an e-mail" in result.output
    assert inbox.recipients == ["lan@example.vn", "minh@example.vn"]
    assert rows[0]["code"] in inbox.text("lan@example.vn")
    assert db.session.get(InvitationContact, invitations.find_invitation(rows[1]["code"]).id).language == "en"


def test_an_emails_file_with_an_unknown_code_stores_nothing(surveys, runner, tmp_path):
    bad = write_emails(tmp_path / "e.csv", [("0000-0000-0000-0000", "lan@example.vn")], header=("code", "email"))
    result = runner.invoke(args=["invitations", "emails", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:2: code: no invitation has the code '0000-0000-0000-0000'" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InvitationContact)) == 0


def test_a_delivery_lost_by_a_killed_worker_holds_the_person_back_only_for_the_interval(mixed, runner, inbox):
    from datetime import UTC, datetime, timedelta

    far = invitations.find_invitation(mixed["far@example.vn"])
    lost = MailLog(invitation=far, kind="reminder", recipient="far@example.vn", status="queued",
                   queued_at=datetime.now(UTC) - timedelta(days=3))
    db.session.add(lost)
    age_the_log(8)
    db.session.execute(sa.update(MailLog).where(MailLog.id == lost.id).values(queued_at=datetime.now(UTC) -
                                                                               timedelta(days=3)))
    db.session.commit()
    runner.invoke(args=["reminders", "send", "--survey", "anon", "--unit", "HP-HB"])
    assert inbox.messages == [], "queued three days ago: it may still go"
    db.session.execute(sa.update(MailLog).where(MailLog.id == lost.id).values(queued_at=datetime.now(UTC) -
                                                                               timedelta(days=8)))
    db.session.commit()
    runner.invoke(args=["reminders", "send", "--survey", "anon", "--unit", "HP-HB"])
    assert inbox.recipients == ["far@example.vn"]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # a loopback test server
def test_the_smtp_login_settings_are_used(surveys, runner, tmp_path, app):
    from tests.survey_app.mail_server import smtp_server

    with smtp_server(login=("khaosat", "s3cret")) as (inbox, port):
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_USER="khaosat", SMTP_PASSWORD="s3cret",
                          JOB_RETRIES=0, JOB_RETRY_DELAY=0, SMTP_TIMEOUT=10)
        queue.init_app(app)
        issue_by_email(runner, tmp_path, people=[("lan@example.vn", "Lan", "vi")])
        assert inbox.recipients == ["lan@example.vn"], "the server accepts mail only after this login"
        assert [r["status"] for r in log_rows()] == ["sent"]
