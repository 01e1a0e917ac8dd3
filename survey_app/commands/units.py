"""``parsurvey units ...``: load the sample frame of administrative units."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from survey_app.extensions import db
from survey_app.services.errors import FileProblemsError


@click.group("units")
def units_cli() -> None:
    """Load and list the units (province, departments, districts, communes) surveyed."""


@units_cli.command("load")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def load_command(file: Path) -> None:
    """Create or update units from a CSV with columns code,name_vi,name_en,level,parent_code.

    Every row is checked first; on any problem nothing is written and each problem is printed as
    FILE:ROW: FIELD: message.
    """
    from survey_app.services.units import load_units

    try:
        created, updated = load_units(file)
    except FileProblemsError as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(error.problems)} problem(s); nothing was loaded.", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"{created} unit(s) created, {updated} updated from {file}.")


@units_cli.command("list")
@with_appcontext
def list_command() -> None:
    """Print every unit as code, level, parent and Vietnamese name."""
    from sqlalchemy import select

    from survey_app.models import Unit

    for unit in db.session.scalars(select(Unit).order_by(Unit.code)):
        parent = unit.parent.code if unit.parent else "-"
        click.echo(f"{unit.code:<16} {unit.level:<11} {parent:<16} {unit.name_vi}")
