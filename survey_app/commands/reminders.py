"""``parsurvey reminders ...``: e-mail the invitations not yet completed, record refusals, read the mail log."""

from __future__ import annotations

import csv
import sys
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from survey_app.commands.refusal import refuse
from survey_app.extensions import db
from survey_app.services.errors import OperatorError

LOG_COLUMNS = ("queued_at", "sent_at", "kind", "status", "attempts", "recipient", "survey", "unit", "group", "error")


@click.group("reminders")
def reminders_cli() -> None:
    """E-mail reminders to invitations not yet completed."""


@reminders_cli.command("send")
@click.option("--survey", "slug", required=True, help="Survey slug.")
@click.option("--unit", "unit_codes", multiple=True, help="Only these units (repeatable; default: every unit).")
@with_appcontext
def send_command(slug: str, unit_codes: tuple[str, ...]) -> None:
    """Queue a reminder to every invitation with an e-mail that is not completed, revoked or refused.

    Nobody is reminded twice within PARSURVEY_REMINDER_INTERVAL_DAYS; the worker sends at most
    PARSURVEY_MAIL_PER_MINUTE messages a minute and checks again, at sending time, that each is still due.
    Reminders carry no code (only its hash is stored): they ask the person to use the letter or e-mail
    they received.
    """
    from survey_app.services.reminders import queue_reminders
    from survey_app.services.surveys import get_survey, get_unit

    try:
        survey = get_survey(slug)
        units = [get_unit(code) for code in unit_codes]
        entries = queue_reminders(survey, units, interval_days=current_app.config["REMINDER_INTERVAL_DAYS"])
    except OperatorError as error:
        refuse(error)
    db.session.commit()
    click.echo(f"{len(entries)} reminder(s) queued for {slug}; the worker sends them "
               "(see 'parsurvey reminders log').")


@reminders_cli.command("refused")
@click.option("--survey", "slug", required=True, help="Survey slug.")
@click.argument("email")
@with_appcontext
def refused_command(slug: str, email: str) -> None:
    """Record that the person with EMAIL declined to take part: they get no more reminders."""
    from survey_app.services.contacts import record_refusal
    from survey_app.services.surveys import get_survey

    try:
        marked = record_refusal(get_survey(slug), email, datetime.now(UTC).date())
    except OperatorError as error:
        refuse(error)
    db.session.commit()
    click.echo(f"{marked} invitation(s) of {slug} marked as refused; no more reminders go to {email}.")


@reminders_cli.command("log")
@click.option("--survey", "slug", help="Only this survey.")
@click.option("--unit", "unit_codes", multiple=True, help="Only these units (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True)
@with_appcontext
def log_command(slug: str | None, unit_codes: tuple[str, ...], fmt: str) -> None:
    """What was e-mailed to whom and when (invitations and reminders), newest first, with failures."""
    from survey_app.services.reminders import mail_log
    from survey_app.services.surveys import get_survey, get_unit

    try:
        lines = mail_log(get_survey(slug) if slug else None, [get_unit(code) for code in unit_codes])
    except OperatorError as error:
        refuse(error)
    rows = [{**vars(line), "queued_at": _time(line.queued_at), "sent_at": _time(line.sent_at),
             "error": line.error or ""} for line in lines]
    if fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=LOG_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        return
    if not rows:
        click.echo("No e-mail has been sent or queued.")
        return
    click.echo(f"{'queued (UTC)':<17} {'sent (UTC)':<17} {'kind':<10} {'status':<7} tries recipient")
    for row in rows:
        click.echo(f"{row['queued_at']:<17} {row['sent_at']:<17} {row['kind']:<10} {row['status']:<7} "
                   f"{row['attempts']:>2}x {row['recipient']:<32} {row['survey']} {row['unit']} {row['group']}"
                   + (f"  {row['error']}" if row["error"] else ""))


def _time(moment: datetime | None) -> str:
    if moment is None:
        return "-"
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M")
