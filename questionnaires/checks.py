"""Semantic checks of a built questionnaire: what the schema cannot see (ids, scales, bounds, criteria).

Each check yields findings ``(path, message)`` with the element path in the file, so every problem of a file is
reported in one run. Expression checks live in ``expression_checks``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from questionnaires import date_bounds
from questionnaires.build import Finding
from questionnaires.model import Item, ItemType, Questionnaire, Required, Scale, SubcriterionSource
from questionnaires.problems import Path, format_path

_FLAG_CODE = re.compile(r"^[A-Za-z0-9_]+$")


def item_paths(questionnaire: Questionnaire) -> Iterator[tuple[Path, Item]]:
    """Each item with its path in the file (``("sections", i, "items", j)``)."""
    for i, section in enumerate(questionnaire.sections):
        for j, item in section.items_in_file():
            yield ("sections", i, "items", j), item


def questionnaire_findings(questionnaire: Questionnaire) -> list[Finding]:
    """Every structural problem of the questionnaire, in file order."""
    findings = list(_duplicate_ids(questionnaire))
    for name, scale in questionnaire.scales.items():
        findings += scale_findings(scale, ("scales", name))
    for path, item in item_paths(questionnaire):
        findings += _item_findings(item, path, questionnaire)
    findings += _group_findings(questionnaire)
    return findings


def _duplicate_ids(questionnaire: Questionnaire) -> Iterator[Finding]:
    seen: dict[str, Path] = {}

    def claim(element_id: str, path: Path) -> Iterator[Finding]:
        if element_id in seen:
            yield (*path, "id"), f"duplicate id '{element_id}' (first used at {format_path(seen[element_id])})"
        else:
            seen[element_id] = path

    for i, section in enumerate(questionnaire.sections):
        yield from claim(section.id, ("sections", i))
        for j, item in section.items_in_file():
            yield from claim(item.id, ("sections", i, "items", j))
            for k, row in enumerate(item.rows):
                yield from claim(row.id, ("sections", i, "items", j, "rows", k))


def scale_findings(scale: Scale, path: Path) -> Iterator[Finding]:
    """Duplicate option codes and weights outside [0, 1]."""
    codes: set[str] = set()
    for k, option in enumerate(scale.options):
        if option.code in codes:
            yield (*path, "options", k, "code"), f"duplicate option code '{option.code}'"
        codes.add(option.code)
        if option.weight is not None and not 0 <= option.weight <= 1:
            yield (*path, "options", k, "weight"), f"option weight {option.weight:g} is outside [0, 1]"
        if option.weight is not None and option.missing:
            yield (*path, "options", k, "weight"), "a 'missing' option (don't know) is never scored: drop its weight"


def _item_findings(item: Item, path: Path, questionnaire: Questionnaire) -> Iterator[Finding]:
    if item.other_of is not None:
        return  # the "please specify" text that or_other adds: built whole, nothing of it is in the file
    raw = _raw_item(questionnaire, path)
    if item.type.has_options:
        yield from _choice_findings(item, path, raw)
    elif "scale" in raw or "options" in raw:
        key = "scale" if "scale" in raw else "options"
        yield (*path, key), f"'{key}' only applies to choice, rating and matrix items, not {item.type}"
    if item.rows and item.type is not ItemType.MATRIX:
        yield (*path, "rows"), f"'rows' only applies to matrix items, not {item.type}"
    if item.type is ItemType.NOTE:
        for key in ("required", "constraint"):
            if key in raw and (key != "required" or item.required is not Required.NO):
                yield (*path, key), f"a note is display only and cannot have '{key}'"
    yield from _bound_findings(item, path, raw)
    yield from _criterion_findings(item, path, questionnaire)


def _raw_item(questionnaire: Questionnaire, path: Path):
    return questionnaire.raw["sections"][path[1]]["items"][path[3]]


def _choice_findings(item: Item, path: Path, raw) -> Iterator[Finding]:
    if "scale" in raw and "options" in raw:
        yield (*path, "options"), "give either 'scale' or 'options', not both"
    if "scale" not in raw and not raw.get("options") and item.type is not ItemType.ACKNOWLEDGE:
        yield path, f"a {item.type} item needs options: name a 'scale' or list 'options'"
    if item.scale is not None and "options" in raw:
        yield from scale_findings(item.scale, path)
    if item.type is ItemType.MATRIX and not item.rows:
        yield (*path, "rows"), "a matrix needs at least one row"
    if item.type is ItemType.MULTIPLE_CHOICE and item.scale is not None:
        for option in item.scale.options:
            if not _FLAG_CODE.match(option.code):
                yield path, (f"option code '{option.code}' of a multiple-choice item becomes part of a variable "
                             "name: use letters, digits and '_' only")


def _bound_findings(item: Item, path: Path, raw) -> Iterator[Finding]:
    if "max_length" in raw and item.type not in (ItemType.TEXT, ItemType.LONG_TEXT):
        yield (*path, "max_length"), f"'max_length' only applies to text items, not {item.type}"
    has_bounds = item.min is not None or item.max is not None
    if item.type in (ItemType.INTEGER, ItemType.DECIMAL):
        for key in ("min", "max"):
            if not isinstance(getattr(item, key), int | float | None):
                article = "an" if item.type is ItemType.INTEGER else "a"
                yield (*path, key), f"'{key}' of {article} {item.type} item must be a number"
    elif item.type is ItemType.DATE:
        for key in ("min", "max"):
            value = getattr(item, key)
            if value is not None and _as_date(value) is None and not date_bounds.is_relative(value):
                yield (*path, key), (f"'{key}' must be an ISO date YYYY-MM-DD or a day relative to the day of "
                                     f"answering ('today', 'today - 30', 'today + 7'), got '{value}'")
    elif has_bounds:
        yield (*path, "min" if item.min is not None else "max"), f"'min'/'max' do not apply to {item.type} items"
        return
    low, high = _comparable(item, item.min), _comparable(item, item.max)
    if low is not None and high is not None and low > high:
        yield (*path, "min"), f"min ({item.min}) is greater than max ({item.max})"


def _comparable(item: Item, value):
    """Two bounds compare when both are numbers, both fixed dates, or both relative to the day of answering."""
    if item.type is ItemType.DATE:
        low, high = date_bounds.offset_days(item.min), date_bounds.offset_days(item.max)
        if low is not None and high is not None:
            return date_bounds.offset_days(value)
        if low is not None or high is not None:
            return None  # a fixed date against "today" may be fine today and wrong next year: not a mistake
        return _as_date(value) if isinstance(value, str) else None
    return value if isinstance(value, int | float) else None


def _as_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def _criterion_findings(item: Item, path: Path, questionnaire: Questionnaire) -> Iterator[Finding]:
    targets: list[tuple[Path, str | None]] = []
    if item.type is ItemType.MATRIX:
        targets = [((*path, "rows", k), row.criterion or item.criterion) for k, row in enumerate(item.rows)]
    elif item.type is not ItemType.NOTE:
        targets = [(path, item.criterion)]
    if item.criterion is not None:
        yield from _known_criterion(item.criterion, (*path, "criterion"), questionnaire)
    for row_path, criterion in targets:
        if item.is_scored and criterion is None:
            where = "row" if item.type is ItemType.MATRIX else "item"
            yield row_path, f"a scored {where} (its scale has weights) needs a 'criterion', or set 'scored: false'"
        elif criterion is not None and criterion != item.criterion:
            yield from _known_criterion(criterion, (*row_path, "criterion"), questionnaire)


def _known_criterion(criterion: str, path: Path, questionnaire: Questionnaire) -> Iterator[Finding]:
    methodology = questionnaire.methodology
    if methodology is None:
        if "methodology" not in questionnaire.raw:
            yield path, f"criterion '{criterion}' needs a 'methodology' that defines it"
        return
    if methodology.sipas and any(e.id == criterion for e in methodology.sipas.elements):
        return
    sub = methodology.subcriterion(criterion)
    if sub is None:
        broader = any(c.id == criterion for f in methodology.fields for c in f.criteria)
        hint = ": name one of its sub-criteria" if broader else ""
        yield path, f"criterion '{criterion}' is not a sub-criterion of methodology '{methodology.id}'{hint}"
    elif sub.source not in (SubcriterionSource.SURVEY, SubcriterionSource.SIPAS):
        yield path, f"sub-criterion '{criterion}' is scored from {sub.source}, not from a survey: no item can feed it"


def _group_findings(questionnaire: Questionnaire) -> Iterator[Finding]:
    methodology = questionnaire.methodology
    seen: set[str] = set()
    for k, group in enumerate(questionnaire.respondent_groups):
        if group in seen:
            yield ("respondent_groups", k), f"respondent group '{group}' is listed twice"
        seen.add(group)
        if methodology is not None and methodology.group(group) is None:
            known = ", ".join(g.id for g in methodology.respondent_groups)
            yield ("respondent_groups", k), f"unknown respondent group '{group}' (methodology has: {known})"
