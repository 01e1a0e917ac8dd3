"""A clone with nothing beside it must run everything: no file of the project reads a folder outside it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A path that climbs out of the repository into the steering folder, in any spelling code would use.
OUTSIDE = re.compile(r"""\.\./shared|parents\[\d+\]\s*/\s*["']shared["']|parent\s*/\s*["']shared["']""")


def _tracked_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False)
    if listed.returncode != 0:  # an exported tree without git: read every file instead
        return [p for p in ROOT.rglob("*") if p.is_file() and ".venv" not in p.parts and ".git" not in p.parts]
    return [ROOT / name for name in listed.stdout.decode().split("\0") if name]


def test_no_file_reads_a_folder_beside_the_repository():
    offenders = []
    for path in _tracked_files():
        if path.suffix in {".md"} or not path.is_file():
            continue  # prose may mention the steering folder; code and data may not read it
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        offenders += [f"{path.relative_to(ROOT)}:{n}" for n, line in enumerate(text.splitlines(), 1)
                      if OUTSIDE.search(line) and path.name != "test_stands_alone.py"]
    assert offenders == [], "these lines read a folder outside the repository: " + ", ".join(offenders)


def test_the_reference_data_the_tests_read_is_in_the_repository():
    from tests.reference_data import REFERENCE_DATA

    for name in ("apistrat.csv", "apiclus1.csv", "apiclus2.csv", "apisrs.csv", "apipop_margins.csv",
                 "cronbach_wide_missing.csv"):
        assert (REFERENCE_DATA / name).is_file(), name
    assert REFERENCE_DATA.is_relative_to(ROOT)
