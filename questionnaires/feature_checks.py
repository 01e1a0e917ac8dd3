"""Checks of the question features an XLSForm brings: calculations, defaults, read-only items, or_other.

A calculation is computed when its page is sent, from the answers of that page and the pages before, in
questionnaire order; so it may only use those, and calculations above it. A default must be a valid answer.
"""

from __future__ import annotations

from collections.abc import Iterator

from questionnaires.answer_values import bound_problem, parse_value
from questionnaires.build import Finding
from questionnaires.expressions import ExpressionError, parse
from questionnaires.model import Item, ItemType, Questionnaire, Required


def feature_findings(questionnaire: Questionnaire) -> list[Finding]:
    findings: list[Finding] = []
    placed = [(i, item) for i, s in enumerate(questionnaire.sections) for item in s.items]
    order = {var: (i, n, item.type is ItemType.CALCULATE) for n, (i, item) in enumerate(placed)
             for var in item.variables}
    position = 0
    for i, section in enumerate(questionnaire.sections):
        for j, item in section.items_in_file():
            path = ("sections", i, "items", j)
            findings += _calculate_findings(item, path, (i, position), order)
            findings += _default_findings(item, path)
            findings += _option_findings(item, path)
            findings += _filter_findings(item, path, (i, position), order)
            position += 1
    return findings


def _out_of_reach(ref: str, here: tuple[int, int], order: dict) -> bool:
    """A later page, or a calculation further down the same page (answers of the page are all read first)."""
    page, index, is_calculation = order.get(ref, (-1, -1, False))
    return page > here[0] or (page == here[0] and is_calculation and index > here[1])


def _calculate_findings(item: Item, path, here: tuple[int, int], order: dict) -> Iterator[Finding]:
    if item.type is ItemType.CALCULATE:
        if not item.calculation:
            yield (*path, "calculation"), "a calculate item needs a 'calculation' expression"
            return
        if item.required is not Required.NO:
            yield (*path, "required"), "a calculate item is never answered by the respondent: it cannot be required"
        try:
            references = parse(item.calculation).references
        except ExpressionError:
            return  # reported with the other expressions
        for ref in sorted(references):
            if _out_of_reach(ref, here, order):
                yield (*path, "calculation"), (f"'{ref}' comes later: a calculation uses answers of its own page "
                                               "or earlier pages, and calculations above it")
    elif item.calculation:
        yield (*path, "calculation"), f"'calculation' only applies to calculate items, not {item.type}"
    if item.value_type != "text" and item.type is not ItemType.CALCULATE:
        yield (*path, "value_type"), f"'value_type' only applies to calculate items, not {item.type}"


def _default_findings(item: Item, path) -> Iterator[Finding]:
    if item.default is None:
        if item.read_only and item.type not in (ItemType.CALCULATE, ItemType.NOTE):
            yield (*path, "read_only"), "a read-only item needs a 'default' (the respondent cannot answer it)"
        return
    if item.type in (ItemType.NOTE, ItemType.CALCULATE, ItemType.MATRIX):
        yield (*path, "default"), f"'default' does not apply to {item.type} items"
        return
    raw = list(item.default) if isinstance(item.default, tuple) else [str(item.default)]
    value, problem = parse_value(item, raw)
    problem = problem or bound_problem(item, value)
    if problem is not None:
        yield (*path, "default"), f"default {item.default!r} is not a valid answer ({problem[0].replace('_', ' ')})"


def _option_findings(item: Item, path) -> Iterator[Finding]:
    if item.or_other and item.type not in (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE):
        yield (*path, "or_other"), f"'or_other' applies to single_choice and multiple_choice items, not {item.type}"


def _filter_findings(item: Item, path, here: tuple[int, int], order: dict) -> Iterator[Finding]:
    """A choice_filter reads the options' own columns and answers given before the options are shown."""
    if not item.choice_filter:
        return
    if item.scale is None or item.type not in (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE, ItemType.RATING):
        yield (*path, "choice_filter"), f"'choice_filter' applies to choice items, not {item.type}"
        return
    try:
        references = parse(item.choice_filter).references
    except ExpressionError:
        return
    columns = {"name", *(k for o in item.scale.options for k in o.attributes)}
    for ref in sorted(references):
        if ref.startswith("choice."):
            if ref[len("choice."):] not in columns:
                yield (*path, "choice_filter"), (f"the options have no column '{ref[len('choice.'):]}' "
                                                 f"(they have: {', '.join(sorted(columns))})")
        elif order.get(ref, (-1, -1, False))[0] > here[0] or ref == item.id:
            yield (*path, "choice_filter"), (f"'{ref}' is answered later: a choice filter can only use answers "
                                             "given before its options are shown")
