"""Test helpers: turn a fixture form into a workbook, convert it, and load the written YAML back."""

from __future__ import annotations

from pathlib import Path

from questionnaires.loader import load_file
from questionnaires.model import Questionnaire
from questionnaires.xlsform import Conversion, convert_xlsform, write_yaml
from tests.data.xlsform.forms import write_workbook


def convert(form: dict, folder: Path, name: str = "form.xlsx", **options) -> Conversion:
    return convert_xlsform(write_workbook(form, folder / name), **options)


def round_trip(form: dict, folder: Path, **options) -> tuple[Questionnaire, Conversion]:
    """Import the form, write its YAML, and load that file as any definition is loaded."""
    conversion = convert(form, folder, **options)
    assert conversion.ok, [str(p) for p in conversion.problems]
    out = folder / "imported.yaml"
    write_yaml(conversion, out)
    return load_file(out), conversion


def lines(conversion: Conversion) -> list[str]:
    return [str(p) for p in conversion.problems]


def warnings(conversion: Conversion) -> list[str]:
    return [str(w) for w in conversion.warnings]
