"""Submit-once is enforced by the database: many simultaneous submits of one draft store one response."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from survey_app import create_app
from survey_app.extensions import db
from survey_app.models import Draft, Invitation, Response
from survey_app.services import drafts, invitations, responses
from survey_app.services.errors import AlreadySubmitted
from survey_app.services.questionnaire_versions import questionnaire_for
from tests.survey_app.conftest import DURING

THREADS = 50


@pytest.fixture
def racing_app(app, database_url):
    """A second app on the same database with a pool big enough for every thread and a long busy timeout."""
    options = {"pool_size": THREADS, "max_overflow": 0, "pool_timeout": 60}
    if database_url.startswith("sqlite"):
        options["connect_args"] = {"timeout": 60}
    racer = create_app({**app.config, "SQLALCHEMY_ENGINE_OPTIONS": options})
    yield racer
    with racer.app_context():
        db.engine.dispose()


def submit_in_thread(racer, draft_id: int, barrier: threading.Barrier, outcomes: list[str]) -> None:
    with racer.app_context():
        try:
            draft = db.session.get(Draft, draft_id)
            questionnaire = questionnaire_for(draft.survey)
            # Load the invitation (still "started") now, so every thread reaches the insert: the database
            # constraint, not the status check, must be what stops the other 49.
            assert draft.invitation.status == "started"
            barrier.wait(timeout=60)
            responses.submit(draft, questionnaire, now=DURING)
            db.session.commit()
            outcomes.append("stored")
        except AlreadySubmitted:
            db.session.rollback()
            outcomes.append("already submitted")
        except Exception as error:  # noqa: BLE001  (the assertion below shows what went wrong)
            db.session.rollback()
            outcomes.append(repr(error))
        finally:
            db.session.remove()


@pytest.mark.slow
def test_fifty_parallel_submits_of_one_draft_store_exactly_one_response(surveys, storage_questionnaire, racing_app):
    survey = surveys["anonymous"]
    [code] = invitations.issue(survey, surveys["HP-SNV"], survey.groups[0], 1)
    draft = drafts.open_for_invitation(invitations.find_invitation(code), DURING)
    for section_id, values in {"S1": {"Q1": "2"}, "S3": {"Q5": "một lần"}}.items():
        drafts.save_page(draft, section_id, values, storage_questionnaire)
    db.session.commit()
    draft_id = draft.id

    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    threads = [threading.Thread(target=submit_in_thread, args=(racing_app, draft_id, barrier, outcomes))
               for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(set(outcomes)) == ["already submitted", "stored"], outcomes
    assert outcomes.count("stored") == 1 and len(outcomes) == THREADS
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Draft)) == 0
    assert db.session.scalar(sa.select(Invitation.status)) == "completed"
    assert db.session.scalar(sa.select(Invitation.recorded_status)) == "started", "submit never writes it"
