"""The survey sheet as a tree: begin/end group rows become nodes holding their questions.

Rows that cannot be converted (unsupported types, repeats, media or calculation columns) are reported here,
each at its own cell, so that one run lists everything the author has to change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from questionnaires.xlsform.problems import Report
from questionnaires.xlsform.types import RowType, parse_type
from questionnaires.xlsform.workbook import MEDIA, Row, Sheet

VARIABLE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")  # the schema's variable_id
KNOWN = frozenset({
    "type", "name", "label", "hint", "relevant", "constraint", "constraint_message", "required", "appearance",
    "criterion", "scored", "calculation", "default", "read_only", "choice_filter",
    "min", "max",
})
FORBIDDEN = {
    "repeat_count": "repeat groups are not supported",
}


@dataclass
class Node:
    """A question, a group or a repeat, with the row it was written on."""

    row: Row
    type: RowType
    children: list[Node] = field(default_factory=list)
    generated_name: str | None = None  # a note without a name, as pyxform allows

    @property
    def name(self) -> str:
        return self.row.get("name") or self.generated_name or ""


def build_tree(sheet: Sheet, report: Report) -> list[Node]:
    """Top-level nodes of the survey sheet, in order; problems and skipped rows go to the report."""
    root: list[Node] = []
    open_nodes: list[Node] = []
    names: dict[str, str] = {}
    ignored: set[str] = set()
    taken = {row.get("name") for row in sheet.rows}
    for row in sheet.rows:
        _check_columns(row, ignored, report)
        raw = row.get("type")
        if not raw:
            if row.get("name") or row.texts("label"):
                report.problem(row.ref("type"), "row has no type")
            else:  # pyxform skips a row with neither type, name nor label: a comment to the author
                report.warn(row.ref("type"), "row without type, name or label is skipped (a comment)")
            continue
        row_type = parse_type(raw)
        if row_type.kind in ("end_group", "end_repeat"):
            _close(row, row_type, open_nodes, report)
            continue
        node = _node(row, row_type, report)
        if node is None:
            continue
        if not row.get("name") and row_type.item_type == "note":
            node.generated_name = _free_name(f"note_row{row.number}", taken)
            report.warn(row.ref("name"), f"note without a name is named '{node.generated_name}'")
        _check_name(node, names, report)
        (open_nodes[-1].children if open_nodes else root).append(node)
        if row_type.kind in ("begin_group", "begin_repeat"):
            open_nodes.append(node)
    for node in open_nodes:
        report.problem(node.row.ref("type"), f"group '{node.name}' is never closed (no 'end group' row)")
    return root


def _node(row: Row, row_type: RowType, report: Report) -> Node | None:
    if row_type.kind == "metadata":
        report.warn(row.ref("type"), f"metadata '{row.get('type')}' is skipped: parsurvey records its own times")
        return None
    if row_type.kind == "unsupported":
        report.problem(row.ref("type"), row_type.message or "type is not supported")
        return None
    if row_type.kind == "begin_repeat":
        report.problem(row.ref("type"), "repeat groups are not supported: a questionnaire has one answer per "
                                        "question; ask for a fixed number of items instead")
    return Node(row, row_type)


def _close(row: Row, row_type: RowType, open_nodes: list[Node], report: Report) -> None:
    wanted = "begin_group" if row_type.kind == "end_group" else "begin_repeat"
    if not open_nodes:
        report.problem(row.ref("type"), f"'{row.get('type')}' without a matching begin row")
    elif open_nodes[-1].type.kind != wanted:
        node = open_nodes.pop()
        report.problem(row.ref("type"), f"'{row.get('type')}' closes '{node.row.get('type')}' "
                                        f"opened at {node.row.ref('type')}")
    else:
        open_nodes.pop()


def _free_name(wanted: str, taken: set[str]) -> str:
    name, number = wanted, 1
    while name in taken:
        number += 1
        name = f"{wanted}_{number}"
    taken.add(name)
    return name


def _check_name(node: Node, names: dict[str, str], report: Report) -> None:
    name = node.name
    if not name:
        report.problem(node.row.ref("name"), f"'{node.row.get('type')}' row has no name")
    elif not VARIABLE_NAME.match(name):
        report.problem(node.row.ref("name"), f"name '{name}' must start with a letter and hold only letters, digits "
                                             "and '_' (it becomes a variable name in SPSS and Stata)")
    elif name in names:
        report.problem(node.row.ref("name"), f"duplicate name '{name}' (first used at {names[name]})")
    else:
        names[name] = node.row.ref("name")


def _check_columns(row: Row, ignored: set[str], report: Report) -> None:
    for key, cell in row.filled():
        if key in MEDIA:
            report.problem(cell.ref, f"media column '{key}' is not supported")
        elif key in FORBIDDEN:
            report.problem(cell.ref, FORBIDDEN[key])
        elif key not in KNOWN and key not in ignored:
            ignored.add(key)
            report.warn(cell.ref, f"column '{key}' is ignored")
