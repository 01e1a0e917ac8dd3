"""``validate_paths``: check questionnaire and methodology files and folders, reporting every problem.

Used by ``parsurvey questionnaires validate``; each Problem prints as ``file:line: path: message``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from questionnaires.loader import load_files, yaml_files
from questionnaires.problems import Problem


@dataclass(frozen=True)
class Report:
    """How many files were read and what is wrong with them (empty ``problems`` means all valid)."""

    files_checked: int
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def validate_paths(paths: Iterable[str | Path]) -> Report:
    """Check files and folders (recursively); a folder's methodology files serve its questionnaires."""
    paths = list(paths)
    missing = [Problem(str(p), None, "", "no such file or folder") for p in map(Path, paths) if not p.exists()]
    files = yaml_files(p for p in paths if Path(p).exists())
    if not files and not missing:
        return Report(0, [Problem(", ".join(map(str, paths)) or None, None, "", "no .yaml files found")])
    result = load_files(_with_neighbouring_methodologies(files))
    named = {str(f) for f in files}
    problems = missing + [p for p in result.problems if p.file in named or p.file is None]
    return Report(len(files), problems)


def _with_neighbouring_methodologies(files: list[Path]) -> list[Path]:
    """Add the methodology folder next to a lone definition file, so checking one file works as in its folder."""
    extra: list[Path] = []
    for folder in {f.parent.parent / "methodology" for f in files}:
        if folder.is_dir():
            extra += [m for m in yaml_files([folder]) if m not in files and m not in extra]
    return extra + files
