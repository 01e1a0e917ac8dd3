"""The expression language of relevance and constraints, as a questionnaire author and the web app see it."""

from __future__ import annotations

import json
import pickle
from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaires.expressions import Expression, ExpressionError, evaluate, is_true, parse, references

CASES_FILE = Path(__file__).resolve().parents[1] / "data" / "expression_cases.json"
CASES = json.loads(CASES_FILE.read_text(encoding="utf-8"))["cases"]


def _case_id(case: dict) -> str:
    return f"{case['group']}: {case['source'][:40]!r}"


def _same_value(actual: object, expected: object) -> bool:
    """Equal values of equal kinds: True is not 1, '' is not 0, a list of codes is a list of codes."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return actual is expected
    if isinstance(expected, int | float):
        return isinstance(actual, float) and actual == expected
    if isinstance(expected, list):
        return isinstance(actual, tuple) and list(actual) == expected
    return actual == expected


def test_the_shared_case_table_is_large_enough_to_pin_the_language():
    assert len(CASES) >= 120
    assert {c["group"] for c in CASES} >= {"precedence", "missing answers", "functions", "errors"}


@pytest.mark.parametrize("case", [c for c in CASES if "error" not in c], ids=_case_id)
def test_case_table_value(case):
    actual = evaluate(case["source"], case["answers"], case.get("current"))
    assert _same_value(actual, case["expected"]), f"{case['source']!r} gave {actual!r}"


@pytest.mark.parametrize("case", [c for c in CASES if "error" in c], ids=_case_id)
def test_case_table_error(case):
    with pytest.raises(ExpressionError) as caught:
        parse(case["source"])
    assert caught.value.message == case["error"]["message"]
    assert caught.value.position == case["error"]["position"]
    assert caught.value.source == case["source"]


def test_error_text_names_the_column_for_an_author():
    with pytest.raises(ExpressionError) as caught:
        parse("${Q1} = foo('A')")
    assert str(caught.value) == "unknown function 'foo' at column 9"
    assert isinstance(caught.value, ValueError)


def test_errors_survive_pickling_for_worker_processes():
    with pytest.raises(ExpressionError) as caught:
        parse("1 +")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (copy.message, copy.position, copy.source, str(copy)) == (
        caught.value.message, 3, "1 +", "expected a value, found end of expression at column 4")


def test_parse_reports_references_and_use_of_the_current_answer():
    expression = parse("selected(${Q3}, 'b') and ${Q5_a} != '' or . > ${Q3}")
    assert expression.references == frozenset({"Q3", "Q5_a"})
    assert expression.uses_current
    assert not parse("${Q1} = 'A'").uses_current
    assert references("if(${a}, coalesce(${b}, -${c}), not(${d}))") == frozenset("abcd")
    assert references("1 + 2") == frozenset()


def test_compared_codes_lists_the_option_codes_an_expression_tests_for():
    expression = parse("${Q1} = 'A' or 'B' != ${Q2} or selected(${Q3}, 'x') and ${Q4} = 1 or ${Q5} > 'C'"
                       " or string-length(\"${Q6} = 'Z'\") = 3 or ${Q7} = ${Q8} or not(. = 'D')")
    assert expression.compared_codes() == frozenset({("Q1", "A"), ("Q2", "B"), ("Q3", "x"), ("Q4", "1")})


def test_parse_is_memoised_so_each_page_view_does_not_reparse():
    assert parse("${Q1} = 'A' and ${Q2} > 3") is parse("${Q1} = 'A' and ${Q2} > 3")


def test_expression_is_frozen_and_reads_as_its_source():
    expression = parse("${Q1} = 'A'")
    with pytest.raises(AttributeError):
        expression.source = "1"  # type: ignore[misc]
    assert str(expression) == "${Q1} = 'A'"
    assert expression == Expression("${Q1} = 'A'", frozenset({"Q1"}), False, ())


def test_evaluate_accepts_a_parsed_expression_or_its_source():
    answers = {"Q1": "A"}
    assert evaluate(parse("${Q1} = 'A'"), answers) is evaluate("${Q1} = 'A'", answers) is True


def test_a_non_text_expression_is_an_expression_error():
    with pytest.raises(ExpressionError, match="must be text, not int"):
        parse(12)  # type: ignore[arg-type]


class _Recording(Mapping):
    """Answers that remember which variables were read, to observe short-circuiting."""

    def __init__(self, values: dict) -> None:
        self.values, self.read = values, []

    def __getitem__(self, key):
        self.read.append(key)
        return self.values[key]

    def __iter__(self):
        return iter(self.values)

    def __len__(self):
        return len(self.values)


@pytest.mark.parametrize(
    ("source", "unread"),
    [("${a} = '1' and ${b} = '1'", "b"), ("${a} = '2' or ${b} = '1'", "b"),
     ("if(${a} = '2', ${b}, ${c})", "c"), ("if(${a} = '1', ${b}, ${c})", "b"), ("coalesce(${a}, ${b})", "b")],
)
def test_and_or_if_and_coalesce_skip_what_they_do_not_need(source, unread):
    answers = _Recording({"a": "2", "b": "1", "c": "1"})
    evaluate(source, answers)
    assert unread not in answers.read


def test_answers_of_every_stored_type_are_understood():
    import datetime

    answers = {"n": 3, "x": 2.5, "d": datetime.date(2024, 5, 1), "m": ("a", "b"), "s": {"z"}}
    assert evaluate("${n} * ${x}", answers) == 7.5
    assert evaluate("${d} > '2024-01-31'", answers) is True
    assert evaluate("count-selected(${m}) + count-selected(${s})", answers) == 3.0
    assert evaluate("${x} = ''", {"x": float("nan")}) is True
    assert evaluate("${x} = ''", {"x": 10**400}) is True, "a number no double can hold reads as no value"


@pytest.mark.parametrize(
    ("value", "truth"),
    [(True, True), (False, False), ("", False), (None, False), ("0", True), ("false", True), (0, False),
     (0.0, False), (-1, True), (float("nan"), False), ([], False), (["a"], True), ((), False)],
)
def test_is_true_follows_xpath_boolean_rules(value, truth):
    assert is_true(value) is truth


# --- properties -----------------------------------------------------------------------------------------------

_OPERATORS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b}


def _arithmetic(depth: int = 3):
    """Arithmetic trees of small integers, as (source text, Python's own value)."""
    leaf = st.integers(min_value=-999, max_value=999).map(lambda n: (f"({n})" if n < 0 else str(n), n))
    if depth == 0:
        return leaf

    def combine(parts):
        (left, a), op, (right, b) = parts
        return f"({left} {op} {right})", _OPERATORS[op](a, b)

    return st.one_of(leaf, st.tuples(_arithmetic(depth - 1), st.sampled_from(sorted(_OPERATORS)),
                                     _arithmetic(depth - 1)).map(combine))


@given(_arithmetic())
def test_integer_arithmetic_agrees_with_python(pair):
    source, value = pair
    assert evaluate(source, {}) == value


@given(st.integers(-10**6, 10**6), st.integers(-10**6, 10**6).filter(lambda n: n != 0))
def test_mod_and_div_truncate_toward_zero_like_xpath(a, b):
    assert evaluate(f"{a} mod {b}".replace("-", "- "), {}) == abs(a) % abs(b) * (1 if a >= 0 else -1)
    assert evaluate(f"({a}) div ({b})", {}) == a / b


@given(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6))
def test_unparenthesised_sums_of_products_follow_the_usual_precedence(a, b, c):
    assert evaluate(f"{a} + {b} * {c} - {a} mod 7", {}) == a + b * c - a % 7


_ALPHABET = st.sampled_from(list("${}()'\".,=!<>+-*/ abcdivmodnotrue0123456789_") + ["and", "or", "div", "mod",
                                                                                    "selected(", "if(", "${Q1}"])


@settings(max_examples=400)
@given(st.lists(_ALPHABET, max_size=30).map("".join), st.dictionaries(st.sampled_from(["Q1", "a", "b"]),
       st.one_of(st.none(), st.text(max_size=3), st.integers(), st.floats(), st.lists(st.text(max_size=2)))))
def test_any_text_either_parses_and_evaluates_or_raises_expression_error(source, answers):
    try:
        expression = parse(source)
    except ExpressionError as error:
        assert 0 <= error.position <= len(source)
        return
    result = evaluate(expression, answers, current=answers.get("a"))
    assert result == "" or isinstance(result, str | float | bool | tuple)


@settings(max_examples=200)
@given(st.text(max_size=40))
def test_arbitrary_unicode_never_escapes_as_another_exception(source):
    try:
        evaluate(source, {})
    except ExpressionError as error:
        assert 0 <= error.position <= len(source)
