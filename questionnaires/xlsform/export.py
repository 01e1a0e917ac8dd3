"""A definition written back as an XLSForm, so a province can edit its questionnaire in Excel and import it again.

The workbook is what pyxform converts (tested with pyxform in the suite) and what ``convert_xlsform`` reads back
to the same questionnaire: sections become groups, a matrix a ``table-list`` group, scales the choices sheet,
bounds of numbers and fixed dates a constraint, a choice filter's ``${choice.x}`` the bare column ``x``.
Columns only parsurvey reads (``criterion``, ``scored``, ``weight``, ``missing``; ``min``/``max`` of a date
relative to the day of answering) ride along: pyxform ignores them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from questionnaires.build import thaw
from questionnaires.date_bounds import is_relative
from questionnaires.model import Questionnaire

LANGUAGE_NAMES = {"vi": "Vietnamese", "en": "English"}
SELECT = {"single_choice": "select_one", "rating": "select_one", "multiple_choice": "select_multiple"}
PLAIN = {"integer": "integer", "decimal": "decimal", "text": "text", "long_text": "text", "date": "date",
         "note": "note", "calculate": "calculate", "acknowledge": "acknowledge"}
SURVEY_COLUMNS = ("type", "name", "label", "hint", "required", "relevant", "constraint", "constraint_message",
                  "calculation", "default", "read_only", "choice_filter", "appearance", "criterion", "scored",
                  "min", "max")
TRANSLATED = frozenset({"label", "hint", "constraint_message"})


def export_workbook(questionnaire: Questionnaire) -> Workbook:
    """The questionnaire as an XLSForm workbook (sheets survey, choices, settings)."""
    data = thaw(questionnaire.raw)
    languages = _languages(data, questionnaire.default_language)
    lists: dict[str, list[dict]] = {}
    rows: list[dict] = []
    for section in data["sections"]:
        rows.append({"type": "begin_group", "name": section["id"], "label": section["title"],
                     "hint": section.get("description"), "relevant": section.get("relevant")})
        for item in section["items"]:
            rows.extend(_item_rows(item, data, lists, questionnaire))
        rows.append({"type": "end_group"})
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(workbook, "survey", SURVEY_COLUMNS, rows, languages)
    attributes = sorted({k for options in lists.values() for o in options for k in (o.get("attributes") or {})})
    choice_rows = [{"list_name": name, "name": o["code"], "label": o["label"], "weight": o.get("weight"),
                    "missing": "yes" if o.get("missing") else None, **(o.get("attributes") or {})}
                   for name, options in lists.items() for o in options]
    _sheet(workbook, "choices", ("list_name", "name", "label", "weight", "missing", *attributes), choice_rows,
           languages)
    # pyxform reads one title: the default language's (another language's title is not carried over)
    settings = {"form_id": data["id"], "version": data["version"],
                "form_title": questionnaire.title.get(questionnaire.default_language),
                "default_language": _language_header(questionnaire.default_language),
                "methodology": data.get("methodology"),
                "respondent_groups": " ".join(data.get("respondent_groups") or []) or None}
    _sheet(workbook, "settings", tuple(settings), [settings], languages, translated=set())
    return workbook


def write_xlsform(questionnaire: Questionnaire, out: str | Path) -> None:
    export_workbook(questionnaire).save(out)


def _item_rows(item: dict, data: dict, lists: dict[str, list[dict]], questionnaire: Questionnaire) -> list[dict]:
    kind = item["type"]
    row = {"name": item["id"], "label": item["text"], "hint": item.get("hint"),
           "required": {True: "yes", "soft": "soft"}.get(item.get("required")), "relevant": item.get("relevant"),
           "constraint": _constraint(item), "constraint_message": item.get("constraint_message"),
           "calculation": item.get("calculation"), "read_only": "yes" if item.get("read_only") else None,
           "default": " ".join(item["default"]) if isinstance(item.get("default"), list) else item.get("default"),
           "choice_filter": _bare_columns(item.get("choice_filter")), "criterion": item.get("criterion"),
           "scored": {True: "yes", False: "no"}.get(item.get("scored"))}
    if kind in ("date",):
        row.update({k: item[k] for k in ("min", "max") if is_relative(item.get(k))})
    if kind == "long_text":
        row["appearance"] = "multiline"
    if kind == "rating":
        row["appearance"] = "likert"
    if kind == "matrix":
        list_name = _list(item, data, lists, questionnaire)
        group = {"type": "begin_group", "name": item["id"], "label": item["text"], "hint": item.get("hint"),
                 "relevant": item.get("relevant"), "appearance": "table-list", "criterion": item.get("criterion")}
        members = [{"type": f"select_one {list_name}", "name": r["id"], "label": r["text"],
                    "required": row["required"], "criterion": r.get("criterion")} for r in item["rows"]]
        return [group, *members, {"type": "end_group"}]
    if kind in SELECT:
        row["type"] = f"{SELECT[kind]} {_list(item, data, lists, questionnaire)}" + (
            " or_other" if item.get("or_other") else "")
    else:
        row["type"] = PLAIN[kind]
    return [row]


def _list(item: dict, data: dict, lists: dict[str, list[dict]], questionnaire: Questionnaire) -> str:
    """The choices list of an item: its scale's name (local or the methodology's, written out for pyxform; the
    importer uses the methodology's scale again when the codes are the same), or one named after the item."""
    name = item.get("scale") or item["id"]
    if "options" in item:
        lists[name] = item["options"]
    elif name in (data.get("scales") or {}):
        lists[name] = data["scales"][name]["options"]
    elif questionnaire.methodology is not None and name in questionnaire.methodology.scales:
        lists[name] = thaw(questionnaire.methodology.raw)["scales"][name]["options"]
    return name


