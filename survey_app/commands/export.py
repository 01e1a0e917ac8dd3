"""``parsurvey export responses ...``: responses with their codebook, for the analysis or SPSS."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from survey_app.services.errors import OperatorError


@click.group("export")
def export_cli() -> None:
    """Export collected data."""


@export_cli.command("responses")
@click.option("--survey", "slug", required=True, help="Survey slug.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "sav"]), required=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def responses_command(slug: str, fmt: str, out: Path) -> None:
    """One row per submitted response; -97 = not applicable, -99 = not answered.

    CSV also writes OUT with the suffix .codebook.json; XLSX has sheets responses and codebook; SAV carries
    variable labels, value labels and user-missing values.
    """
    from survey_app.services import export_formats
    from survey_app.services.exports import response_table
    from survey_app.services.surveys import get_survey

    writers = {"csv": export_formats.write_csv, "xlsx": export_formats.write_xlsx, "sav": export_formats.write_sav}
    try:
        table = response_table(get_survey(slug))
        out.parent.mkdir(parents=True, exist_ok=True)
        written = writers[fmt](table, out)
    except (OperatorError, OSError) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    click.echo(f"{len(table.rows)} response(s), {len(table.codebook.variables)} variable(s) written to "
               + ", ".join(str(p) for p in written))
