"""``parsurvey serve``: serve the app for a person at a desk and print where to go."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
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


def start_worker() -> subprocess.Popen | None:
    """A ``parsurvey worker`` beside the development server, so queued e-mails go out with no extra step.

    It is a child process with the same environment (same database and queue); Ctrl+C in the terminal stops
    both. None when jobs run immediately (nothing to work on).
    """
    from survey_app.queue import huey

    if huey.immediate:
        return None
    command = [sys.executable, "-c", "from survey_app.cli import main; main()", "worker", "--workers", "1"]
    env = {**os.environ, "PARSURVEY_INSTANCE_PATH": current_app.instance_path}
    return subprocess.Popen(command, env=env)


def stop_worker(worker: subprocess.Popen | None) -> None:
    if worker is None or worker.poll() is not None:
        return
    worker.send_signal(signal.SIGINT)  # graceful: running jobs finish, queued ones wait for the next start
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        worker.kill()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--worker/--no-worker", default=True, show_default=True,
              help="Also run a background-job worker (e-mails) while serving.")
@with_appcontext
def serve_command(host: str, port: int, worker: bool) -> None:
    """Serve parsurvey (development server) with a job worker, and print the links of the demo."""
    base = f"http://{host}:{port}"
    click.echo(f"parsurvey is serving at {base}/  (type a code there)")
    click.echo(f"  questionnaire previews: {base}/preview/")
    for line in demo_lines(Path(current_app.instance_path) / DEMO_CODES):
        click.echo(line)
    child = start_worker() if worker else None
    if child is not None:
        click.echo("  background jobs: a worker runs beside the server (parsurvey worker)")
    click.echo("Press Ctrl+C to stop.")
    # SIGTERM (a service manager, kill) ends the server like Ctrl+C, so the worker child is stopped too
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        # Flask refuses app.run() inside its own CLI; werkzeug's server is what it would have started.
        run_simple(host, port, current_app._get_current_object(), threaded=True)
    finally:
        stop_worker(child)
