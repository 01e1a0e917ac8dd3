"""axe-core run in Chromium: the rules WCAG 2.x A/AA (and 2.2's target size) a page breaks, as axe reports them.

axe-core comes from the npm registry into ``tests/browser/node`` (``make axe``, which ``make test`` runs; by hand:
``npm ci --prefix tests/browser/node``), never from a CDN. It is injected into the page under test only.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from tests.tools import TOOLS, skip_reason

AXE = Path(__file__).resolve().parent / "node" / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")
RUN = """async () => {
  const result = await axe.run(document, {runOnly: {type: "tag",
      values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
      // WCAG 2.5.3 (label in name) is an experimental rule in axe 4: asked for by name.
      rules: {"label-content-name-mismatch": {enabled: true}}});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""


@cache
def axe_source() -> str:
    if not AXE.exists():
        pytest.skip(skip_reason(TOOLS["axe-core"]))
    return AXE.read_text(encoding="utf-8")


def serious_violations(page) -> list[dict]:
    """The serious and critical axe violations of the page as it is now (after its scripts have run)."""
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    return [v for v in page.evaluate(RUN) if v["impact"] in SERIOUS]
