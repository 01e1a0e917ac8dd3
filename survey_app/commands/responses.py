"""``parsurvey responses import-paper``: paper questionnaires typed into a spreadsheet by data-entry clerks;
``parsurvey responses refresh-records``: the stored export values of responses an upgrade left without them."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from survey_app.extensions import db
from survey_app.services.errors import AlreadySubmitted, FileProblemsError, OperatorError, SurveyError


@click.group("responses")
def responses_cli() -> None:
    """Responses collected outside the web pages."""


@responses_cli.command("import-paper")
@click.option("--survey", "slug", required=True, help="Survey slug.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report, write nothing.")
@with_appcontext
def import_paper_command(slug: str, file: Path, dry_run: bool) -> None:
    """Store the paper questionnaires typed into FILE (.csv in UTF-8, or .xlsx: its first sheet).

    One row per questionnaire. Columns: unit, group, entry_id (the number written on the paper form), day
    (optional, YYYY-MM-DD, default today), code (optional: the invitation code of a form sent with a letter,
    which then counts as that invitation's completion), then the codebook's variables as the export names them. Multiple
    choice is one 0/1 column per option, {item}__{code} (1 = ticked); one column of codes is refused. An
    empty cell, -97 or -99 is no answer; answers the form's own answers skip are dropped, as on the web.

    Every row is checked first: any problem is printed as FILE:ROW: COLUMN: message (header = row 1) and
    nothing is written. Otherwise all rows are stored in one transaction, each as a response of mode
    "paper". A questionnaire's key comes from survey + entry_id, so importing the same file again stores
    nothing twice and says how many were already there.
    """
    from survey_app.services.paper import import_paper
    from survey_app.services.surveys import get_survey

    try:
        result = import_paper(get_survey(slug), file, dry_run=dry_run)
    except FileProblemsError as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(error.problems)} problem(s); nothing was imported.", err=True)
        sys.exit(1)
    except AlreadySubmitted:
        db.session.rollback()
        click.echo("error: another import stored some of these forms meanwhile; nothing was imported by this one. "
                   "Run it again: the forms already there are skipped.", err=True)
        sys.exit(1)
    except (OperatorError, SurveyError) as error:
        db.session.rollback()
        click.echo(f"error: {error}; nothing was imported.", err=True)
        sys.exit(1)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    click.echo(summary(file, result, dry_run))


@responses_cli.command("refresh-records")
@click.option("--survey", "slug", help="Survey slug (default: every survey).")
@click.option("--all", "everything", is_flag=True, help="Make every response's values again, not only missing ones.")
@with_appcontext
def refresh_records_command(slug: str | None, everything: bool) -> None:
    """Store the export values of responses that lack them (stored before this version of parsurvey, or by an
    older record format), so that exports read them instead of re-deriving every value from the answers.
    Exports are right either way; this makes a large one fast again after an upgrade. Safe to run again.
    With --all, every response's values are made again from its answers (an export that found stored values
    it cannot read says to do so)."""
    from survey_app.models import Survey
    from survey_app.services.exports import refresh_records
    from survey_app.services.surveys import get_survey

    try:
        chosen = [get_survey(slug)] if slug else db.session.scalars(db.select(Survey).order_by(Survey.slug)).all()
    except (OperatorError, SurveyError) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    for survey in chosen:
        made = refresh_records(survey, everything=everything)
        db.session.commit()
        click.echo(f"{survey.slug}: {made} response record(s) made")


def summary(file: Path, result, dry_run: bool) -> str:
    verb = "would be stored" if dry_run else "stored"
    lines = [f"{file}: {len(result.entries)} questionnaire(s) checked, no problems.",
             f"{result.stored} {verb}, {result.already_there} already there (same entry_id, left unchanged)."]
    if result.dropped:
        lines.append(f"{result.dropped} answer(s) to questions skipped by the form's own answers were dropped.")
    if dry_run:
        lines.append("Dry run: nothing was written.")
    return "\n".join(lines)
