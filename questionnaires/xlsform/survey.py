"""Survey tree -> sections and items in the FORMAT.md shape, each remembering the cells it came from.

Top-level groups become sections; questions outside any group go into a section of their own (titled with the
form title). Sections do not nest, so a group inside a group is flattened into the enclosing section: its label
becomes a note, and its relevance is joined (``and``) to the relevance of each of its questions. A group with
appearance ``table-list`` whose questions are all ``select_one`` on one list becomes a matrix item.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from questionnaires.model import Scale
from questionnaires.option_files import read_options_file
from questionnaires.xlsform.choices import ChoiceList
from questionnaires.xlsform.problems import Report
from questionnaires.xlsform.texts import TextReader
from questionnaires.xlsform.tree import Node
from questionnaires.xlsform.workbook import Row

REQUIRED_WORDS = {"yes": True, "true": True, "true()": True, "1": True, "soft": "soft",
                  "no": None, "false": None, "false()": None, "0": None, "": None}
ITEM_FIELDS = ("hint", "scale", "required", "relevant", "constraint", "constraint_message", "criterion", "scored",
               "calculation", "default", "read_only", "or_other")
TRUE_WORDS = frozenset({"yes", "true", "true()", "1"})


@dataclass
class Built:
    """A section, item or matrix row as a dict, with the cell of each key ("" = the row itself)."""

    data: dict
    origin: dict[str, str]
    children: list[Built] = field(default_factory=list)


@dataclass
class SurveyBuilder:
    """Builds sections from the survey tree, recording which choice lists are used and every problem met."""

    report: Report
    texts: TextReader
    lists: dict[str, ChoiceList]
    outside_scales: Mapping[str, Scale] = field(default_factory=dict)  # the methodology's, by name
    used_lists: list[str] = field(default_factory=list)
    form_title: dict[str, str] = field(default_factory=dict)
    read_only_groups: int = 0  # how many enclosing groups are read-only (their questions are too, as in ODK)
    folder: Path | None = None  # where the workbook is: select_one_from_file reads its CSV there

    def sections(self, tree: list[Node], loose_title: dict[str, str], taken: set[str]) -> list[Built]:
        """Sections in sheet order; runs of questions outside groups get generated ids ``section_1``, ..."""
        self.form_title = loose_title
        sections: list[Built] = []
        loose: list[Built] = []
        for node in tree:
            if node.type.kind == "begin_group" and self._matrix_problem(node) is not None:
                self._flush(loose, sections, loose_title, taken)
                sections.append(self._section(node))
            else:
                loose.extend(self._flatten([node], [], None))
        self._flush(loose, sections, loose_title, taken)
        return sections

    def _flush(self, loose: list[Built], sections: list[Built], title: dict[str, str], taken: set[str]) -> None:
        if not loose:
            return
        number = 1
        while f"section_{number}" in taken:
            number += 1
        taken.add(f"section_{number}")
        first = loose[0].origin[""]
        sections.append(Built({"id": f"section_{number}", "title": title}, {"": first}, list(loose)))
        loose.clear()

    def _section(self, node: Node) -> Built:
        row = node.row
        if row.texts("label"):
            title = self.texts.required(row, "label", f"group '{node.name}'")
        else:  # pyxform accepts a group without a label; a page still needs a heading
            title = dict(self.form_title)
            self.report.warn(row.ref("label", "vi"), f"group '{node.name}' has no label: its page is titled with "
                                                     "the form title")
        data = {"id": node.name, "title": title}
        description = self.texts.optional(row, "hint", f"group '{node.name}'")
        if description:
            data["description"] = description  # a group's hint is shown under the section title
        if row.get("relevant"):
            data["relevant"] = row.get("relevant")
        children = self._inside(node, lambda: self._flatten(node.children, [], node.name))
        if not children:
            self.report.problem(row.ref("type"), f"group '{node.name}' has no questions")
        origin = {"": row.ref("name"), "id": row.ref("name"), "title": row.ref("label", "vi"),
                  "relevant": row.ref("relevant"), "description": row.ref("hint", "vi")}
        return Built(data, origin, children)

    def _flatten(self, nodes: list[Node], conditions: list[str], section: str | None) -> list[Built]:
        built: list[Built] = []
        for node in nodes:
            kind = node.type.kind
            if kind == "question":
                built.append(self._item(node, conditions))
            elif kind == "begin_repeat":
                self._flatten(node.children, conditions, section)  # reported already; look inside for more
            elif self._matrix_problem(node) is None:
                built.append(self._matrix(node, conditions))
            else:
                built.extend(self._nested(node, conditions, section))
        return built

    def _nested(self, node: Node, conditions: list[str], section: str | None) -> list[Built]:
        row = node.row
        where = f"section '{section}'" if section else "the section of questions outside groups"
        self.report.warn(row.ref("type"), f"group '{node.name}' is flattened into {where} (sections do not nest)")
        inner = [*conditions, row.get("relevant")] if row.get("relevant") else conditions
        heading = []
        if row.texts("label") or row.texts("hint"):
            key = "label" if row.texts("label") else "hint"
            text = self.texts.required(row, key, f"group '{node.name}'")
            note = Built({"id": node.name, "type": "note", "text": text},
                         {"": row.ref("name"), "text": row.ref(key, "vi"), "hint": row.ref("hint", "vi")})
            hint = self.texts.optional(row, "hint", f"group '{node.name}'") if key == "label" else None
            if hint:
                note.data["hint"] = hint  # the nested group's hint stays under its heading
            _set_relevant(note, conditions, row)
            heading.append(note)
        return heading + self._inside(node, lambda: self._flatten(node.children, inner, section))

    def _inside(self, node: Node, build):
        """Build a group's contents, its questions read-only when the group is."""
        read_only = node.row.get("read_only").lower() in TRUE_WORDS
        self.read_only_groups += read_only
        try:
            return build()
        finally:
            self.read_only_groups -= read_only

    def _item(self, node: Node, conditions: list[str]) -> Built:
        row, row_type = node.row, node.type
        if "search(" in row.get("appearance").lower():
            self.report.warn(row.ref("appearance"), f"question '{node.name}' takes its choices from an external "
                                                    "file in ODK (search()): only the options of its list on the "
                                                    "choices sheet are offered here")
        item_type = self._item_type(node)
        if item_type == "calculate" and not row.texts("label"):
            text = {self.texts.language: node.name}  # a calculation is never shown: its name labels the variable
        else:
            text = self.texts.required(row, "label", f"question '{node.name}'")
        data = {"id": node.name, "type": item_type, "text": text}
        origin = {"": row.ref("name"), "id": row.ref("name"), "type": row.ref("type"), "text": row.ref("label", "vi")}
        built = Built(data, origin)
        if row_type.options_file:
            self._options_from_file(built, row, row_type.options_file, node.name)
        if item_type != "note":
            self._answer_fields(built, row, row_type.list_name)
            self._feature_fields(built, row, item_type, row_type.or_other)
        _set_relevant(built, conditions, row)
        return built

    def _item_type(self, node: Node) -> str:
        item_type = node.type.item_type or "text"
        appearance = node.row.get("appearance").lower()
        if item_type == "text" and "multiline" in appearance:
            return "long_text"
        if item_type == "single_choice" and ("likert" in appearance or self._is_weighted(node.type.list_name or "")):
            return "rating"
        return item_type

    def _is_weighted(self, list_name: str) -> bool:
        """A list with weights or a "don't know" option is a rating scale, as in the PAR questionnaires."""
        if list_name in self.lists:
            return self.lists[list_name].is_weighted
        scale = self.outside_scales.get(list_name)
        return scale is not None and (scale.is_weighted or any(o.missing for o in scale.options))

    def _answer_fields(self, built: Built, row: Row, list_name: str | None) -> None:
        data, origin, what = built.data, built.origin, f"question '{row.get('name')}'"
        if list_name:
            data["scale"] = self._scale(list_name, row)
        required = row.get("required")
        if required.lower() not in REQUIRED_WORDS:
            self.report.problem(row.ref("required"), f"required must be yes, no or soft, not '{required}' "
                                                     "(a condition cannot be converted)")
        elif REQUIRED_WORDS[required.lower()] is not None:
            data["required"] = REQUIRED_WORDS[required.lower()]
        for key in ("constraint", "criterion"):
            if row.get(key):
                data[key] = row.get(key)
        for key in ("hint", "constraint_message"):
            text = self.texts.optional(row, key, what)
            if text:
                data[key] = text
        scored = row.get("scored").lower()
        if scored and REQUIRED_WORDS.get(scored, "soft") == "soft":
            self.report.problem(row.ref("scored"), f"scored must be yes or no, not '{row.get('scored')}'")
        elif scored:
            data["scored"] = REQUIRED_WORDS[scored] is True
        origin.update({key: row.ref(key, "vi" if key in ("hint", "constraint_message") else None)
                       for key in ITEM_FIELDS if key != "scale"})
        origin["scale"] = row.ref("type")

    def _options_from_file(self, built: Built, row: Row, file_name: str, name: str) -> None:
        """select_one_from_file: the CSV's rows become the item's own options (name, label, other columns)."""
        problems: list = []
        options = read_options_file((self.folder or Path(".")) / file_name, self.texts.language, "", None, problems)
        for problem in problems:
            self.report.problem(row.ref("type"), f"question '{name}': {problem.message}")
        if options is not None:
            built.data["options"] = options
            if not options:
                self.report.problem(row.ref("type"), f"question '{name}': {file_name} has no options")

    def _feature_fields(self, built: Built, row: Row, item_type: str, or_other: bool) -> None:
        """calculation, default, read_only and or_other, with the meaning pyxform gives them."""
        data = built.data
        if row.get("calculation"):
            data["calculation"] = row.get("calculation")
        if row.get("default"):
            data["default"] = _typed_default(row.get("default"), item_type)
        for key in ("min", "max"):  # parsurvey's own columns (pyxform ignores them): bounds, "today" for dates
            if row.get(key):
                data[key] = _typed_default(row.get(key), item_type)
        read_only = row.get("read_only").lower()
        if read_only in TRUE_WORDS or (self.read_only_groups and item_type != "calculate"):
            data["read_only"] = True
        elif read_only not in ("", "no", "false", "false()", "0"):
            self.report.problem(row.ref("read_only"), f"read_only must be yes or no, not '{row.get('read_only')}' "
                                                      "(a condition cannot be converted)")
        if or_other:
            data["or_other"] = True
        if row.get("choice_filter"):
            data["choice_filter"] = choice_filter_expression(row.get("choice_filter"))
        built.origin.update({"calculation": row.ref("calculation"), "default": row.ref("default"),
                             "min": row.ref("min"), "max": row.ref("max"),
                             "read_only": row.ref("read_only"), "or_other": row.ref("type"),
                             "choice_filter": row.ref("choice_filter"), "options": row.ref("type")})

    def _scale(self, list_name: str, row: Row) -> str:
        outside = self.outside_scales.get(list_name)
        if list_name in self.lists and outside is not None and outside.codes == tuple(
                o["code"] for o in self.lists[list_name].options):
            return list_name  # the methodology's own scale, written out on the choices sheet (export-xlsform)
        if list_name in self.lists:
            if list_name not in self.used_lists:
                self.used_lists.append(list_name)
        elif list_name not in self.outside_scales:
            known = [*self.lists, *self.outside_scales]
            close = difflib.get_close_matches(list_name, known, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            self.report.problem(row.ref("type"), f"list '{list_name}' is not on the choices sheet{hint}")
        return list_name

    def _matrix_problem(self, node: Node) -> str | None:
        """Why a group is not a matrix (None when it is one); a table-list group that cannot be is reported."""
        if node.type.kind != "begin_group" or "table-list" not in node.row.get("appearance").lower():
            return "not a table-list group"
        reason = _matrix_obstacle(node)
        if reason:
            self.report.warn(node.row.ref("appearance"), f"table-list group '{node.name}' is kept as separate "
                                                         f"questions, not a matrix: {reason}")
        return reason

    def _matrix(self, node: Node, conditions: list[str]) -> Built:
        row, first = node.row, node.children[0]
        data = {"id": node.name, "type": "matrix", "text": self.texts.required(row, "label", f"group '{node.name}'")}
        origin = {"": row.ref("name"), "id": row.ref("name"), "text": row.ref("label", "vi"),
                  "scale": first.row.ref("type"), "required": first.row.ref("required"),
                  "criterion": row.ref("criterion"), "hint": row.ref("hint", "vi"), "relevant": row.ref("relevant")}
        hint = self.texts.optional(row, "hint", f"group '{node.name}'")
        if hint:
            data["hint"] = hint
        data["scale"] = self._scale(first.type.list_name or "", first.row)
        required = REQUIRED_WORDS.get(first.row.get("required").lower())
        if required is not None:
            data["required"] = required
        if row.get("criterion"):
            data["criterion"] = row.get("criterion")
        built = Built(data, origin, [self._matrix_row(child) for child in node.children])
        _set_relevant(built, conditions, row)
        return built

    def _matrix_row(self, node: Node) -> Built:
        row = node.row
        data = {"id": node.name, "text": self.texts.required(row, "label", f"question '{node.name}'")}
        if row.get("criterion"):
            data["criterion"] = row.get("criterion")
        return Built(data, {"": row.ref("name"), "id": row.ref("name"), "text": row.ref("label", "vi"),
                            "criterion": row.ref("criterion")})


_QUOTED_OR_REFERENCE = re.compile(r"('[^']*'|\"[^\"]*\"|\$\{[^}]*\})")
_BARE_NAME = re.compile(r"(?<![\w.$-])([A-Za-z_][A-Za-z0-9_]*)(?![\w-])(?!\s*\()")
_WORDS = frozenset({"and", "or", "div", "mod"})


def choice_filter_expression(text: str) -> str:
    """XLSForm's ``province = ${province}`` in parsurvey's words: an option's column is ``${choice.province}``."""
    parts = _QUOTED_OR_REFERENCE.split(text)
    for index in range(0, len(parts), 2):
        parts[index] = _BARE_NAME.sub(
            lambda m: m.group(1) if m.group(1) in _WORDS else f"${{choice.{m.group(1)}}}", parts[index])
    return "".join(parts)


def _typed_default(text: str, item_type: str) -> object:
    """A default as the stored answer: a number for numbers, a list of codes for multiple choice."""
    if item_type == "multiple_choice":
        return text.split()
    if item_type in ("integer", "decimal"):
        try:
            number = float(text)
        except ValueError:
            return text  # the loader says it is not a valid answer, at its cell
        return int(number) if item_type == "integer" and number.is_integer() else number
    return text


def _matrix_obstacle(node: Node) -> str | None:
    questions = [c for c in node.children if c.type.kind == "question"]
    if not questions or len(questions) != len(node.children):
        return "it must hold questions only"
    if any(c.type.item_type != "single_choice" for c in questions):
        return "all its questions must be select_one"
    if len({c.type.list_name for c in questions}) != 1:
        return "all its questions must use the same list"
    for child in questions:
        for key in ("relevant", "constraint", "hint"):
            if child.row.get(key):
                return f"{child.row.ref(key)} gives one row its own {key}"
    if len({c.row.get("required").lower() for c in questions}) != 1:
        return "its questions differ in 'required'"
    return None


def _set_relevant(built: Built, conditions: list[str], row: Row) -> None:
    """Join enclosing groups' relevance and the row's own: every one must hold for the item to show."""
    parts = [*conditions, row.get("relevant")] if row.get("relevant") else list(conditions)
    if parts:
        built.data["relevant"] = parts[0] if len(parts) == 1 else " and ".join(f"({p})" for p in parts)
        built.origin.setdefault("relevant", row.ref("relevant"))
