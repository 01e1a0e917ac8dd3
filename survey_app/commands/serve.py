"""``parsurvey serve``: serve the app for a person at a desk and print where to go."""

from __future__ import annotations

import csv
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import run_simple

DEMO_CODES = "demo-codes.csv"


def demo_lines(codes_file: Path, limit_per_survey: int = 2) -> list[str]:
    """A few working links per demo survey, read from the file ``parsurvey demo --codes-out`` wrote."""
    if not codes_file.exists():
        return []
    # utf-8-sig: the codes file starts with a BOM so that Excel shows Vietnamese names correctly.
    with codes_file.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    lines = [f"  demo links ({len(rows)} in all, every one in {codes_file}):"]
    shown: dict[str, int] = {}
    for row in rows:
        survey = row["survey"]
        if shown.get(survey, 0) >= limit_per_survey:
            continue
        shown[survey] = shown.get(survey, 0) + 1
        code = f"code {row['code']}" if row["code"] else "open link"
        lines.append(f"    {survey:<30} {row['unit']:<12} {row['group']:<22} {code:<25} {row['url']}")
    return lines


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve_command(host: str, port: int) -> None:
    """Serve parsurvey (development server) and print the links of the demo."""
    base = f"http://{host}:{port}"
    click.echo(f"parsurvey is serving at {base}/  (type a code there)")
    click.echo(f"  questionnaire previews: {base}/preview/")
    for line in demo_lines(Path(current_app.instance_path) / DEMO_CODES):
        click.echo(line)
    click.echo("Press Ctrl+C to stop.")
    # Flask refuses app.run() inside its own CLI; werkzeug's server is what it would have started.
    run_simple(host, port, current_app._get_current_object(), threaded=True)
