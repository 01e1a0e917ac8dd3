"""The choices sheet: each list becomes a local scale of the questionnaire.

Two optional columns let a province author a scored form in Excel: ``weight`` (the option's share of the item's
max points, 0 to 1) and ``missing`` (yes for "don't know / not applicable": stored, never scored).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from questionnaires.xlsform.problems import Report
from questionnaires.xlsform.texts import TextReader
from questionnaires.xlsform.workbook import MEDIA, Row, Sheet

KNOWN = frozenset({"list_name", "name", "label", "weight", "missing"})
ATTRIBUTE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
TRUE_WORDS = frozenset({"yes", "true", "true()", "1"})
FALSE_WORDS = frozenset({"", "no", "false", "false()", "0"})


@dataclass
class ChoiceList:
    """One list: its options (FORMAT.md shape) and where each came from, for mapping problems back to cells."""

    name: str
    first_ref: str
    options: list[dict] = field(default_factory=list)
    origins: list[dict[str, str]] = field(default_factory=list)

    @property
    def is_weighted(self) -> bool:
        return any("weight" in o or o.get("missing") for o in self.options)


def read_choices(sheet: Sheet | None, texts: TextReader, report: Report) -> dict[str, ChoiceList]:
    """All lists on the choices sheet, by name (case-sensitive, as XLSForm tools treat them)."""
    lists: dict[str, ChoiceList] = {}
    if sheet is None:
        return lists
    for key in ("list_name", "name"):
        if not sheet.has(key):
            report.problem(f"{sheet.name}!A1", f"the choices sheet has no '{key}' column")
            return lists
    ignored: set[str] = set()
    for row in sheet.rows:
        _report_unusable(row, ignored, report)
        list_name = row.get("list_name")
        if not list_name:
            report.problem(row.ref("list_name"), "choice without a list_name")
            continue
        choice_list = lists.setdefault(list_name, ChoiceList(list_name, row.ref("list_name")))
        option = _option(row, choice_list, texts, report)
        if option is not None:
            choice_list.options.append(option)
            choice_list.origins.append(_origin(row))
    return lists


def _option(row: Row, choice_list: ChoiceList, texts: TextReader, report: Report) -> dict | None:
    code = row.get("name")
    if not code:
        report.problem(row.ref("name"), f"choice of list '{choice_list.name}' has no name")
        return None
    if any(o["code"] == code for o in choice_list.options):
        report.problem(row.ref("name"), f"duplicate choice name '{code}' in list '{choice_list.name}'")
        return None
    option: dict = {"code": code, "label": texts.required(row, "label", f"choice '{code}' of '{choice_list.name}'")}
    attributes = {key: cell.value for key, cell in row.filled() if key not in KNOWN and key not in MEDIA
                  and ATTRIBUTE.match(key)}
    if attributes:
        option["attributes"] = attributes  # read by a choice_filter (province -> district -> commune)
    weight = row.get("weight")
    if weight:
        try:
            option["weight"] = float(weight)
        except ValueError:
            report.problem(row.ref("weight"), f"weight '{weight}' is not a number (write e.g. 0.5)")
    missing = row.get("missing").lower()
    if missing in TRUE_WORDS:
        option["missing"] = True
    elif missing not in FALSE_WORDS:
        report.problem(row.ref("missing"), f"missing must be yes or no, not '{row.get('missing')}'")
    return option


def _origin(row: Row) -> dict[str, str]:
    return {"": row.ref("name"), "code": row.ref("name"), "label": row.ref("label", "vi"),
            "weight": row.ref("weight"), "missing": row.ref("missing")}


def _report_unusable(row: Row, ignored: set[str], report: Report) -> None:
    """Media on choices is an error (the respondent would miss it); other unknown columns are only ignored."""
    for key, cell in row.filled():
        if key in MEDIA:
            report.problem(cell.ref, f"media column '{key}' is not supported on choices")
        elif key not in KNOWN and not ATTRIBUTE.match(key) and key not in ignored:
            ignored.add(key)
            report.warn(cell.ref, f"column '{key}' is ignored (a choice_filter can only read columns named with "
                                  "letters, digits and '_')")
