"""``parsurvey invitations ...``: issue codes for letters and revoke them."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from survey_app.commands.refusal import refuse
from survey_app.extensions import db
from survey_app.links import personal_link
from survey_app.services.errors import OperatorError

CODE_COLUMNS = ("survey", "unit", "group", "code", "url")


@click.group("invitations")
def invitations_cli() -> None:
    """Issue and revoke invitation codes of closed surveys."""


def write_codes(path: Path, rows: list[dict[str, str]], with_email: bool = False) -> None:
    """Write survey,unit,group,code,url[,email] rows (UTF-8 with a BOM so Excel shows Vietnamese correctly)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.DictWriter(fh, fieldnames=CODE_COLUMNS + (("email",) if with_email else ()),
                                extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


@invitations_cli.command("issue")
@click.option("--survey", "slug", required=True, help="Survey slug.")
@click.option("--unit", "unit_code", required=True, help="Unit code from the sample frame.")
@click.option("--group", "group_code", required=True, help="Respondent group id.")
@click.option("--count", type=click.IntRange(1, 10_000), help="How many codes (default with --emails: one per row).")
@click.option("--emails", "emails_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="CSV/XLSX with columns email[,name,language]: one code per person, e-mailed to them.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="CSV to write (survey,unit,group,code,url). The codes exist only there: keep it safe.")
@with_appcontext
def issue_command(slug: str, unit_code: str, group_code: str, count: int | None, emails_file: Path | None,
                  out: Path) -> None:
    """Create invitation codes and write them with their links to --out.

    With --emails, each person of the file gets one code, kept with their e-mail (never with a response), and
    the invitation e-mail (Vietnamese and English, personal link and code) is queued for the worker: it is
    the only moment the code is known. Later reminders ('parsurvey reminders send') cannot repeat it.
    """
    from survey_app.services import contacts, invitations
    from survey_app.services.errors import FileProblemsError
    from survey_app.services.groups import get_group
    from survey_app.services.surveys import get_survey
    from survey_app.services.units import get_unit

    if count is None and emails_file is None:
        raise click.UsageError("give --count, or --emails with one row per person")
    try:
        survey, unit, group = get_survey(slug), get_unit(unit_code), get_group(group_code)
        if emails_file is None:
            codes = invitations.issue(survey, unit, group, count)
            emails = [""] * len(codes)
        else:
            people = contacts.read_contacts(emails_file)
            if count is not None and count != len(people):
                raise OperatorError(f"--count {count} differs from the {len(people)} people in {emails_file}; "
                                    "leave --count out")
            codes = contacts.issue_to_contacts(survey, unit, group, people)
            emails = [p.email for p in people]
        base_url = current_app.config["PUBLIC_BASE_URL"]
        rows = [dict(survey=slug, unit=unit_code, group=group_code, code=c, url=personal_link(base_url, c), email=e)
                for c, e in zip(codes, emails, strict=True)]
        write_codes(out, rows, with_email=emails_file is not None)
    except FileProblemsError as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(error.problems)} problem(s); no code was issued.", err=True)
        sys.exit(1)
    except (OperatorError, OSError) as error:
        db.session.rollback()
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"{len(codes)} code(s) for {slug} / {unit_code} / {group_code} written to {out}.")
    if emails_file is not None:
        click.echo(f"{len(codes)} invitation e-mail(s) queued; the worker sends them (see 'parsurvey reminders log').")


@invitations_cli.command("revoke")
@click.argument("code")
@with_appcontext
def revoke_command(code: str) -> None:
    """Withdraw an unused invitation code; its link then says it is no longer valid."""
    from survey_app.services.invitations import revoke

    try:
        revoke(code)
    except OperatorError as error:
        refuse(error)
    db.session.commit()
    click.echo("Invitation revoked.")


@invitations_cli.command("emails")
@click.argument("codes_file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--send-invitations", is_flag=True,
              help="Also e-mail each person their code and link now (the file holds the codes).")
@with_appcontext
def emails_command(codes_file: Path, send_invitations: bool) -> None:
    """Give issued codes an e-mail, for reminders: a codes file (from 'issue') with an email column added.

    Optional columns name and language (vi|en). Rows with no e-mail are skipped. Every problem is printed as
    FILE:ROW: COLUMN: message and then nothing is stored.
    """
    from survey_app.services.contacts import attach_contacts
    from survey_app.services.errors import FileProblemsError

    try:
        count = attach_contacts(codes_file, send_invitations=send_invitations)
    except FileProblemsError as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(error.problems)} problem(s); no e-mail was stored.", err=True)
        sys.exit(1)
    db.session.commit()
    sent = "; their invitation e-mails are queued" if send_invitations else ""
    click.echo(f"{count} invitation(s) now have an e-mail{sent}.")
