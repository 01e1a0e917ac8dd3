"""``parsurvey invitations ...``: issue codes for letters and revoke them."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from survey_app.extensions import db
from survey_app.links import personal_link
from survey_app.services.errors import OperatorError

CODE_COLUMNS = ("survey", "unit", "group", "code", "url")


@click.group("invitations")
def invitations_cli() -> None:
    """Issue and revoke invitation codes of closed surveys."""


def write_codes(path: Path, rows: list[dict[str, str]]) -> None:
    """Write survey,unit,group,code,url rows (UTF-8 with a BOM so Excel shows Vietnamese correctly)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.DictWriter(fh, fieldnames=CODE_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


@invitations_cli.command("issue")
@click.option("--survey", "slug", required=True, help="Survey slug.")
@click.option("--unit", "unit_code", required=True, help="Unit code from the sample frame.")
@click.option("--group", "group_code", required=True, help="Respondent group id.")
@click.option("--count", required=True, type=click.IntRange(1, 10_000))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="CSV to write (survey,unit,group,code,url). The codes exist only there: keep it safe.")
@with_appcontext
def issue_command(slug: str, unit_code: str, group_code: str, count: int, out: Path) -> None:
    """Create COUNT invitation codes and write them with their links to --out."""
    from survey_app.services import invitations
    from survey_app.services.groups import get_group
    from survey_app.services.surveys import get_survey
    from survey_app.services.units import get_unit

    try:
        survey, unit, group = get_survey(slug), get_unit(unit_code), get_group(group_code)
        codes = invitations.issue(survey, unit, group, count)
        base_url = current_app.config["PUBLIC_BASE_URL"]
        rows = [dict(survey=slug, unit=unit_code, group=group_code, code=c, url=personal_link(base_url, c))
                for c in codes]
        write_codes(out, rows)
    except (OperatorError, OSError) as error:
        db.session.rollback()
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"{count} code(s) for {slug} / {unit_code} / {group_code} written to {out}.")


@invitations_cli.command("revoke")
@click.argument("code")
@with_appcontext
def revoke_command(code: str) -> None:
    """Withdraw an unused invitation code; its link then says it is no longer valid."""
    from survey_app.services.invitations import revoke

    try:
        revoke(code)
    except OperatorError as error:
        db.session.rollback()
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo("Invitation revoked.")
