"""Drafts of surveys closed longer ago than the grace period are deleted, by ``parsurvey drafts purge`` and by the
worker's daily job; drafts of running surveys, of surveys closed recently and of started invitations are kept."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from survey_app.clock import database_now
from survey_app.extensions import db
from survey_app.models import Draft, Invitation
from survey_app.services import drafts
from survey_app.services.groups import get_group
from survey_app.services.invitations import find_invitation, issue
from survey_app.services.surveys import create_survey
from tests.survey_app.respondent_support import FLOW_QUESTIONNAIRE, add_units, publish


def _survey(slug: str, version, access: str, opens_at, closes_at):
    return create_survey(slug=slug, title=slug, questionnaire_version=version, anonymous=True, access=access,
                         groups=["citizen" if access == "open" else "dept_leader"], opens_at=opens_at,
                         closes_at=closes_at)


@pytest.fixture
def drafts_by_survey(app) -> dict[str, int]:
    """Open-link surveys closed 40 and 10 days ago and one still running, with drafts; an invitation survey
    closed 40 days ago with a started invitation's draft and a revoked invitation's draft."""
    with app.app_context():
        now = database_now()
        units = add_units()
        version = publish(FLOW_QUESTIONNAIRE)
        periods = {"old": (now - timedelta(days=60), now - timedelta(days=40)),
                   "recent": (now - timedelta(days=30), now - timedelta(days=10)),
                   "running": (now - timedelta(days=5), now + timedelta(days=5))}
        for slug, (opens, closes) in periods.items():
            survey = _survey(slug, version, "open", opens, closes)
            for _ in range({"old": 2, "recent": 1, "running": 1}[slug]):
                drafts.open_for_session(survey, units["HP-SNV"], secrets.token_urlsafe(24), now=opens + timedelta(1))
        letters = _survey("letters", version, "invitation", *periods["old"])
        started, revoked = issue(letters, units["HP-SNV"], get_group("dept_leader"), 2)
        for code in (started, revoked):
            drafts.open_for_invitation(find_invitation(code), now=periods["old"][0] + timedelta(days=1))
        find_invitation(revoked).status = "revoked"
        db.session.commit()
        return _counts()


def _counts() -> dict[str, int]:
    from survey_app.models import Survey

    rows = db.session.execute(select(Survey.slug, func.count(Draft.id)).join(Draft, Draft.survey_id == Survey.id)
                              .group_by(Survey.slug)).all()
    return dict(rows)


def test_a_dry_run_counts_the_stale_drafts_per_survey_and_deletes_nothing(app, runner, drafts_by_survey):
    assert drafts_by_survey == {"old": 2, "recent": 1, "running": 1, "letters": 2}
    result = runner.invoke(args=["drafts", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "old: would delete 2 draft(s)" in result.output
    assert "letters: would delete 1 draft(s)" in result.output
    assert "would delete 3 draft(s) of 2 survey(s) closed more than 30 day(s) ago" in result.output
    with app.app_context():
        assert _counts() == drafts_by_survey


def test_purge_deletes_drafts_past_the_grace_period_and_keeps_the_others(app, runner, drafts_by_survey):
    result = runner.invoke(args=["drafts", "purge"])
    assert result.exit_code == 0, result.output
    assert "deleted 3 draft(s) of 2 survey(s)" in result.output
    with app.app_context():
        assert _counts() == {"recent": 1, "running": 1, "letters": 1}
        statuses = sorted(i.status for i in db.session.scalars(select(Invitation)))
        assert statuses == ["revoked", "started"], "the unfinished case must not turn into a complete"
    shorter = runner.invoke(args=["drafts", "purge", "--grace-days", "5"])
    assert "recent: deleted 1 draft(s)" in shorter.output
    with app.app_context():
        assert _counts() == {"running": 1, "letters": 1}


def test_the_grace_period_comes_from_the_configuration(app, runner, drafts_by_survey):
    app.config["DRAFT_GRACE_DAYS"] = 50
    result = runner.invoke(args=["drafts", "purge"])
    assert "deleted 0 draft(s) of 0 survey(s) closed more than 50 day(s) ago" in result.output
    with app.app_context():
        assert _counts() == drafts_by_survey


def test_a_negative_grace_period_is_refused(runner, drafts_by_survey):
    result = runner.invoke(args=["drafts", "purge", "--grace-days", "-1"])
    assert result.exit_code == 1
    assert "error: the grace period must be 0 days or more" in result.output


def test_the_daily_job_purges_by_the_database_clock(app, drafts_by_survey):
    import time_machine

    from survey_app.jobs.tasks import purge_stale_drafts

    with time_machine.travel(datetime.now(UTC) - timedelta(days=3650), tick=True):  # a worker ten years slow
        purge_stale_drafts()  # immediate mode: runs here, as the worker would
    with app.app_context():
        assert _counts() == {"recent": 1, "running": 1, "letters": 1}


def test_the_worker_runs_the_purge_every_day(app):
    from survey_app.commands.worker import consumer
    from survey_app.queue import huey

    names = {task.name for task in huey.read_periodic(datetime(2026, 12, 1, 19, 30))}
    assert any(name.endswith("purge_stale_drafts") for name in names)
    assert not huey.read_periodic(datetime(2026, 12, 1, 19, 31))
    assert consumer(1).periodic, "the worker must run periodic jobs"
