"""Checks of relevance and constraint expressions: syntax, references, option codes and relevance cycles.

References to items later in the questionnaire are allowed (a section may be shown depending on a later
screening question in a paper form), as long as no relevance depends, directly or through other items or
sections, on itself: such a cycle has no answer and is reported.
"""

from __future__ import annotations

from collections.abc import Iterator

from questionnaires.build import Finding
from questionnaires.expressions import Expression, ExpressionError, parse
from questionnaires.model import Item, ItemType, Questionnaire
from questionnaires.problems import Path, did_you_mean


def expression_findings(questionnaire: Questionnaire) -> list[Finding]:
    """Syntax errors, unknown or unusable references, unknown option codes and relevance cycles."""
    findings: list[Finding] = []
    owners = variable_owners(questionnaire)
    for _, path, source, kind in _expressions(questionnaire):
        findings += list(_check_one(questionnaire, owners, path, source, kind))
    findings += list(_cycle_findings(questionnaire))
    return findings


def _expressions(questionnaire: Questionnaire) -> Iterator[tuple[str, Path, str, str]]:
    """``(element id, path, source, kind)`` of every relevance and constraint, in file order."""
    for i, section in enumerate(questionnaire.sections):
        if section.relevant:
            yield section.id, ("sections", i, "relevant"), section.relevant, "relevant"
        for j, item in section.items_in_file():
            for kind in ("relevant", "constraint", "calculation", "choice_filter"):
                source = getattr(item, kind)
                if source and not (item.other_of and kind == "relevant"):  # generated, checked by construction
                    yield item.id, ("sections", i, "items", j, kind), source, kind


def _check_one(
    questionnaire: Questionnaire, owners: dict[str, Item], path: Path, source: str, kind: str
) -> Iterator[Finding]:
    try:
        expression = parse(source)
    except ExpressionError as error:
        yield path, f"expression error: {error}"
        return
    if expression.uses_current and kind != "constraint":
        yield path, "'.' (the current answer) can only be used in a constraint"
    for ref in sorted(expression.references):
        if kind == "choice_filter" and ref.startswith("choice."):
            continue  # an option's own column, checked with the options (feature_checks)
        message = _reference_problem(questionnaire, owners, ref)
        if message:
            yield path, message
    yield from _option_code_findings(owners, path, expression)


def variable_owners(questionnaire: Questionnaire) -> dict[str, Item]:
    """Every answerable variable id (matrix rows included) with the item that owns it (first one if reused)."""
    owners: dict[str, Item] = {}
    for variable, item in questionnaire.variables():
        owners.setdefault(variable, item)
    return owners


def _reference_problem(questionnaire: Questionnaire, owners: dict[str, Item], ref: str) -> str | None:
    if ref in owners:
        return None
    item = questionnaire.item(ref)
    if item is not None and item.type is ItemType.NOTE:
        return f"'{ref}' is a note and has no answer to refer to"
    if item is not None and item.type is ItemType.MATRIX:
        rows = ", ".join(r.id for r in item.rows)
        return f"'{ref}' is a matrix: refer to one of its rows ({rows})"
    if any(s.id == ref for s in questionnaire.sections):
        return f"'{ref}' is a section, not an item"
    return f"unknown item '{ref}' in expression" + did_you_mean(ref, owners)


def _option_code_findings(owners: dict[str, Item], path: Path, expression: Expression) -> Iterator[Finding]:
    for ref, code in sorted(expression.compared_codes()):
        item = owners.get(ref)
        if item is None or item.scale is None or code == "":
            continue
        if code not in item.scale.codes:
            known = ", ".join(item.scale.codes)
            yield path, f"'{code}' is not an option of '{ref}' (options: {known})"


def relevance_dependencies(questionnaire: Questionnaire) -> dict[str, set[str]]:
    """For each item and section id, the item and section ids its relevance depends on.

    An item depends on its section, and on the items (matrices for their rows) its own relevance refers to.
    Unparseable expressions contribute nothing (they are reported elsewhere).
    """
    owners = variable_owners(questionnaire)
    graph: dict[str, set[str]] = {}
    for section in questionnaire.sections:
        graph[section.id] = _referenced_items(section.relevant, owners)
        for item in section.items:
            graph[item.id] = _referenced_items(item.relevant, owners) | {section.id}
    return graph


def _referenced_items(source: str | None, owners: dict[str, Item]) -> set[str]:
    if not source:
        return set()
    try:
        references = parse(source).references
    except ExpressionError:
        return set()
    return {owners[ref].id for ref in references if ref in owners}


def _cycle_findings(questionnaire: Questionnaire) -> Iterator[Finding]:
    graph = relevance_dependencies(questionnaire)
    paths = {element: path for element, path, _, kind in _expressions(questionnaire) if kind == "relevant"}
    reported: set[frozenset[str]] = set()
    for cycle in _cycles(graph):
        key = frozenset(cycle)
        if key in reported:
            continue
        reported.add(key)
        start = next((node for node in cycle if node in paths), cycle[0])
        loop = cycle[cycle.index(start):] + cycle[: cycle.index(start)] + [start]
        yield paths.get(start, ()), f"relevance cycle: {' -> '.join(loop)} (an element cannot depend on itself)"


def _cycles(graph: dict[str, set[str]]) -> Iterator[list[str]]:
    """Each cycle found by a depth-first search (as the list of nodes on it)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    stack: list[str] = []

    def visit(node: str) -> Iterator[list[str]]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                yield stack[stack.index(nxt):]
            elif nxt not in state:
                yield from visit(nxt)
        stack.pop()
        state[node] = 2

    for node in graph:
        if node not in state:
            yield from visit(node)
