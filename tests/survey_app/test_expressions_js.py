"""The browser's expression engine agrees with the server's on every shared case (run under Node)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "tests" / "js" / "run_expression_cases.js"


def _node() -> str:
    node = shutil.which("node") or ("/usr/bin/node" if Path("/usr/bin/node").exists() else None)
    if node is None:
        pytest.fail("Node.js is needed to test survey_app/static/js/expressions.js: install node (>= 18) and rerun")
    return node


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
