"""``options_file: districts.csv``: an item's options from a CSV shipped beside the questionnaire (XLSForm's
``select_one_from_file``), e.g. the province's 700 communes with their district.

The CSV has a ``name`` column (the code), ``label`` or ``label::<language>`` columns, and any other columns as
option attributes for a ``choice_filter``. It is read when the questionnaire file is loaded and written into the
definition, so a published version (its snapshot) holds the options themselves and never reads the file again.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from questionnaires.problems import Problem

_LABEL = re.compile(r"^label(?:::?\s*(?:.*\()?([a-z]{2,3})\)?)?$", re.IGNORECASE)


def inline_option_files(data: Any, folder: Path, file: str | None) -> list[Problem]:
    """Replace each item's ``options_file`` by its options (in place); problems name the item and the CSV row."""
    problems: list[Problem] = []
    if not isinstance(data, dict):
        return problems
    language = data.get("default_language") or "vi"
    for i, section in enumerate(data.get("sections") or []):
        for j, item in enumerate((section or {}).get("items") or [] if isinstance(section, dict) else []):
            if isinstance(item, dict) and isinstance(item.get("options_file"), str):
                where = f"sections[{i}].items[{j}].options_file"
                options = read_options_file(folder / item["options_file"], language, where, file, problems)
                if options is not None:
                    item["options"] = options
    return problems


def read_options_file(path: Path, language: str, where: str, file: str | None,
                      problems: list[Problem]) -> list[dict] | None:
    """The options of one CSV, in FORMAT.md's shape; None (with a problem) when it cannot be read."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            rows = list(csv.DictReader(stream))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        problems.append(Problem(file, None, where, f"cannot read the options file {path.name}: {error}"))
        return None
    options = []
    for number, row in enumerate(rows, start=2):
        option: dict = {"code": (row.get("name") or "").strip(), "label": {}, "attributes": {}}
        for key, value in row.items():
            if key is None or key == "name":
                continue
            match = _LABEL.match(key.strip())
            if match:
                option["label"][(match.group(1) or language).lower()] = (value or "").strip()
            elif re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", key.strip()):
                option["attributes"][key.strip()] = (value or "").strip()
        if not option["code"]:
            problems.append(Problem(file, None, where, f"{path.name}:{number}: the option has no name"))
            continue
        option["label"] = {k: v for k, v in option["label"].items() if v}
        if not option["attributes"]:
            del option["attributes"]
        options.append(option)
    return options
