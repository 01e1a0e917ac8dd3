"""Races closed in the database: many simultaneous submits of one draft store one response; a revocation racing
a submit lets exactly one of them win; an open link's quota holds against parallel submits (SQLite and PostgreSQL).
"""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from survey_app import create_app
from survey_app.extensions import db
from survey_app.models import Draft, Invitation, Response
from survey_app.services import drafts, invitations, responses
from survey_app.services.errors import AlreadySubmitted, InvitationRevoked, OperatorError, SurveyFull
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


def submit_in_thread(racer, code: str, barrier: threading.Barrier, outcomes: list[str]) -> None:
    with racer.app_context():
        try:
            invitation = invitations.find_invitation(code)
            draft = drafts.open_for_invitation(invitation, DURING)
            questionnaire = questionnaire_for(draft.survey)
            # Load the invitation (still "started") now, so every thread reaches the submit: the database, not
            # the status loaded before, must be what stops the other 49.
            assert invitation.status == "started"
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

    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    threads = [threading.Thread(target=submit_in_thread, args=(racing_app, code, barrier, outcomes))
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
    assert invitations.find_invitation(code).status == "completed"
    assert db.session.scalar(sa.select(Invitation.recorded_status)) == "issued", "submit never writes it"


def run_together(*actions) -> list[str]:
    """Run each action in its own thread, released together; each returns (or raises) its outcome."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = [""] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=60)
            outcomes[index] = action()
        except Exception as error:  # noqa: BLE001  (the assertions show what went wrong)
            outcomes[index] = repr(error)

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def in_app(racer, action):
    """``action`` in its own app context and session: committed when it returns, rolled back when it raises."""
    def run():
        with racer.app_context():
            try:
                outcome = action()
                db.session.commit()
                return outcome
            except (AlreadySubmitted, InvitationRevoked, OperatorError, SurveyFull) as error:
                db.session.rollback()
                return type(error).__name__
            finally:
                db.session.remove()
    return run


PAIRS = 12


@pytest.mark.slow
def test_revoking_a_code_while_it_is_submitted_lets_exactly_one_win(surveys, storage_questionnaire, racing_app):
    """Each pair: a respondent submits while a coordinator revokes the same code. Either the response is stored
    and the coordinator is told the code is completed, or the code is revoked and the respondent is told so."""
    survey = surveys["anonymous"]
    codes = invitations.issue(survey, surveys["HP-SNV"], survey.groups[0], PAIRS)
    for code in codes:
        draft = drafts.open_for_invitation(invitations.find_invitation(code), DURING)
        drafts.save_page(draft, "S1", {"Q1": "2"}, storage_questionnaire)
    db.session.commit()

    def submitter(code):
        def submit():
            draft = drafts.open_for_invitation(invitations.find_invitation(code), DURING)
            responses.submit(draft, questionnaire_for(draft.survey), now=DURING)
            return "stored"
        return in_app(racing_app, submit)

    def revoker(code):
        def revoke():
            try:
                invitations.revoke(code)
            except OperatorError as refused:
                assert "already used" in str(refused)
                return "told completed"
            return "revoked"
        return in_app(racing_app, revoke)

    outcomes = run_together(*[action for code in codes for action in (submitter(code), revoker(code))])
    pairs = [tuple(outcomes[i:i + 2]) for i in range(0, len(outcomes), 2)]
    assert set(pairs) <= {("stored", "told completed"), ("InvitationRevoked", "revoked")}, pairs
    db.session.expire_all()
    for code, (submitted, _) in zip(codes, pairs, strict=True):
        assert invitations.find_invitation(code).status == ("completed" if submitted == "stored" else "revoked")
    stored = sum(1 for submitted, _ in pairs if submitted == "stored")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == stored
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Draft)) == 0, "revoking deletes the draft"


RESPONDENTS, QUOTA = 30, 10


@pytest.mark.slow
def test_an_open_link_quota_holds_when_thirty_respondents_submit_at_once(surveys, storage_questionnaire, racing_app):
    """Quota 10, 30 respondents who all started before it filled: 10 are stored, 20 see "survey full" and keep
    their answers."""
    from survey_app.models import SurveyQuota

    survey, unit = surveys["open"], surveys["HP-HB"]
    db.session.get(SurveyQuota, (survey.id, unit.id)).quota = QUOTA
    for number in range(RESPONDENTS):
        draft = drafts.open_for_session(survey, unit, f"browser-{number}", DURING)
        drafts.save_page(draft, "S1", {"Q1": "2"}, storage_questionnaire)
    db.session.commit()
    survey_id, unit_id = survey.id, unit.id

    def respondent(number):
        def submit():
            from survey_app.models import Survey, Unit

            draft = drafts.open_for_session(db.session.get(Survey, survey_id), db.session.get(Unit, unit_id),
                                            f"browser-{number}", DURING)
            responses.submit(draft, questionnaire_for(draft.survey), now=DURING)
            return "stored"
        return in_app(racing_app, submit)

    outcomes = run_together(*[respondent(n) for n in range(RESPONDENTS)])
    assert sorted(set(outcomes)) == ["SurveyFull", "stored"], outcomes
    assert outcomes.count("stored") == QUOTA
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == QUOTA
    kept = db.session.scalars(sa.select(Draft)).all()
    assert len(kept) == RESPONDENTS - QUOTA and all(d.answers == {"Q1": "2"} for d in kept)
