"""Broken copies of the valid fixture: each test breaks one thing and reads what the validator says."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import yaml

from questionnaires.validate import Report, validate_paths

VALID = Path(__file__).resolve().parents[1] / "data" / "questionnaires" / "valid"
DEFINITION = Path("definitions") / "demo_all_types.yaml"
METHODOLOGY = Path("methodology") / "par_demo.yaml"

Edit = Callable[[dict], None]


def copy_valid(tmp_path: Path) -> Path:
    target = tmp_path / "questionnaires"
    shutil.copytree(VALID, target)
    return target


def rewrite(path: Path, edit: Edit) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def broken(tmp_path: Path, questionnaire: Edit | None = None, methodology: Edit | None = None) -> Report:
    """Validate a copy of the valid fixture after applying the edits to its parsed data."""
    folder = copy_valid(tmp_path)
    if questionnaire:
        rewrite(folder / DEFINITION, questionnaire)
    if methodology:
        rewrite(folder / METHODOLOGY, methodology)
    return validate_paths([folder])


def text_edit(tmp_path: Path, old: str, new: str, file: Path = DEFINITION) -> Report:
    """Validate a copy after replacing ``old`` by ``new`` in the file's text (keeps the line numbers meaningful)."""
    folder = copy_valid(tmp_path)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture no longer contains {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return validate_paths([folder])


def lines(report: Report) -> list[str]:
    """``path: message`` of each problem, without the temporary folder's file name."""
    return [f"{p.path}: {p.message}" for p in report.problems]


def item(data: dict, item_id: str) -> dict:
    return next(i for s in data["sections"] for i in s["items"] if i["id"] == item_id)


def line_of(fragment: str, file: Path = DEFINITION) -> int:
    """The 1-based line of the fixture where ``fragment`` first occurs."""
    for number, text in enumerate((VALID / file).read_text(encoding="utf-8").splitlines(), start=1):
        if fragment in text:
            return number
    raise AssertionError(f"fixture no longer contains {fragment!r}")
