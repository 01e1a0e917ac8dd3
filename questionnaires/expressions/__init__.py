"""The safe expression language of relevance and constraints (XLSForm style), evaluated without ``eval``.

``parse`` turns a source string into a frozen :class:`Expression` (memoised: the web app evaluates every
relevance on every page), ``evaluate`` computes its value against a respondent's answers. The browser mirror
``survey_app/static/js/expressions.js`` implements the same language; both pass ``tests/data/expression_cases.json``.
The language and its decisions are written down in ``questionnaires/FORMAT.md`` ("Expressions").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from .errors import ExpressionError
from .evaluator import Context, evaluate_tree
from .parser import FUNCTIONS, parse_tree
from .values import is_true, to_string

__all__ = ["FUNCTIONS", "Expression", "ExpressionError", "evaluate", "is_true", "parse", "references"]


@dataclass(frozen=True)
class Expression:
    """A parsed expression: its source, the item ids it reads through ``${...}``, and whether it reads ``.``."""

    source: str
    references: frozenset[str]
    uses_current: bool
    tree: tuple = field(repr=False, compare=False)

    def evaluate(self, answers: Mapping[str, object], current: object = None) -> object:
        return evaluate_tree(self.tree, Context(answers, current))

    def __str__(self) -> str:
        return self.source

    def compared_codes(self) -> frozenset[tuple[str, str]]:
        """``(item id, code)`` for every ``${id} = 'code'``, ``'code' != ${id}`` and ``selected(${id}, 'code')``.

        What a validator needs to report a code that is not an option of the item; a number literal counts as
        its text (``${Q1} = 1`` gives ``("Q1", "1")``). Found in the parsed tree, so text inside strings and
        other operators never confuse it.
        """
        found: set[tuple[str, str]] = set()
        _codes(self.tree, found)
        return frozenset(found)


@lru_cache(maxsize=4096)
def parse(source: str) -> Expression:
    """The parsed ``source``; raises ExpressionError (with the position) on any syntax or arity mistake."""
    if not isinstance(source, str):
        raise ExpressionError(f"an expression must be text, not {type(source).__name__}", 0, str(source))
    tree = parse_tree(source)
    refs: set[str] = set()
    uses_current = _collect(tree, refs)
    return Expression(source, frozenset(refs), uses_current, tree)


def _collect(node: tuple, refs: set[str]) -> bool:
    """Add the references under ``node`` to ``refs``; True when ``.`` occurs."""
    kind = node[0]
    if kind == "ref":
        refs.add(node[1])
        return False
    if kind == "current":
        return True
    found = False
    for child in _children(node):
        found = _collect(child, refs) or found
    return found


def _children(node: tuple) -> tuple:
    """The subtrees of a node (see ``parser`` for the node shapes)."""
    kind = node[0]
    if kind == "negate":
        return node[1:2]
    if kind == "binary":
        return node[2:4]
    if kind == "call":
        return node[2]
    return ()


def _codes(node: tuple, found: set[tuple[str, str]]) -> None:
    kind = node[0]
    pairs = ()
    if kind == "binary" and node[1] in ("=", "!="):
        pairs = ((node[2], node[3]), (node[3], node[2]))
    elif kind == "call" and node[1] == "selected":
        pairs = ((node[2][0], node[2][1]),)
    for ref, literal in pairs:
        if ref[0] == "ref" and literal[0] == "literal" and not isinstance(literal[1], bool):
            found.add((ref[1], to_string(literal[1])))
    for child in _children(node):
        _codes(child, found)


def evaluate(expression: Expression | str, answers: Mapping[str, object], current: object = None) -> object:
    """The value of ``expression`` for these answers (``current`` is the value of ``.``).

    A missing answer (absent key, None, ``''``, ``[]``) is ``''``. Results are ``''``, str, float, bool or a
    tuple of codes (a multiple-choice answer read as is). Never raises for any answers; raises ExpressionError
    only when a source string does not parse.
    """
    parsed = expression if isinstance(expression, Expression) else parse(expression)
    return parsed.evaluate(answers, current)


def references(source: str) -> frozenset[str]:
    """The item ids that ``source`` reads through ``${...}``."""
    return parse(source).references
