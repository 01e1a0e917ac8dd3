"""Relevance and validation of answers: the single source of truth for the web app, imports and tests.

Answers map variable id -> value (choice: the code; multiple choice: list of codes; integer: int; decimal: float;
text: str; date: ``YYYY-MM-DD``). A variable whose item is not relevant has no value: it is "not applicable".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from questionnaires.answer_values import bound_problem, is_missing, parse_value
from questionnaires.choice_filter import allowed_codes
from questionnaires.expressions import ExpressionError, evaluate, is_true, parse
from questionnaires.expressions.values import to_number, to_string
from questionnaires.model import Item, ItemType, Questionnaire, Required, Section

__all__ = ["AnswerProblem", "PageResult", "apply_relevance", "check_page", "is_missing", "is_relevant",
           "relevance_judge"]


@dataclass(frozen=True)
class AnswerProblem:
    """One problem with one variable; the web layer words ``kind`` in the respondent's language."""

    variable: str
    kind: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PageResult:
    """The typed values of a page's relevant variables (None = unanswered), its errors and soft warnings."""

    values: dict
    errors: list[AnswerProblem]
    warnings: list[AnswerProblem]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.warnings


class _Relevance:
    """Memoised relevance of items and sections for one set of answers."""

    def __init__(self, questionnaire: Questionnaire, answers: Mapping[str, object]):
        self.questionnaire = questionnaire
        self.answers = answers
        self.owners = {var: item for var, item in questionnaire.variables()}
        self.sections = {item.id: s for s in questionnaire.sections for item in s.items}
        self.memo: dict[str, bool] = {}

    def of(self, node: Item | Section) -> bool:
        if node.id not in self.memo:
            self.memo[node.id] = False  # a cycle (rejected by the validator) counts as not relevant
            self.memo[node.id] = self._compute(node)
        return self.memo[node.id]

    def _compute(self, node: Item | Section) -> bool:
        if isinstance(node, Item) and node.id in self.sections and not self.of(self.sections[node.id]):
            return False
        if not node.relevant:
            return True
        try:
            expression = parse(node.relevant)
            referenced = [self.owners[r] for r in sorted(expression.references) if r in self.owners]
            if not all(self.of(item) for item in referenced):
                return False
            return is_true(evaluate(expression, self.answers))
        except ExpressionError:
            return False


def is_relevant(questionnaire: Questionnaire, node: Item | Section, answers: Mapping[str, object]) -> bool:
    """Whether ``node`` applies: its section and everything its relevance refers to apply, and it is true."""
    return _Relevance(questionnaire, answers).of(node)


def relevance_judge(questionnaire: Questionnaire, answers: Mapping[str, object]) -> Callable[[Item | Section], bool]:
    """``is_relevant`` for many nodes of one set of answers: the maps and the memo are built once, not per node."""
    return _Relevance(questionnaire, answers).of


def apply_relevance(questionnaire: Questionnaire, answers: Mapping[str, object]) -> tuple[dict, frozenset[str]]:
    """``answers`` without the values of non-relevant variables, and the set of not-applicable variables."""
    relevance = _Relevance(questionnaire, answers)
    hidden = frozenset(var for var, item in questionnaire.variables() if not relevance.of(item))
    return {k: v for k, v in answers.items() if k not in hidden}, hidden


