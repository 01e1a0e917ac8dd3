"""Jobs survive the death of the worker running them: a worker killed mid-export leaves the export "running" only
until a worker starts again, which runs it to the end; every job is written down while it runs and struck off when
it ends, and a job whose process is gone is queued again exactly once (see ``survey_app.queue_recovery``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from survey_app import create_app, queue
from survey_app.extensions import db
from survey_app.models import ExportJob, MailLog
from survey_app.queue_recovery import Holder, birth_of, in_flight, reclaim_abandoned, record, this_process
from survey_app.services import contacts, export_jobs, responses
from survey_app.services.groups import get_group
from survey_app.services.surveys import get_survey
from survey_app.services.units import get_unit
from tests.survey_app.conftest import DURING
from tests.survey_app.console_support import make_staff
from tests.survey_app.mail_server import smtp_server
from tests.survey_app.test_jobs import start_worker, stop, wait_for, worker_env

# The worker ``parsurvey worker`` runs, save that writing an export kills its own process, as the kernel's
# out-of-memory killer would: no exception, no clean-up, nothing struck off.
CRASHING_WORKER = """
import os, signal
from survey_app import create_app
from survey_app.commands.worker import consumer
from survey_app.services import export_jobs

def killed(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

export_jobs.export_responses = killed
app = create_app()
with app.app_context():
    consumer(1).run()
"""


def queue_url_for(backend: str, tmp_path: Path) -> str:
    """The embedded default (a SQLite file) or Redis (a random database of 1-15, as in test_jobs.py)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'queue.sqlite'}"
    import random

    from tests.tools import require_redis

    url = f"redis://127.0.0.1:6379/{random.randint(1, 15)}"
    require_redis(url)
    return url


@pytest.fixture
def queued(surveys, database_url, tmp_path, request):
    """An app whose jobs wait in a real queue (SQLite unless the test asks for Redis), run here one by one as the
    worker's threads run them."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "test-secret", "TESTING": True,
                      "QUEUE_URL": queue_url_for(getattr(request, "param", "sqlite"), tmp_path),
                      "QUEUE_IMMEDIATE": False, "PUBLIC_BASE_URL": "http://localhost", "JOB_RETRIES": 2,
                      "JOB_RETRY_DELAY": 60})
    app.instance_path = str(tmp_path)
    try:
        with app.app_context():
            yield app
            db.session.remove()
    finally:
        queue.huey.flush()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def dead_holder() -> Holder:
    """The holder a process of this machine that is gone would have left."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        holder = replace(this_process(), pid=process.pid, birth=birth_of(process.pid), run="gone")
    finally:
        process.kill()
        process.wait()
    return holder


def run_next() -> None:
    """Take the next job and run it, as a worker's thread does."""
    task = queue.huey.dequeue()
    assert task is not None, "a job should be waiting"
    queue.huey.execute(task)


def invite(email: str = "lan@example.vn") -> MailLog:
    contacts.issue_to_contacts(get_survey("named"), get_unit("HP-SNV"), get_group("dept_leader"),
                               [contacts.Contact(email, "Lan")])
    db.session.commit()
    return db.session.query(MailLog).filter_by(recipient=email).one()


def status_of(entry) -> str:
    db.session.rollback()  # a fresh look (a SQLite reader keeps its snapshot while its transaction lasts)
    return db.session.get(type(entry), entry.id).status


def request_export(survey_slug: str = "anon") -> ExportJob:
    survey = get_survey(survey_slug)
    for unit in ("HP-SNV", "HP-HB"):
        responses.store_paper(survey, get_unit(unit), survey.groups[0], {"Q1": "2"}, uuid.uuid4(), DURING.date())
    db.session.commit()
    job = export_jobs.request_export(survey, make_staff("analyst@example.vn", "analyst"), "csv", "en")
    db.session.commit()
    return job


