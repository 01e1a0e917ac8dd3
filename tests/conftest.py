"""Shared fixtures: an app on a freshly migrated database (SQLite, or PostgreSQL when
``PARSURVEY_TEST_DATABASE_URL`` is set), emptied after every test."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import settings
from werkzeug.serving import make_server

from survey_app import create_app
from survey_app.extensions import db

# Property tests judge results, not speed: on a loaded two-core CI machine a per-example deadline only adds flakes.
# On CI (CI=true) the examples are derived from each test, so a run is repeatable; elsewhere they are random and
# keep exploring.
settings.register_profile("parsurvey", deadline=None, derandomize=os.environ.get("CI") == "true")
settings.load_profile("parsurvey")

TEST_DATA = Path(__file__).resolve().parent / "data"
# Fixed, so that every app of a test run (and a gunicorn it starts) finds the same drafts and spent markers.
TEST_PSEUDONYM_KEY = "test-pseudonym-key"


@contextmanager
def _scratch_postgres(url: str) -> Iterator[str]:
    """A throwaway database on the server named by ``url``, so parallel runs never share tables."""
    server = sa.engine.make_url(url)
    name = f"parsurvey_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    """A database migrated from empty with ``upgrade``, exactly as an operator would on a new server."""
    from flask_migrate import upgrade

    with ExitStack() as stack:
        server_url = os.environ.get("PARSURVEY_TEST_DATABASE_URL")
        if server_url:
            url = stack.enter_context(_scratch_postgres(server_url))
        else:
            url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "test-secret",
                          "PSEUDONYM_KEY": TEST_PSEUDONYM_KEY, "QUEUE_IMMEDIATE": True})
        with app.app_context():
            upgrade()
            db.engine.dispose()
        yield url


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "PSEUDONYM_KEY": TEST_PSEUDONYM_KEY,
            "RATELIMIT_STORAGE_URI": "memory://",
            "PUBLIC_BASE_URL": "http://localhost",
            "QUEUE_IMMEDIATE": True,  # background jobs run at once, inside the test
        }
    )
    app.instance_path = str(tmp_path)
    yield app
    with app.app_context():
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


def _empty_tables() -> None:
    """Delete rows child-first so the next test starts from an empty, migrated database."""
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def base_url(app) -> Iterator[str]:
    """The app served by a real HTTP server on a free loopback port, for browsers and concurrent clients."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def _missing_tool_skips(terminalreporter) -> dict[str, int]:
    """Skipped tests per missing-tool reason (see ``tests/tools.py``)."""
    from tests.tools import MISSING

    counts: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        reason = str(report.longrepr[2]) if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        if reason.startswith(MISSING):
            key = reason.split(";")[0]
            counts[key] = counts.get(key, 0) + 1
    return counts


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """One line per missing tool at the very end: which tests did not run and the command that installs it."""
    counts = _missing_tool_skips(terminalreporter)
    if not counts:
        return
    terminalreporter.section("tests not run for a missing tool")
    for reason, n in sorted(counts.items()):
        terminalreporter.write_line(f"{n} test(s) not run: {reason}")
    if os.environ.get("PARSURVEY_REQUIRE_TOOLS") == "1":
        terminalreporter.write_line("PARSURVEY_REQUIRE_TOOLS=1: a skip for a missing tool fails the run")


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    """In CI (``PARSURVEY_REQUIRE_TOOLS=1``) a test skipped for a missing tool is a failure, not a pass."""
    if os.environ.get("PARSURVEY_REQUIRE_TOOLS") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and _missing_tool_skips(reporter) and session.exitstatus in (0, 5):
        session.exitstatus = 1
