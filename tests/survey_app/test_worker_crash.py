"""A gunicorn worker killed with SIGKILL in the middle of submits loses nothing: every acknowledged submit is stored
exactly once, and every respondent whose request died with the worker can resume and finish."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import Response
from survey_app.services import invitations
from tests.conftest import TEST_PSEUDONYM_KEY
from tests.survey_app.respondent_support import csrf_token, make_closed_survey

RESPONDENTS = 40
PORTS = range(5131, 5140)  # this project's range for test servers


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.fail("no free port in 5131-5139")


@pytest.fixture
def gunicorn(app, database_url, tmp_path):
    port = _free_port()
    env = {**os.environ, "PARSURVEY_DATABASE_URL": database_url, "PARSURVEY_SECRET_KEY": "test-secret",
           "PARSURVEY_PSEUDONYM_KEY": TEST_PSEUDONYM_KEY, "PARSURVEY_INSTANCE_PATH": str(tmp_path),
           "PARSURVEY_RATELIMIT_CODE_ENTRY": "10000 per minute"}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{port}",
         "--graceful-timeout", "1", "survey_app:create_app()"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            if requests.get(f"{base}/", timeout=10).status_code == 200:
                break
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("gunicorn did not start")
    yield base, server.pid
    server.terminate()
    server.wait(timeout=30)


def workers(master: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    return [int(pid) for pid in found]


def answer_and_submit(base: str, code: str) -> bool:
    """One respondent from the personal link to the thank-you page; True when the submit was acknowledged."""
    browser = requests.Session()
    page = browser.get(f"{base}/s/{code}", timeout=30)
    if page.url.endswith("/done"):
        return True
    if "/p/1" in page.url:
        browser.post(page.url, data={"Q1": "2", "action": "next", "csrf_token": csrf_token(page.text)}, timeout=30)
    review = browser.get(f"{base}/s/{code}/review", timeout=30)
    submitted = browser.post(f"{base}/s/{code}/submit", data={"csrf_token": csrf_token(review.text)},
                             allow_redirects=False, timeout=30)
    return submitted.status_code == 302 and submitted.headers["Location"].endswith("/done")


@pytest.mark.slow
def test_killing_a_worker_mid_submit_loses_no_acknowledged_submit_and_everyone_can_finish(app, gunicorn):
    base, master = gunicorn
    with app.app_context():
        codes = make_closed_survey(count=RESPONDENTS)
    acknowledged: set[str] = set()
    interrupted: list[str] = []
    started = threading.Barrier(RESPONDENTS + 1)

    def respondent(code: str) -> None:
        started.wait(timeout=60)
        try:
            if answer_and_submit(base, code):
                acknowledged.add(code)
        except (requests.RequestException, AssertionError, KeyError):
            # The worker died before, during or after its answer: refused, reset, or a body cut short
            # (ChunkedEncodingError). Each is a request the respondent did not see through.
            interrupted.append(code)

    threads = [threading.Thread(target=respondent, args=(code,)) for code in codes]
    for thread in threads:
        thread.start()
    started.wait(timeout=60)
    time.sleep(0.3)
    victim = workers(master)[0]
    os.kill(victim, signal.SIGKILL)
    for thread in threads:
        thread.join(timeout=300)

    # Everyone not acknowledged resumes with their code (the master has started a new worker) and finishes.
    for code in codes:
        if code not in acknowledged:
            for _ in range(5):
                try:
                    if answer_and_submit(base, code):
                        break
                except (requests.RequestException, AssertionError, KeyError):
                    time.sleep(1)
            else:
                pytest.fail(f"{code} could not finish after the crash")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == RESPONDENTS
        assert {invitations.find_invitation(code).status for code in codes} == {"completed"}
        db.session.remove()