@pytest.mark.slow
@pytest.mark.parametrize("queued", ["sqlite", "redis"], indirect=True)
def test_an_export_whose_worker_is_killed_mid_way_is_finished_by_the_next_worker(queued, database_url, tmp_path):
    job = request_export()
    env = worker_env(database_url, queued.config["QUEUE_URL"], 25, tmp_path)
    crashing = subprocess.Popen([sys.executable, "-c", CRASHING_WORKER], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
    try:
        output, _ = crashing.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        crashing.kill()
        output, _ = crashing.communicate()
        pytest.fail(f"the crashing worker never took the export:\n{output}")
    assert crashing.returncode == -signal.SIGKILL, output
    assert status_of(job) == "running", "the dead attempt left the export running"
    [left] = in_flight()
    waiting = [task.name for task in queue.huey.pending()]  # (a periodic job may wait, due as the worker died)
    assert left.holder.pid == crashing.pid and "run_export_job" not in waiting, "only the ledger knows the export"

    worker = start_worker(env)
    try:
        finished = wait_for(lambda: status_of(job) == "done", 60)
    finally:
        output = stop(worker)
    assert finished, f"the export was not finished after the crash:\n{output}"
    assert "died with its worker" in output and "queued again" in output, output
    db.session.rollback()
    job = db.session.get(ExportJob, job.id)
    assert (job.status, job.rows_done, job.attempts) == ("done", 2, 2), "the crash counts as an attempt"
    assert (tmp_path / "exports" / job.folder / "anon.csv").is_file()
    assert in_flight() == []


def test_a_running_job_is_written_down_with_its_worker_and_struck_off_when_done(queued, monkeypatch):
    from survey_app.jobs import smtp

    seen = []
    send = smtp.send
    monkeypatch.setattr(smtp, "send", lambda *args: (seen.extend(in_flight()), send(*args)))
    with smtp_server() as (inbox, port):
        queued.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
        entry = invite()
        run_next()
    assert [r.holder for r in seen] == [this_process()], "written down while it ran, with this process"
    assert inbox.recipients == ["lan@example.vn"] and status_of(entry) == "sent"
    assert in_flight() == [], "struck off once done"


def test_a_failing_job_is_struck_off_when_its_retry_is_stored_and_when_it_fails_for_good(queued):
    with smtp_server() as (inbox, port):
        queued.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
        inbox.refuse = -1
        entry = invite()
        run_next()
        assert queue.huey.scheduled_count() == 1 and in_flight() == [], "the retry waits in the schedule, not here"
        for _ in range(2):  # the two retries, taken when due
            [retry] = queue.huey.read_schedule(time_in_a_day())
            queue.huey.execute(retry, time_in_a_day())
            assert in_flight() == []
    assert status_of(entry) == "failed" and queue.huey.scheduled_count() == 0


def time_in_a_day():
    from datetime import UTC, datetime, timedelta

    return datetime.now(UTC).replace(tzinfo=None) + timedelta(days=1)  # Huey's schedule is in naive UTC


def test_a_job_held_by_a_live_process_is_left_alone(queued):
    invite()
    task = queue.huey.dequeue()
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        record(task, replace(this_process(), pid=process.pid, birth=birth_of(process.pid), run="other"))
        assert reclaim_abandoned() == [] and len(in_flight()) == 1 and queue.huey.pending_count() == 0
    finally:
        process.kill()
        process.wait()
    assert reclaim_abandoned() == [task.id], "its process is gone now"


def test_a_job_of_a_dead_process_is_queued_again_exactly_once_with_one_retry_fewer(queued, dead_holder):
    invite()
    task = queue.huey.dequeue()
    record(task, dead_holder)
    assert reclaim_abandoned() == [task.id]
    assert reclaim_abandoned() == [] and in_flight() == []
    assert queue.huey.pending_count() == 1
    assert queue.huey.dequeue().retries == task.retries - 1, "the crash was an attempt"


def test_a_pid_taken_by_another_process_does_not_keep_a_dead_job(queued):
    invite()
    task = queue.huey.dequeue()
    record(task, replace(this_process(), pid=os.getppid(), birth="another-boot:1", run="other"))
    assert reclaim_abandoned() == [task.id]


def test_a_job_of_another_machine_is_reclaimed_only_after_the_lease(queued):
    invite()
    task = queue.huey.dequeue()
    elsewhere = Holder("worker-2.example", "pid:[1]", 4242, None, "other")
    record(task, elsewhere, started=time.time() - 30 * 60)
    assert reclaim_abandoned(lease_minutes=120) == [], "it may still be running there"
    assert reclaim_abandoned(lease_minutes=0) == [], "0: never"
    assert reclaim_abandoned(lease_minutes=20) == [task.id]


def test_an_e_mail_whose_worker_died_before_sending_is_sent_by_the_next_one(queued, dead_holder):
    with smtp_server() as (inbox, port):
        queued.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
        entry = invite()
        record(queue.huey.dequeue(), dead_holder)  # taken, then the worker died
        assert status_of(entry) == "queued"
        reclaim_abandoned()
        run_next()
    assert inbox.recipients == ["lan@example.vn"] and status_of(entry) == "sent"


def test_an_e_mail_whose_worker_died_after_the_log_said_sent_is_not_sent_again(queued, dead_holder):
    with smtp_server() as (inbox, port):
        queued.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
        entry = invite()
        task = queue.huey.dequeue()
        queue.huey.execute(task)
        record(task, dead_holder)  # the worker died after the commit, before striking it off
        assert reclaim_abandoned() == [task.id]
        run_next()
    assert len(inbox.messages) == 1 and status_of(entry) == "sent"


def test_an_export_whose_worker_died_shows_queued_again_and_failed_on_its_last_attempt(queued, dead_holder):
    job = request_export()
    task = queue.huey.dequeue()
    job.status, job.attempts = "running", 1  # what the dead attempt had committed
    db.session.commit()
    record(task, dead_holder)
    reclaim_abandoned()
    db.session.rollback()
    assert (job.status, job.error) == ("queued", "the worker stopped during this export (killed, out of memory or "
                                                 "restarted)"), "the console says the attempt failed, not running"
    retry = queue.huey.dequeue()
    retry.retries = 0
    job.status = "running"
    db.session.commit()
    record(retry, dead_holder)
    reclaim_abandoned()
    db.session.rollback()
    assert job.status == "failed" and queue.huey.pending_count() == 0, "given up: failed, with the reason"


def test_an_e_mail_whose_worker_died_on_its_last_attempt_is_logged_failed(queued, dead_holder):
    entry = invite()
    task = queue.huey.dequeue()
    task.retries = 0
    record(task, dead_holder)
    reclaim_abandoned()
    assert status_of(entry) == "failed" and queue.huey.pending_count() == 0
    assert "worker stopped" in db.session.get(MailLog, entry.id).error



def test_every_worker_looks_for_dead_jobs_every_five_minutes(app):
    from datetime import datetime

    def due(minute: int) -> set[str]:
        return {task.name for task in queue.huey.read_periodic(datetime(2026, 12, 1, 10, minute))}

    assert "reclaim_abandoned_jobs" in due(35) and "reclaim_abandoned_jobs" not in due(36)
