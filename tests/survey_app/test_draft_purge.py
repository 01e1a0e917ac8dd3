"""Drafts of surveys closed longer ago than the grace period are cleared, by ``parsurvey drafts purge`` and by the
worker's daily job: open-link drafts deleted, invitations' drafts emptied of their answers with their partial or
break-off verdict kept; drafts of running surveys and of surveys closed recently are untouched."""

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
from survey_app.services.invitations import find_invitation, issue, revoke
from survey_app.services.live_participation import partial_counts
from survey_app.services.questionnaire_versions import questionnaire_for
from survey_app.services.surveys import create_survey
from tests.survey_app.respondent_support import FLOW_QUESTIONNAIRE, add_units, publish


def _survey(slug: str, version, access: str, opens_at, closes_at):
    return create_survey(slug=slug, title=slug, questionnaire_version=version, anonymous=True, access=access,
                         groups=["citizen" if access == "open" else "dept_leader"], opens_at=opens_at,
                         closes_at=closes_at)


@pytest.fixture
def drafts_by_survey(app) -> dict[str, int]:
    """Open-link surveys closed 40 and 10 days ago and one still running, with drafts; an invitation survey
    closed 40 days ago with a partial draft, a break-off draft and a revoked code (whose draft went with it)."""
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
                draft = drafts.open_for_session(survey, units["HP-SNV"], secrets.token_urlsafe(24),
                                                now=opens + timedelta(1))
                drafts.save_page(draft, "S1", {"Q1": "2"}, questionnaire_for(survey))
        letters = _survey("letters", version, "invitation", *periods["old"])
        partial, break_off, revoked = issue(letters, units["HP-SNV"], get_group("dept_leader"), 3)
        questionnaire = questionnaire_for(letters)
        pages = {partial: [("S1", {"Q1": "2"}), ("S3", {"Q6": "Sở", "Q7": "tốt", "Q8": "7"})],
                 break_off: [("S1", {"Q1": "2"})], revoked: [("S1", {"Q1": "2"})]}
        for code, saved in pages.items():
            draft = drafts.open_for_invitation(find_invitation(code), now=periods["old"][0] + timedelta(days=1))
            for section, values in saved:
                draft = drafts.save_page(draft, section, values, questionnaire)
        db.session.commit()
        revoke(revoked)
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
    assert "old: would clear 2 draft(s)" in result.output
    assert "letters: would clear 2 draft(s)" in result.output
    assert "would clear 4 draft(s) of 2 survey(s) closed more than 30 day(s) ago" in result.output
    with app.app_context():
        assert _counts() == drafts_by_survey


def _letters_partials() -> int:
    from survey_app.models import Survey

    letters = db.session.scalar(select(Survey).where(Survey.slug == "letters"))
    return int(partial_counts(letters)["P"].sum())


def test_purge_clears_drafts_past_the_grace_period_and_keeps_the_rates(app, runner, drafts_by_survey):
    with app.app_context():
        partials_before = _letters_partials()
    assert partials_before == 1, "the fixture must hold one partial and one break-off"
    result = runner.invoke(args=["drafts", "purge"])
    assert result.exit_code == 0, result.output
    assert "cleared 4 draft(s) of 2 survey(s)" in result.output
    with app.app_context():
        assert _counts() == {"recent": 1, "running": 1, "letters": 2}
        assert [d.answers for d in db.session.scalars(select(Draft).join(Draft.survey).where(
            Draft.invitation_key.is_not(None)))] == [{}, {}], "no answers of a closed survey's draft are kept"
        assert _letters_partials() == partials_before, "the closed survey's P and R must not change"
        assert db.session.scalar(select(func.count()).select_from(Invitation).where(
            Invitation.recorded_status == "revoked")) == 1
    again = runner.invoke(args=["drafts", "purge"])
    assert "cleared 0 draft(s) of 0 survey(s)" in again.output, "an emptied draft is not cleared twice"
    shorter = runner.invoke(args=["drafts", "purge", "--grace-days", "5"])
    assert "recent: cleared 1 draft(s)" in shorter.output
    with app.app_context():
        assert _counts() == {"running": 1, "letters": 2}


def test_the_grace_period_comes_from_the_configuration(app, runner, drafts_by_survey):
    app.config["DRAFT_GRACE_DAYS"] = 50
    result = runner.invoke(args=["drafts", "purge"])
    assert "cleared 0 draft(s) of 0 survey(s) closed more than 50 day(s) ago" in result.output
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
        assert _counts() == {"recent": 1, "running": 1, "letters": 2}
        assert not db.session.scalar(select(func.count()).select_from(Draft).where(Draft.partial.is_(None),
                                                                                   Draft.survey.has(slug="letters")))


def test_the_worker_runs_the_purge_every_day(app):
    from survey_app.commands.worker import consumer
    from survey_app.queue import huey

    names = {task.name for task in huey.read_periodic(datetime(2026, 12, 1, 19, 30))}
    assert any(name.endswith("purge_stale_drafts") for name in names)
    assert not huey.read_periodic(datetime(2026, 12, 1, 19, 31))
    assert consumer(1).periodic, "the worker must run periodic jobs"