def check_page(
    questionnaire: Questionnaire,
    section: Section,
    form: Mapping[str, Sequence[str]],
    answers: Mapping[str, object],
    soft_acknowledged: bool = False,
    today: date | None = None,
) -> PageResult:
    """Parse and check the posted strings of one section, given the answers of the other pages."""
    owners = {var: item for item in section.items for var in item.variables}
    errors = [AnswerProblem(name, "unknown_field", {"field": name}) for name in form if name not in owners]
    parsed, parse_errors = _parse_form(owners, form)
    merged = {k: v for k, v in answers.items() if k not in owners}
    merged.update({k: v for k, v in parsed.items() if v is not None})
    relevance = _Relevance(questionnaire, merged)
    values: dict[str, object] = {}
    warnings: list[AnswerProblem] = []
    for var, item in owners.items():
        if not relevance.of(item):
            continue
        if item.type is ItemType.CALCULATE or item.read_only:  # never taken from the post
            values[var] = calculated_value(item, merged) if item.calculation else default_value(item)
            if values[var] is not None:
                merged[var] = values[var]
            continue
        values[var] = parsed[var]
        if var in parse_errors:
            errors.append(parse_errors[var])
            continue
        problem = _value_problem(item, var, parsed[var], merged, today)
        if problem is not None:
            (warnings if problem.kind == "soft_required" else errors).append(problem)
    if soft_acknowledged:
        warnings = []
    return PageResult(values, errors, warnings)


def _parse_form(
    owners: Mapping[str, Item], form: Mapping[str, Sequence[str]]
) -> tuple[dict[str, object], dict[str, AnswerProblem]]:
    """Typed values of the page's variables (None when empty or unreadable) and the reading problems."""
    parsed: dict[str, object] = {}
    problems: dict[str, AnswerProblem] = {}
    for var, item in owners.items():
        if item.type is ItemType.CALCULATE or item.read_only:
            parsed[var] = None  # computed or fixed: whatever was posted is ignored
            continue
        value, problem = parse_value(item, _strings(form, var))
        parsed[var] = value
        if problem:
            problems[var] = AnswerProblem(var, *problem)
    return parsed, problems


def _strings(form: Mapping[str, Sequence[str]], name: str) -> list[str]:
    getlist = getattr(form, "getlist", None)
    raw = getlist(name) if getlist else form.get(name, [])
    return [raw] if isinstance(raw, str) else list(raw or [])


def _value_problem(item: Item, var: str, value: object, answers: Mapping[str, object],
                   today: date | None = None) -> AnswerProblem | None:
    if item.choice_filter and not is_missing(value):
        allowed = allowed_codes(item, answers)
        chosen = value if isinstance(value, list | tuple) else [value]
        if allowed is not None and any(code not in allowed for code in chosen):
            return AnswerProblem(var, "filtered_out", {})
    return _plain_value_problem(item, var, value, answers, today)


def _plain_value_problem(item: Item, var: str, value: object, answers: Mapping[str, object],
                         today: date | None = None) -> AnswerProblem | None:
    if is_missing(value):
        if item.required is Required.YES:
            return AnswerProblem(var, "required", {})
        if item.required is Required.SOFT:
            return AnswerProblem(var, "soft_required", {})
        return None
    bounds = bound_problem(item, value, today)
    if bounds is not None:
        return AnswerProblem(var, *bounds)
    if item.constraint and not _constraint_holds(item, value, answers):
        params: dict = {"expression": item.constraint}
        if item.constraint_message is not None:
            params["message"] = item.constraint_message
        return AnswerProblem(var, "constraint", params)
    return None


def default_value(item: Item) -> object:
    """The item's ``default`` as a typed answer (None without one)."""
    if item.default is None:
        return None
    raw = list(item.default) if isinstance(item.default, tuple) else [str(item.default)]
    return parse_value(item, raw)[0]


def calculated_value(item: Item, answers: Mapping[str, object]) -> object:
    """A calculate item's value from ``answers``, typed by its ``value_type``; None when it comes out missing."""
    try:
        value = evaluate(item.calculation, answers)
    except ExpressionError:
        return None
    if value == "" or value is None:
        return None
    if item.value_type in ("integer", "decimal"):
        number = to_number(value)  # finite, or '' when not a number
        if not isinstance(number, float):
            return None
        return int(number) if item.value_type == "integer" else number
    return to_string(value)


def _constraint_holds(item: Item, value: object, answers: Mapping[str, object]) -> bool:
    try:
        return is_true(evaluate(item.constraint, answers, current=value))
    except ExpressionError:
        return False

