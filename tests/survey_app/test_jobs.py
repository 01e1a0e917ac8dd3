"""The job queue for real: jobs wait in the SQLite queue while no worker runs, a ``parsurvey worker`` started
later sends them, and a delivery the SMTP server refuses is retried by the worker and then arrives."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from survey_app import create_app, queue
from survey_app.extensions import db
from survey_app.models import MailLog
from survey_app.services import contacts
from survey_app.services.groups import get_group
from survey_app.services.surveys import get_survey
from survey_app.services.units import get_unit
from tests.conftest import TEST_PSEUDONYM_KEY
from tests.survey_app.mail_server import smtp_server


def worker_env(database_url: str, queue_url: str, port: int, instance) -> dict[str, str]:
    return {**os.environ, "PARSURVEY_DATABASE_URL": database_url, "PARSURVEY_QUEUE_URL": queue_url,
            "PARSURVEY_QUEUE_IMMEDIATE": "0", "PARSURVEY_SMTP_HOST": "127.0.0.1", "PARSURVEY_SMTP_PORT": str(port),
            "PARSURVEY_JOB_RETRIES": "3", "PARSURVEY_JOB_RETRY_DELAY": "1", "PARSURVEY_INSTANCE_PATH": str(instance),
            "PARSURVEY_SECRET_KEY": "test-secret", "PARSURVEY_PUBLIC_BASE_URL": "http://localhost",
            "PARSURVEY_PSEUDONYM_KEY": TEST_PSEUDONYM_KEY}


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "from survey_app.cli import main; main()", "worker"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def stop(worker: subprocess.Popen) -> str:
    worker.send_signal(signal.SIGINT)
    try:
        output, _ = worker.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        output, _ = worker.communicate()
    return output


def wait_for(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def statuses(app) -> list[tuple[str, int]]:
    with app.app_context(), db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(MailLog.status, MailLog.attempts).order_by(MailLog.id))]


@pytest.fixture(params=["sqlite", "redis"])
def queue_url(request, tmp_path) -> str:
    """The embedded default (a SQLite file) and the production backend (Redis; a random database of 1-15 so
    that parallel runs do not share a queue)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'queue.sqlite'}"
    import random

    from tests.tools import require_redis

    url = f"redis://127.0.0.1:6379/{random.randint(1, 15)}"
    require_redis(url)
    return url


@pytest.mark.slow
def test_jobs_wait_for_a_worker_and_a_refused_delivery_is_retried_by_it(surveys, database_url, tmp_path, queue_url):
    queued = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "test-secret", "TESTING": True,
                         "QUEUE_URL": queue_url, "QUEUE_IMMEDIATE": False,
                         "JOB_RETRIES": 3, "JOB_RETRY_DELAY": 1})  # a retry travels with its job
    try:
        with smtp_server() as (inbox, port), queued.app_context():
            people = [contacts.Contact("lan@example.vn", "Lan"), contacts.Contact("minh@example.vn", "Minh", "en")]
            contacts.issue_to_contacts(get_survey("named"), get_unit("HP-SNV"), get_group("dept_leader"), people)
            db.session.commit()
            db.session.remove()
            time.sleep(1)
            assert inbox.messages == [] and statuses(queued) == [("queued", 0)] * 2, "no worker yet: jobs wait"
            assert queue.huey.pending_count() == 2, "and they are stored in the queue, not in this process"

            inbox.refuse = 1  # the first delivery the worker tries is refused once ("try again later")
            worker = start_worker(worker_env(database_url, queue_url, port, tmp_path))
            try:
                arrived = wait_for(lambda: len(inbox.messages) == 2)
            finally:
                output = stop(worker)
            assert arrived, output
            assert inbox.recipients == ["lan@example.vn", "minh@example.vn"]
            assert sorted(statuses(queued)) == [("sent", 1), ("sent", 2)], "one delivery needed a retry"
            assert worker.returncode == 0, output
    finally:
        queue.huey.flush()
        with queued.app_context():
            db.engine.dispose()


def test_the_worker_refuses_to_start_in_immediate_mode(runner):
    result = runner.invoke(args=["worker"])
    assert result.exit_code == 1 and "PARSURVEY_QUEUE_IMMEDIATE" in result.output


def test_a_redis_queue_url_selects_redis_storage(database_url):
    from huey.storage import RedisStorage

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "test-secret",
                      "QUEUE_URL": "redis://127.0.0.1:6379/15", "QUEUE_IMMEDIATE": False})
    assert isinstance(queue.huey.storage, RedisStorage) and not queue.huey.immediate
    with app.app_context():
        db.engine.dispose()


def test_a_bad_queue_url_is_refused_with_a_message(database_url):
    with pytest.raises(SystemExit, match="PARSURVEY_QUEUE_URL must be empty, sqlite:///PATH or redis://"):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url, "QUEUE_URL": "amqp://x", "QUEUE_IMMEDIATE": False})


@pytest.mark.slow
def test_serve_runs_a_worker_beside_the_server_so_make_run_sends_e_mails(surveys, database_url, tmp_path,
                                                                          monkeypatch):
    """``make run`` ends in ``parsurvey serve``: its worker child shares the database and the instance queue."""
    from survey_app.commands.serve import start_worker, stop_worker

    with smtp_server() as (inbox, port):
        for name, value in worker_env(database_url, "", port, tmp_path).items():
            if name.startswith("PARSURVEY_"):
                monkeypatch.setenv(name, value)
        monkeypatch.delenv("PARSURVEY_QUEUE_URL")  # the default: instance/queue.sqlite
        served = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
        assert served.instance_path == str(tmp_path)
        with served.app_context():
            worker = start_worker()
            try:
                contacts.issue_to_contacts(get_survey("named"), get_unit("HP-SNV"), get_group("dept_leader"),
                                           [contacts.Contact("lan@example.vn", "Lan")])
                db.session.commit()
                assert wait_for(lambda: inbox.recipients == ["lan@example.vn"])
            finally:
                stop_worker(worker)
                db.session.remove()
                db.engine.dispose()
        assert worker.returncode == 0
        assert (tmp_path / "queue.sqlite").exists()


def test_a_bad_mail_setting_is_refused_with_a_message(monkeypatch):
    monkeypatch.setenv("PARSURVEY_SMTP_STARTTLS", "maybe")
    with pytest.raises(SystemExit, match="PARSURVEY_SMTP_STARTTLS must be true or false, got 'maybe'"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
