"""``parsurvey serve``: serve the app for a person at a desk and print where to go."""

from __future__ import annotations

import csv
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve_command(host: str, port: int) -> None:
    """Serve parsurvey (development server) and print the links of the demo."""
    base = f"http://{host}:{port}"
    click.echo(f"parsurvey is serving at {base}/")
    click.echo(f"  questionnaire previews: {base}/preview/")
    codes = Path(current_app.instance_path) / "demo-codes.csv"
    if codes.exists():
        with codes.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        click.echo(f"  demo links and codes ({len(rows)}), also in {codes}:")
        for row in rows[:12]:
            click.echo(f"    {row['survey']:<28} {row['unit']:<12} {row['group']:<22} {row['code']:<24} {row['url']}")
    app = current_app._get_current_object()
    app.run(host=host, port=port, debug=False, use_reloader=False)
