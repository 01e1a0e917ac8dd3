"""The analysis benchmark script runs end to end on a small sample and agrees with its numpy references."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "analysis.py"


def test_benchmark_runs_and_matches_its_numpy_references():
    run = subprocess.run([sys.executable, str(SCRIPT), "--n", "20000"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "20,000 respondents" in run.stdout
    agree = float(re.search(r"weights agree to ([0-9.e+-]+)", run.stdout).group(1))
    difference = float(re.search(r"max difference ([0-9.e+-]+)", run.stdout).group(1))
    assert agree < 1e-9
    assert difference < 1e-9
