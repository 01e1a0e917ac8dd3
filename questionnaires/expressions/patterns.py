"""``regex(value, 'pattern')``: which patterns are allowed, so that no answer can make a check run for ages.

Backtracking engines (Python's ``re``, the browser's RegExp) take exponential time on patterns such as
``(a+)+$`` or ``(a|aa)*$``. Only a literal pattern is accepted, and it is refused when parsed if it repeats
(``*``, ``+``, ``{n,}``) a group that itself repeats or has alternatives, or uses back-references, look-around or
named groups, or is longer than 200 characters. The same rule is in ``survey_app/static/js/expressions.js``;
both engines search (the pattern may match anywhere: anchor it with ``^...$``), with ASCII ``\\w``, ``\\d``
and ``\\s`` as in JavaScript.
"""

from __future__ import annotations

import re
from functools import lru_cache

MAX_PATTERN = 200


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` is refused (None when it is fine)."""
    if len(pattern) > MAX_PATTERN:
        return f"regex pattern is longer than {MAX_PATTERN} characters"
    groups: list[bool] = []  # per open group: does it repeat or branch inside?
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            if index + 1 < len(pattern) and pattern[index + 1] in "123456789":
                return "regex back-references (\\1) are not allowed"
            index += 2
            continue
        if char == "[":
            index = _class_end(pattern, index)
            continue
        if char == "(":
            if pattern.startswith("(?", index) and not pattern.startswith("(?:", index):
                return "regex groups other than (...) and (?:...) are not allowed (no look-around, no names)"
            groups.append(False)
        elif char in "|*+{" and groups:
            groups[-1] = True
        elif char == ")" and groups:
            risky = groups.pop()
            following = pattern[index + 1: index + 2]
            if risky and following in ("*", "+", "{"):
                return ("regex pattern could take very long to check: a group that repeats or has alternatives "
                        "is itself repeated")
            if risky and groups:
                groups[-1] = True
        index += 1
    try:
        compiled(pattern)
    except re.error:
        return "regex pattern is not valid"
    return None


def _class_end(pattern: str, start: int) -> int:
    """The index after the ``]`` that closes the character class opened at ``start``."""
    index = start + 1
    if pattern[index: index + 1] == "^":
        index += 1
    if pattern[index: index + 1] == "]":
        index += 1
    while index < len(pattern) and pattern[index] != "]":
        index += 2 if pattern[index] == "\\" else 1
    return index + 1


@lru_cache(maxsize=512)
def compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.ASCII)


def matches(text: str, pattern: str) -> bool:
    return compiled(pattern).search(text) is not None
