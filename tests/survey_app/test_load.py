"""The embedded SQLite default takes a survey's load: 320 respondents on 30 threads, each starting, saving two
pages and submitting, with no "database is locked" and every response stored once (PostgreSQL alike)."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from survey_app import create_app
from survey_app.extensions import db
from survey_app.models import Draft, Response, Survey, Unit
from survey_app.services import drafts, responses
from survey_app.services.questionnaire_versions import questionnaire_for
from tests.survey_app.conftest import DURING

RESPONDENTS, THREADS = 320, 30
PAGES = {"S1": {"Q1": "2"}, "S3": {"Q5": "ý kiến"}}


@pytest.fixture
def loaded_app(app):
    """The app as a gunicorn worker with 30 threads builds it: nothing but the pool size changed (the busy
    timeout and WAL come from the app itself)."""
    worker = create_app({**app.config, "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": THREADS, "max_overflow": 0,
                                                                      "pool_timeout": 120}})
    yield worker
    with worker.app_context():
        db.engine.dispose()


def respondent(number: int) -> None:
    survey = db.session.scalar(sa.select(Survey).where(Survey.slug == "open"))
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == "HP-SNV"))
    draft = drafts.open_for_session(survey, unit, f"browser-{number}", DURING)
    db.session.commit()
    questionnaire = questionnaire_for(survey)
    for section_id, values in PAGES.items():
        drafts.save_page(draft, section_id, {**values}, questionnaire)
        db.session.commit()
    responses.submit(draft, questionnaire, now=DURING)
    db.session.commit()


@pytest.mark.slow
def test_320_respondents_on_30_threads_store_320_responses_without_a_locked_database(surveys, loaded_app):
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 30_000
    db.session.remove()
    queue = list(range(RESPONDENTS))
    lock = threading.Lock()
    errors: list[str] = []

    def work() -> None:
        with loaded_app.app_context():
            while True:
                with lock:
                    if not queue:
                        return
                    number = queue.pop()
                try:
                    respondent(number)
                except Exception as error:  # noqa: BLE001  (listed by the assertion)
                    db.session.rollback()
                    errors.append(f"{number}: {error!r}")
                finally:
                    db.session.remove()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert errors == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == RESPONDENTS
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Draft)) == 0
