"""``parsurvey questionnaires ...``: check and convert questionnaire files."""

from __future__ import annotations

import sys
from pathlib import Path

import click

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "questionnaires"


@click.group("questionnaires")
def questionnaires_cli() -> None:
    """Validate, import and list questionnaire definitions."""


@questionnaires_cli.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def validate_command(paths: tuple[Path, ...]) -> None:
    """Check questionnaire and methodology files (default: the bundled ones); one line per problem."""
    from questionnaires.validate import validate_paths

    targets = list(paths) or [DEFAULT_DIR]
    report = validate_paths(targets)
    for problem in report.problems:
        click.echo(str(problem), err=True)
    click.echo(f"{report.files_checked} file(s) checked, {len(report.problems)} problem(s).")
    sys.exit(1 if report.problems else 0)


from survey_app.commands.xlsform import export_xlsform_command, import_xlsform_command  # noqa: E402  (beside its group)

questionnaires_cli.add_command(import_xlsform_command)
questionnaires_cli.add_command(export_xlsform_command)