def _constraint(item: dict) -> str | None:
    """min/max of numbers and fixed dates joined to the constraint, as ODK checks them."""
    parts = []
    for key, operator in (("min", ">="), ("max", "<=")):
        bound = item.get(key)
        if bound is None or is_relative(bound):
            continue
        parts.append(f". {operator} {bound!r}" if isinstance(bound, str) else f". {operator} {bound}")
    if item.get("constraint"):
        parts.append(f"({item['constraint']})" if parts else item["constraint"])
    return " and ".join(parts) or None


def _bare_columns(source: str | None) -> str | None:
    return re.sub(r"\$\{choice\.([A-Za-z][A-Za-z0-9_]*)\}", r"\1", source) if source else None


def _languages(data: Any, default: str) -> list[str]:
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if value and all(isinstance(k, str) and re.fullmatch(r"[a-z]{2,3}", k) and isinstance(v, str)
                             for k, v in value.items()):
                found.update(value)
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(data)
    return sorted(found, key=lambda lang: (lang != default, lang != "vi", lang))


def _language_header(code: str) -> str:
    return f"{LANGUAGE_NAMES.get(code, code)} ({code})"


def _sheet(workbook: Workbook, name: str, columns: Iterable[str], rows: list[Mapping[str, Any]],
           languages: list[str], translated: frozenset[str] | set[str] = TRANSLATED) -> None:
    """One sheet with only the columns some row fills; translated columns once per language."""
    sheet = workbook.create_sheet(name)
    header: list[tuple[str, str | None]] = []
    for column in columns:
        if not any(row.get(column) not in (None, "", {}) for row in rows) and column not in ("type", "name"):
            continue
        if column in translated:
            header += [(column, lang) for lang in languages
                       if any(isinstance(r.get(column), dict) and r[column].get(lang) for r in rows)]
        else:
            header.append((column, None))
    sheet.append([f"{c}::{_language_header(lang)}" if lang else c for c, lang in header])
    for row in rows:
        sheet.append([_cell(row.get(column), lang) for column, lang in header])


def _cell(value: Any, language: str | None) -> Any:
    if language is not None:
        return value.get(language) if isinstance(value, dict) else None
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value
