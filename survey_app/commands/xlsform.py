"""``parsurvey questionnaires import-xlsform FORM.xlsx -o OUT.yaml``: an XLSForm becomes a definition file."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("import-xlsform")
@click.argument("form", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The YAML definition to write (only when the form converts and validates).")
@click.option("--id", "form_id", help="Questionnaire id (overrides settings!form_id).")
@click.option("--version", "version", help="Questionnaire version (overrides settings!version).")
@click.option("--methodology", help="Methodology id whose scales and criteria the form uses (overrides settings).")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
def import_xlsform_command(form: Path, out: Path, form_id: str | None, version: str | None,
                           methodology: str | None, force: bool) -> None:
    """Convert an XLSForm; on any problem print one line per problem (sheet!cell) and write nothing."""
    from questionnaires.xlsform import convert_xlsform, write_yaml

    if out.exists() and not force:
        click.echo(f"{out} exists: a published definition is never overwritten silently; use --force.", err=True)
        sys.exit(2)
    conversion = convert_xlsform(form, form_id=form_id, version=version, methodology=methodology)
    for warning in conversion.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not conversion.ok:
        _refuse(form, conversion.problems)
    try:
        write_yaml(conversion, out)
    except OSError as error:
        click.echo(f"cannot write {out}: {error.strerror or error}; nothing written.", err=True)
        sys.exit(1)
    questionnaire = conversion.questionnaire
    items = sum(1 for _ in questionnaire.items())
    click.echo(f"Wrote {out}: {questionnaire.key}, {len(questionnaire.sections)} section(s), {items} item(s).")


@click.command("export-xlsform")
@click.argument("definition", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The XLSForm workbook (.xlsx) to write.")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
def export_xlsform_command(definition: Path, out: Path, force: bool) -> None:
    """Write a questionnaire definition as an XLSForm (pyxform converts it; import-xlsform reads it back)."""
    from questionnaires.loader import load_file
    from questionnaires.model import Questionnaire
    from questionnaires.problems import QuestionnaireError
    from questionnaires.xlsform.export import write_xlsform

    if out.exists() and not force:
        click.echo(f"{out} exists; use --force to replace it.", err=True)
        sys.exit(2)
    try:
        questionnaire = load_file(definition)
    except QuestionnaireError as error:
        _refuse(definition, error.problems)
    if not isinstance(questionnaire, Questionnaire):
        click.echo(f"{definition.name} is a methodology, not a questionnaire; nothing written.", err=True)
        sys.exit(1)
    try:
        write_xlsform(questionnaire, out)
    except OSError as error:
        click.echo(f"cannot write {out}: {error.strerror or error}; nothing written.", err=True)
        sys.exit(1)
    click.echo(f"Wrote {out}: {questionnaire.key} as an XLSForm ({len(questionnaire.sections)} group(s)).")


def _refuse(source: Path, problems) -> None:
    """Print every problem, one a line, then the count, and stop with status 1: nothing was written."""
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(f"{source.name}: {len(problems)} problem(s); nothing written.", err=True)
    sys.exit(1)
