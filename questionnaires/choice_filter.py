"""Cascading choices: an item's ``choice_filter`` keeps the options for which it is true.

The expression reads the respondent's answers as usual and the option's own columns as ``${choice.<name>}``
(``${choice.name}`` is its code), e.g. ``${choice.province} = ${province}`` for a district list whose options carry
their province. Item ids never contain a dot, so ``choice.`` cannot clash with an answer. The browser applies the
same filter live (survey.js); the server shows the filtered options and refuses a filtered-out answer.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping

from questionnaires.expressions import ExpressionError, evaluate, is_true, parse
from questionnaires.model import Item, Option

PREFIX = "choice."


def option_scope(option: Option) -> dict[str, str]:
    """What ``${choice.<name>}`` reads for one option."""
    return {f"{PREFIX}name": option.code, **{f"{PREFIX}{k}": v for k, v in option.attributes.items()}}


def allowed_codes(item: Item, answers: Mapping[str, object]) -> frozenset[str] | None:
    """The codes the filter keeps given ``answers``; None (every option) when the item has no filter or an answer it
    reads is not given yet (a province chosen on the same page, without script: the server checks once sent)."""
    if not item.choice_filter or item.scale is None:
        return None
    try:
        expression = parse(item.choice_filter)
    except ExpressionError:
        return None  # reported by the validator
    if any(_missing(answers.get(name)) for name in expression.references if not name.startswith(PREFIX)):
        return None
    kept = set()
    for option in item.scale.options:
        try:
            if is_true(evaluate(expression, ChainMap(option_scope(option), answers))):
                kept.add(option.code)
        except ExpressionError:
            kept.add(option.code)
    return frozenset(kept)


def _missing(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, list | tuple) and not value)


def answer_references(source: str) -> frozenset[str]:
    """The item ids a filter reads (its ``${choice.*}`` names left out)."""
    return frozenset(r for r in parse(source).references if not r.startswith(PREFIX))
