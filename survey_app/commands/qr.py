"""``parsurvey surveys qr``: printable QR codes of an open survey's links, one per unit, for one-stop desks."""

from __future__ import annotations

from pathlib import Path

import click
import segno
from flask import current_app
from flask.cli import with_appcontext

from survey_app.commands.refusal import refuse
from survey_app.links import open_link
from survey_app.services.errors import OperatorError
from survey_app.services.surveys import get_survey
from survey_app.services.units import get_unit

FORMATS = ("svg", "png")


def write_qr(url: str, path: Path) -> None:
    """Medium error correction survives a creased or partly covered printout; the title carries the link."""
    qr = segno.make(url, error="m")
    if path.suffix == ".svg":
        qr.save(path, scale=8, border=4, title=url)
    else:
        qr.save(path, scale=8, border=4)


@click.command("qr")
@click.option("--survey", "slug", required=True, help="Slug of an open-link survey.")
@click.option("--unit", "unit_codes", multiple=True,
              help="Unit code (repeatable); default: every unit with a quota in the survey.")
@click.option("--out-dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="svg", show_default=True)
@with_appcontext
def qr_command(slug: str, unit_codes: tuple[str, ...], out_dir: Path, fmt: str) -> None:
    """Write one QR code per unit (SLUG_UNIT.svg or .png) and print each link."""
    try:
        survey = get_survey(slug)
        if survey.access != "open":
            raise OperatorError(f"survey {slug!r} is by invitation: its respondents get personal codes, not a QR code")
        units = [get_unit(code) for code in unit_codes] or [quota.unit for quota in survey.quotas]
        if not units:
            raise OperatorError(f"survey {slug!r} has no unit quotas: name the units with --unit")
    except OperatorError as error:
        refuse(error)
    out_dir.mkdir(parents=True, exist_ok=True)
    for unit in sorted(units, key=lambda u: u.code):
        url = open_link(current_app.config["PUBLIC_BASE_URL"], slug, unit.code)
        path = out_dir / f"{slug}_{unit.code}.{fmt}"
        write_qr(url, path)
        click.echo(f"{path}  {url}")
