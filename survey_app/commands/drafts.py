"""``parsurvey drafts purge``: clear unfinished answers of surveys closed longer ago than the grace period."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from survey_app.clock import as_utc
from survey_app.commands.refusal import refuse
from survey_app.extensions import db
from survey_app.services.errors import OperatorError
from survey_app.services.survey_schedule import VIETNAM


@click.group("drafts")
def drafts_cli() -> None:
    """Unfinished answers (drafts)."""


@drafts_cli.command("purge")
@click.option("--grace-days", type=int, default=None,
              help="Days after closing a survey's drafts are kept (default: PARSURVEY_DRAFT_GRACE_DAYS, 30).")
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
@with_appcontext
def purge_command(grace_days: int | None, dry_run: bool) -> None:
    """Clear the drafts of surveys closed more than the grace period ago (by the database's clock).

    Open-link drafts are deleted; an invitation's draft loses its answers and keeps only whether it was partial or
    a break-off, so the survey's response rates stay as they were. The worker does the same every day.
    """
    from survey_app.services.draft_purge import purge_stale_drafts

    days = current_app.config["DRAFT_GRACE_DAYS"] if grace_days is None else grace_days
    try:
        purged = purge_stale_drafts(days, dry_run=dry_run)
    except OperatorError as error:
        refuse(error)
    db.session.commit()
    verb = "would clear" if dry_run else "cleared"
    for entry in purged:
        closed = as_utc(entry.closed_at).astimezone(VIETNAM)
        click.echo(f"{entry.survey}: {verb} {entry.drafts} draft(s) (closed {closed:%Y-%m-%d %H:%M} UTC+07:00)")
    total = sum(entry.drafts for entry in purged)
    click.echo(f"{verb} {total} draft(s) of {len(purged)} survey(s) closed more than {days} day(s) ago")
