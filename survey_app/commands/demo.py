"""``parsurvey demo``: load the demo survey and write its links and codes."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from survey_app.extensions import db
from survey_app.services.errors import FileProblemsError, OperatorError


@click.command("demo")
@click.option("--codes-out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="CSV to write: survey,unit,group,code,url (open-link rows have an empty code).")
@with_appcontext
def demo_command(codes_out: Path) -> None:
    """Load Hải Phòng, the PAR forms (anonymous, by invitation) and SIPAS (open link); write links and codes.

    Safe to run again: units and surveys are not duplicated, and the still-unused codes of the previous
    codes file are kept (new ones are issued only where some were used or revoked).
    """
    from survey_app.commands.invitations import write_codes
    from survey_app.questionnaire_registry import available_questionnaires
    from survey_app.services.demo import load_demo, read_previous_codes

    base_url = current_app.config["PUBLIC_BASE_URL"]
    try:
        links = load_demo(list(available_questionnaires().values()), base_url, read_previous_codes(codes_out))
        write_codes(codes_out, [asdict(link) for link in links])
    except (OperatorError, FileProblemsError, OSError) as error:
        db.session.rollback()
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    db.session.commit()
    surveys = sorted({link.survey for link in links})
    click.echo(f"Demo loaded: {len(surveys)} survey(s) ({', '.join(surveys)}); "
               f"{sum(1 for link in links if link.code)} code(s) and "
               f"{sum(1 for link in links if not link.code)} open link(s) written to {codes_out}.")
