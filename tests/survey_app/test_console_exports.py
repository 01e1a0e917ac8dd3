"""Exports from the console: an analyst starts one, the job queue writes it (never the request), the page shows
its progress without script and then a download link only its requester and admins can use; the file goes when
its time is up; a job that keeps failing is retried and then shown as failed with the reason."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from survey_app import create_app, queue
from survey_app.extensions import db
from survey_app.models import AuditEntry, ExportJob
from survey_app.services import responses
from tests.survey_app.conftest import DURING
from tests.survey_app.console_support import csrf_token, logged_in, make_staff


@pytest.fixture
def world(app, surveys):
    survey = surveys["anonymous"]
    for unit in ("HP-SNV", "HP-HB"):
        responses.store_paper(survey, surveys[unit], survey.groups[0], {"Q1": "2", "Q5": "Góp ý tiếng Việt"},
                              uuid.uuid4(), DURING.date())
    db.session.commit()
    for email, role, unit in [("analyst@example.vn", "analyst", None), ("other@example.vn", "analyst", None),
                              ("admin@example.vn", "admin", None), ("coord@example.vn", "coordinator", "HP-SNV")]:
        make_staff(email, role, unit)
    return app


def start(client, fmt="csv", language="vi"):
    token = csrf_token(client, "/console/surveys/anon/exports")
    return client.post("/console/surveys/anon/exports", data={"format": fmt, "language": language,
                                                              "csrf_token": token})


def english(client, url: str) -> str:
    """The page in English (the test body's app context is shared with requests: drop its cached locale)."""
    from flask_babel import refresh

    refresh()
    return client.get(url + "?lang=en").get_data(as_text=True)


def only_job() -> ExportJob:
    db.session.expire_all()
    [job] = db.session.query(ExportJob).all()
    return job


def test_an_analyst_exports_from_the_console_and_downloads_the_file(world):
    client = logged_in(world.test_client(), "analyst@example.vn")
    response = start(client, "csv", "en")
    assert response.status_code == 302 and "/console/exports/" in response.headers["Location"]
    page = english(client, response.headers["Location"])
    assert "done" in page and "2 responses written" in page
    assert 'http-equiv="refresh"' not in page, "a finished export stops reloading"
    job = only_job()
    assert (job.status, job.rows_done, job.rows_total, job.format, job.language) == ("done", 2, 2, "csv", "en")
    assert f"/console/exports/{job.id}/files/anon.csv" in page and "anon.codebook.json" in page
    download = client.get(f"/console/exports/{job.id}/files/anon.csv")
    assert download.status_code == 200 and download.headers["Cache-Control"] == "no-store"
    assert "attachment" in download.headers["Content-Disposition"]
    body = download.get_data()
    assert body.startswith(b"\xef\xbb\xbfresponse_id,") and "Góp ý tiếng Việt".encode() in body
    assert body.count(b"\n") == 3
    entry = db.session.query(AuditEntry).filter_by(action="export", actor="analyst@example.vn").one()
    assert entry.target == "anon" and "csv" in entry.detail and "en" in entry.detail
    assert Path(world.instance_path, "exports", job.folder, "anon.csv").is_file(), "kept in the instance folder"


def test_only_the_requester_and_admins_may_see_or_download_an_export(world):
    start(logged_in(world.test_client(), "analyst@example.vn"), "xlsx")
    job = only_job()
    other = logged_in(world.test_client(), "other@example.vn")
    assert other.get(f"/console/exports/{job.id}").status_code == 403
    assert other.get(f"/console/exports/{job.id}/files/anon.xlsx").status_code == 403
    assert f"/console/exports/{job.id}" not in other.get("/console/surveys/anon/exports").get_data(as_text=True)
    admin = logged_in(world.test_client(), "admin@example.vn")
    assert admin.get(f"/console/exports/{job.id}/files/anon.xlsx").status_code == 200
    assert admin.get(f"/console/exports/{job.id}/files/secret_key").status_code == 404
    coordinator = logged_in(world.test_client(), "coord@example.vn")
    assert coordinator.get("/console/surveys/anon/exports").status_code == 403


def test_a_bad_format_is_refused_with_a_message(world):
    client = logged_in(world.test_client(), "analyst@example.vn")
    response = start(client, "ods")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Chưa bắt đầu" in page and "unknown export format &#39;ods&#39;" in page
    assert db.session.query(ExportJob).count() == 0


def test_an_expired_export_is_deleted_on_download_and_by_the_worker(world):
    from survey_app.jobs.exports import expire_export_job

    client = logged_in(world.test_client(), "analyst@example.vn")
    start(client, "sav")
    start(client, "dta")
    first, second = sorted(db.session.query(ExportJob).all(), key=lambda j: j.id)
    folders = [Path(world.instance_path, "exports", j.folder) for j in (first, second)]
    assert all(f.is_dir() for f in folders)
    for job in (first, second):
        job.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    response = client.get(f"/console/exports/{first.id}/files/anon.sav")
    assert response.status_code == 302
    assert "has expired and its file was deleted" in english(client, response.headers["Location"])
    assert not folders[0].exists()
    expire_export_job(second.id)  # what the worker runs when the time is up
    assert not folders[1].exists()
    db.session.expire_all()
    assert {first.status, second.status} == {"expired"}


def test_the_progress_page_reloads_itself_without_script(world):
    client = logged_in(world.test_client(), "analyst@example.vn")
    start(client)
    job = only_job()
    job.status, job.rows_done, job.rows_total = "running", 400, 1000
    db.session.commit()
    page = english(client, f"/console/exports/{job.id}")
    assert '<meta http-equiv="refresh" content="5">' in page and "<script" not in page
    assert "400 of 1000 responses written (40%)" in page
    assert f'href="/console/exports/{job.id}"' in page, "and a reload link"


def test_a_failing_export_is_retried_and_then_reported_as_failed(world, monkeypatch):
    from survey_app.services import export_jobs

    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        raise OSError("disk full")

    monkeypatch.setattr(export_jobs, "export_responses", broken)
    world.config.update(JOB_RETRIES=2, JOB_RETRY_DELAY=0)
    queue.init_app(world)
    client = logged_in(world.test_client(), "analyst@example.vn")
    start(client)
    job = only_job()
    assert len(calls) == 3, "the first attempt and two retries"
    assert (job.status, job.attempts, job.error) == ("failed", 3, "disk full")
    page = english(client, f"/console/exports/{job.id}")
    assert "The export failed after 3 attempts: disk full" in page
    assert not Path(world.instance_path, "exports", job.folder).exists()


def test_the_request_only_queues_the_export_and_the_worker_writes_it(world, database_url, tmp_path):
    queued = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "test-secret", "TESTING": True,
                         "QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite'}", "QUEUE_IMMEDIATE": False,
                         "RATELIMIT_STORAGE_URI": "memory://"})
    queued.instance_path = world.instance_path
    try:
        with queued.app_context():
            client = logged_in(queued.test_client(), "analyst@example.vn")
            start(client, "csv")
            job = only_job()
            assert job.status == "queued" and queue.huey.pending_count() == 1, "the request wrote no file"
            assert "0 of 2 responses written" in english(client, f"/console/exports/{job.id}")
            queue.huey.execute(queue.huey.dequeue())  # what `parsurvey worker` does with it
            job = only_job()
            assert job.status == "done" and job.rows_done == 2
    finally:
        queue.huey.flush()
        with queued.app_context():
            db.engine.dispose()
        queue.init_app(world)


def test_data_that_cannot_be_written_fails_at_once_with_the_reason(world, monkeypatch):
    from survey_app.services import export_jobs
    from survey_app.services.errors import OperatorError

    def refused(*args, **kwargs):
        raise OperatorError("variable Q2: stored value 'abc' is not a number")

    monkeypatch.setattr(export_jobs, "export_responses", refused)
    world.config.update(JOB_RETRIES=2, JOB_RETRY_DELAY=0)
    queue.init_app(world)
    client = logged_in(world.test_client(), "analyst@example.vn")
    start(client, "sav")
    job = only_job()
    assert (job.status, job.attempts) == ("failed", 1), "retrying cannot change the stored data"
    assert "stored value &#39;abc&#39; is not a number" in english(client, f"/console/exports/{job.id}")
