"""System tools some tests need (a browser, Node.js, R, Redis), and one way to say that one is missing.

A developer's machine may lack one: the tests that need it are skipped with a reason that starts with
``missing tool:``, and the end of the run lists, one line per tool, how many tests did not run and the command that
installs it (``tests/conftest.py``). CI sets ``PARSURVEY_REQUIRE_TOOLS=1`` and then such a skip fails the run.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass

import pytest

MISSING = "missing tool:"


@dataclass(frozen=True)
class Tool:
    name: str
    commands: tuple[str, ...]
    install: str
    needed_for: str


TOOLS = {
    "chromium": Tool("chromium", ("chromium", "chromium-browser"), "apt-get install -y chromium",
                     "real-browser tests"),
    "node": Tool("node", ("node", "nodejs"), "apt-get install -y nodejs", "the browser expression engine's tests"),
    "Rscript": Tool("Rscript", ("Rscript",), "apt-get install -y r-base-core r-cran-survey",
                    "the differential tests against R survey"),
    "axe-core": Tool("axe-core", (), "make axe   (npm ci --prefix tests/browser/node; needs `apt-get install -y npm`)",
                     "the accessibility audits"),
    "redis": Tool("redis", ("redis-server",), "apt-get install -y redis-server && redis-server --daemonize yes",
                  "the shared rate-limit store tests"),
    "pango": Tool("pango", (), "apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core",
                  "the PDF invitation letters and posters (WeasyPrint)"),
}


def skip_reason(tool: Tool, detail: str = "") -> str:
    """The one spelling of a missing-tool skip, so the summary and CI can find it."""
    reason = f"{MISSING} {tool.name} ({tool.needed_for}): install with `{tool.install}`"
    return f"{reason}; {detail}" if detail else reason


def require(name: str) -> str:
    """The tool's path, or skip the calling test with the command that installs it."""
    tool = TOOLS[name]
    for command in tool.commands:
        path = shutil.which(command)
        if path:
            return path
    pytest.skip(skip_reason(tool))


def require_redis(url: str) -> None:
    """Skip unless a Redis server answers at ``url``."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.ConnectionError as error:
        pytest.skip(skip_reason(TOOLS["redis"], f"nothing answers at {url} ({error})"))


def require_pdf_rendering() -> None:
    """Skip unless WeasyPrint can load Pango and DejaVu Sans (the letters' Vietnamese font) is installed."""
    from pathlib import Path

    try:
        import weasyprint  # noqa: F401  (loads Pango through cffi)
    except OSError as error:
        pytest.skip(skip_reason(TOOLS["pango"], str(error)))
    if not any(Path("/usr/share/fonts").rglob("DejaVuSans.ttf")):
        pytest.skip(skip_reason(TOOLS["pango"], "DejaVu Sans is not installed"))
