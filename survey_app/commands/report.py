"""``parsurvey report rates``: response rates per unit and group, laggards first, for coordinators."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import click
import pandas as pd
from flask.cli import with_appcontext

from survey_app.services.errors import OperatorError

HEADERS = {"unit": "unit", "unit_name": "name", "group": "group", "issued": "issued", "quota": "quota",
           "completes": "completes", "share": "share"}
PERCENT_COLUMNS = ("RR1", "RR2", "COOP1", "share")
OPEN_NOTE = ("Open survey: there are no invitations, so no response rate; completes per unit against the unit's "
             "quota (no quota = unlimited).")


@click.group("report")
def report_cli() -> None:
    """Progress reports for coordinators."""


@report_cli.command("rates")
@click.option("--survey", "slug", required=True, help="Survey slug.")
@click.option("--by", type=click.Choice(["unit", "group", "unit,group"]), default="unit,group", show_default=True,
              help="One row per unit, per group, or per unit and group.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True,
              help="A readable table, or CSV (rates as fractions 0-1, empty when undefined).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE instead of the screen.")
@with_appcontext
def rates_command(slug: str, by: str, fmt: str, out: Path | None) -> None:
    """AAPOR response rates of a survey's invitations, lowest RR1 first, with a total row.

    Rates come from analysis.rates.response_rates, as in the analysis. How invitations become AAPOR
    dispositions (our choice where AAPOR leaves room):

    \b
      completed               -> I   complete
      started, not submitted  -> P   partial: at least half of the relevant answerable
                                     questions have an answer in the draft
                              -> R   break-off otherwise
      issued, no page saved   -> NC  no contact could be confirmed (a letter may not arrive)
      revoked                 -> NE  not eligible (e.g. left the post): in no denominator

    \b
    RR1 = I / (I+P+R+NC)   RR2 = (I+P) / (I+P+R+NC)   COOP1 = I / (I+P+R)

    Open-link surveys have no invitations: the report then gives completes per unit against the unit's
    quota (columns unit, quota, completes, share; --by does not apply) and says so. Only invitations and
    responses per unit are counted: nothing is shown that the response table does not already tell.
    """
    from survey_app.services.participation import invitation_rates, open_survey_completes
    from survey_app.services.surveys import get_survey

    try:
        survey = get_survey(slug)
        is_open = survey.access == "open"
        table = open_survey_completes(survey) if is_open else invitation_rates(survey, by)
        text = as_csv(table) if fmt == "csv" else as_text(table)
        if is_open and fmt == "table":
            text = OPEN_NOTE + "\n" + text
        if out is None:
            click.echo(text, nl=False)
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
    except (OperatorError, OSError) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    if out is not None:
        click.echo(f"{len(table) - 1} row(s) and a total written to {out}")
    if is_open and (fmt == "csv" or out is not None):
        click.echo(OPEN_NOTE, err=True)


def as_csv(table: pd.DataFrame) -> str:
    """The table as CSV: rates and shares as fractions, empty where undefined."""
    return table.to_csv(index=False, float_format="%.6g", lineterminator="\n")


def as_text(table: pd.DataFrame) -> str:
    """Aligned columns; rates as percentages with one decimal, "-" where undefined; the total row last."""
    headers = [HEADERS.get(c, c) for c in table.columns]
    cells = [[_cell(column, value) for column, value in row.items()] for _, row in table.iterrows()]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    numeric = [c not in ("unit", "unit_name", "group") for c in table.columns]

    def line(values: list[str]) -> str:
        padded = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)]
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * w for w in widths)
    body = [line(r) for r in cells[:-1]]
    return "\n".join([line(headers), rule, *body, rule, line(cells[-1])]) + "\n"


def _cell(column: str, value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if column in PERCENT_COLUMNS:
        return f"{100 * float(value):.1f}%"
    return str(value)


@report_cli.command("nonresponders")
@click.option("--survey", "slug", required=True, help="Survey slug.")
@click.option("--unit", "unit_codes", multiple=True, help="Only these units (repeatable; default: every unit).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="CSV file to write.")
@with_appcontext
def nonresponders_command(slug: str, unit_codes: tuple[str, ...], out: Path) -> None:
    """Invitations not completed, revoked or refused, one row each, for the focal points who remind by phone.

    Columns: unit, unit_name, group, status (not opened | opened | started), name, email, invited_on, emails_sent,
    last_emailed (UTC). UTF-8 with a byte-order mark, so Excel shows Vietnamese names.
    """
    import csv

    from survey_app.services.reminders import NONRESPONDER_COLUMNS, nonresponders
    from survey_app.services.surveys import get_survey, get_unit

    try:
        rows = nonresponders(get_survey(slug), [get_unit(code) for code in unit_codes])
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", newline="", encoding="utf-8-sig") as fh:
            writer = csv.DictWriter(fh, fieldnames=NONRESPONDER_COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
    except (OperatorError, OSError) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    click.echo(f"{len(rows)} invitation(s) not completed written to {out}.")
