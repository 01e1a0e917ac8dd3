"""The README's analysis examples run as written, from the project root, and say what they claim."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def analysis_examples() -> list[str]:
    """The ```python blocks of the README's "Analysis" section (up to the next top-level section)."""
    readme = ROOT.joinpath("README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Analysis.*?(?=^## )", readme, flags=re.S | re.M)
    assert section, "the README has no '## Analysis' section"
    return re.findall(r"^```python\n(.*?)^```", section.group(0), flags=re.S | re.M)


def test_the_readme_rakes_a_design_and_estimates_on_it(monkeypatch):
    blocks = analysis_examples()
    assert blocks, "the README's analysis section has no python example"
    monkeypatch.chdir(ROOT)
    names: dict = {}
    for block in blocks:
        exec(compile(block, "README.md (analysis)", "exec"), names)  # noqa: S102 - the README's own code
    raked = names["raked"]
    assert raked.mean("api00").estimate == pytest.approx(641.23, abs=0.005)  # R: svymean on rake(dclus1, ...)
    assert raked.convergence.converged
