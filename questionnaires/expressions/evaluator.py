"""Evaluate a parsed tree against a respondent's answers. Total: any tree and any answers give a value."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping

from .patterns import matches
from .values import MISSING, codes_of, compare, equals, is_true, normalise, to_number, to_string

_RELATIONS: dict[str, Callable[[object, object], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


class Context:
    """What a tree is evaluated against: the answers by variable id and the current item's answer."""

    __slots__ = ("answers", "current")

    def __init__(self, answers: Mapping[str, object], current: object) -> None:
        self.answers = answers
        self.current = normalise(current)


def evaluate_tree(node: tuple, context: Context) -> object:
    kind = node[0]
    if kind == "literal":
        return node[1]
    if kind == "ref":
        return normalise(context.answers.get(node[1]))
    if kind == "current":
        return context.current
    if kind == "negate":
        value = to_number(evaluate_tree(node[1], context))
        return MISSING if value == MISSING else -value
    if kind == "binary":
        return _binary(node[1], node[2], node[3], context)
    return _call(node[1], node[2], context)


def _binary(op: str, left_node: tuple, right_node: tuple, context: Context) -> object:
    left = evaluate_tree(left_node, context)
    if op == "and":
        return is_true(left) and is_true(evaluate_tree(right_node, context))
    if op == "or":
        return is_true(left) or is_true(evaluate_tree(right_node, context))
    right = evaluate_tree(right_node, context)
    if op in ("=", "!="):
        return equals(left, right) == (op == "=")
    if op in _RELATIONS:
        return compare(left, right, _RELATIONS[op])
    return arithmetic(op, to_number(left), to_number(right))


def arithmetic(op: str, a: object, b: object) -> object:
    """``+ - * div mod`` on numbers; ``''`` when an operand is missing or the result would not be finite."""
    if a == MISSING or b == MISSING:
        return MISSING
    if op in ("div", "mod") and b == 0:
        return MISSING
    if op == "+":
        result = a + b
    elif op == "-":
        result = a - b
    elif op == "*":
        result = a * b
    elif op == "div":
        result = a / b
    else:
        result = math.fmod(a, b)  # truncated like XPath and JavaScript's %, not Python's floored %
    return result if math.isfinite(result) else MISSING


def _call(name: str, args: tuple, context: Context) -> object:
    if name == "true":
        return True
    if name == "false":
        return False
    if name == "if":
        chosen = args[1] if is_true(evaluate_tree(args[0], context)) else args[2]
        return evaluate_tree(chosen, context)
    if name == "coalesce":
        first = evaluate_tree(args[0], context)
        return first if first != MISSING else evaluate_tree(args[1], context)
    values = [evaluate_tree(arg, context) for arg in args]
    if name == "not":
        return not is_true(values[0])
    if name == "selected":
        return to_string(values[1]) in codes_of(values[0])
    if name == "count-selected":
        return float(len(codes_of(values[0])))
    if name == "string-length":
        return float(len(to_string(values[0])))
    if name == "regex":
        return matches(to_string(values[0]), to_string(values[1]))
    return to_number(values[0])  # number()
