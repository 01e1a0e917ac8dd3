"""The browser's expression engine agrees with the server's on every shared case (run under Node)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.tools import require

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "tests" / "js" / "run_expression_cases.js"


def _node() -> str:
    return require("node")


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([_node(), str(RUNNER), *args], capture_output=True, text=True, timeout=120, check=False)


def test_browser_engine_passes_every_shared_case_and_api_check():
    result = _run()
    assert result.returncode == 0, result.stdout + result.stderr
    assert ", 0 failures" in result.stdout


def test_the_node_runner_reports_a_wrong_expectation(tmp_path):
    cases = tmp_path / "cases.json"
    cases.write_text('{"cases": [{"group": "g", "source": "1 + 2 * 3", "answers": {}, "expected": 9},'
                     ' {"group": "g", "source": "1 +", "error": {"message": "missing \')\'", "position": 3}}]}',
                     encoding="utf-8")
    result = _run(str(cases))
    assert result.returncode == 1
    assert 'FAIL g: "1 + 2 * 3": gave 7, expected 9' in result.stdout
    assert "expected \"missing ')'\" at 3" in result.stdout


# --- differential: generated expressions give the same value or the same error in both engines ----------------

_VARIABLES = ("a", "b", "m", "d")
_FUNCTIONS = {"selected": 2, "count-selected": 1, "string-length": 1, "if": 3, "number": 1, "coalesce": 2,
              "not": 1, "true": 0, "false": 0}
_OPERATORS = ("or", "and", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "div", "mod")
_LEAVES = ("'A'", "'1'", "'01'", "''", "' 7 '", "'2020-01-01'", "'a b'", "'Việt'", "'😀'", "0", "1", "2.5", ".5",
           "10", "0.1", "1000000000000000000000", ".")


def _random_expression(rng, depth: int) -> str:
    """A well-formed expression most of the time; sometimes arity or spacing is off on purpose."""
    roll = rng.random()
    if depth == 0 or roll < 0.3:
        return rng.choice(_LEAVES) if rng.random() < 0.5 else "${" + rng.choice(_VARIABLES) + "}"
    if roll < 0.65:
        return f"{_random_expression(rng, depth - 1)} {rng.choice(_OPERATORS)} {_random_expression(rng, depth - 1)}"
    if roll < 0.75:
        return f"({_random_expression(rng, depth - 1)})" if rng.random() < 0.8 else f"-{_random_expression(rng, 0)}"
    name = rng.choice(sorted(_FUNCTIONS))
    arity = _FUNCTIONS[name] if rng.random() < 0.95 else rng.randint(0, 3)
    return f"{name}({', '.join(_random_expression(rng, depth - 1) for _ in range(arity))})"


def _random_answers(rng) -> dict:
    pool = [None, "", "A", "1", "01", "-3", " 7 ", "a b", 0, 1, -2, 2.5, 1e-7, [], ["a"], ["a", "b", "1"],
            "2021-05-03", "Việt Nam", "😀x"]
    return {v: rng.choice(pool) for v in _VARIABLES if rng.random() < 0.8}


def _soup(rng) -> str:
    """Random token soup, to compare the errors too."""
    parts = ["${a}", "${", "}", "(", ")", ",", "'", '"', "1", ".", "=", "==", "!", "and", "or", "div", "-", "+",
             "if", "not(", "foo(", " ", "😀", "\u00a0", "$", "#", "selected("]
    return "".join(rng.choice(parts) for _ in range(rng.randint(0, 12)))


def _kind(value: object) -> str:
    """JSON writes 10.0 as 10, so numbers are one kind; True must still not pass for 1."""
    return "number" if isinstance(value, int | float) and not isinstance(value, bool) else type(value).__name__


def test_browser_and_server_engines_agree_on_thousands_of_generated_expressions():
    import json
    import random

    from questionnaires.expressions import ExpressionError, evaluate

    rng = random.Random(20240501)
    batch = []
    for n in range(3000):
        source = _soup(rng) if n % 4 == 0 else _random_expression(rng, rng.randint(0, 4))
        batch.append({"source": source, "answers": _random_answers(rng), "current": rng.choice([None, "A", 3, ["x"]])})
    result = subprocess.run([_node(), str(ROOT / "tests" / "js" / "evaluate_batch.js")], input=json.dumps(batch),
                            capture_output=True, text=True, timeout=120, check=True)
    disagreements = []
    for case, browser in zip(batch, json.loads(result.stdout), strict=True):
        try:
            value = evaluate(case["source"], case["answers"], case["current"])
            server = {"value": list(value) if isinstance(value, tuple) else value}
        except ExpressionError as error:
            server = {"error": {"message": error.message, "position": error.position}}
        if server != browser or _kind(server.get("value")) != _kind(browser.get("value")):
            disagreements.append(f"{case}: server {server}, browser {browser}")
    assert not disagreements, f"{len(disagreements)} disagreements, first: " + "\n".join(disagreements[:5])
