"""``parsurvey export responses ...``: responses with their codebook, for Excel, the analysis, SPSS or Stata."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from survey_app.services.errors import OperatorError
from survey_app.services.exports import FORMATS
from survey_app.services.exports_source import LANGUAGES


@click.group("export")
def export_cli() -> None:
    """Export collected data."""


@export_cli.command("responses")
@click.option("--survey", "slug", required=True, help="Survey slug.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--labels", "language", type=click.Choice(LANGUAGES), default="vi", show_default=True,
              help="Language of the labels (XLSX codebook, SPSS and Stata variable and value labels).")
@with_appcontext
def responses_command(slug: str, fmt: str, out: Path, language: str) -> None:
    """One row per submitted response; -97 = not applicable, -99 = not answered.

    CSV (UTF-8 with BOM) also writes OUT with the suffix .codebook.json; XLSX has sheets responses, codebook and
    about; SAV and DTA carry variable labels, value labels and missing codes, with the codebook JSON beside them.
    An anonymous survey's dates are months, and empty where a unit and group counted fewer than
    PARSURVEY_ANONYMITY_K responses that month (README, Anonymity guarantee, "In exports").
    """
    from survey_app.extensions import db
    from survey_app.services import audit
    from survey_app.services.exports import export_responses
    from survey_app.services.surveys import get_survey

    try:
        survey = get_survey(slug)
        result = export_responses(survey, fmt, out, language=language, k=current_app.config["ANONYMITY_K"])
    except (OperatorError, OSError) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    audit.record("export", None, survey.slug, f"responses {fmt}, labels {language}, {result.rows} row(s)")
    db.session.commit()
    click.echo(f"{result.rows} response(s), {result.variables} variable(s) written to "
               + ", ".join(str(p) for p in result.paths))
