"""``parsurvey worker``: run the background jobs (e-mails, reminder rounds, the daily draft purge) until stopped."""

from __future__ import annotations

import logging
import sys

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 32),
              help="Jobs run at the same time (threads).")
@with_appcontext
def worker_command(workers: int) -> None:
    """Take jobs from the queue and run them; Ctrl+C (SIGINT) stops after the running jobs finish.

    Jobs wait in the queue (instance/queue.sqlite, or Redis with PARSURVEY_QUEUE_URL) while no worker runs,
    so stopping and restarting a worker loses nothing. A failing job is retried PARSURVEY_JOB_RETRIES times.
    A job whose worker died mid-way (killed, out of memory, reboot) is queued again when a worker starts, and
    every five minutes (another machine's: after PARSURVEY_JOB_LEASE_MINUTES).
    """
    from survey_app.queue import huey
    from survey_app.queue_recovery import reclaim_abandoned

    if huey.immediate:
        click.echo("error: PARSURVEY_QUEUE_IMMEDIATE is set: jobs run where they are made, a worker has nothing "
                   "to do", err=True)
        sys.exit(1)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    where = current_app.config["QUEUE_URL"] or "instance/queue.sqlite"
    click.echo(f"parsurvey worker: {workers} thread(s), queue {where}. Press Ctrl+C to stop.")
    reclaimed = reclaim_abandoned()
    if reclaimed:
        click.echo(f"{len(reclaimed)} job(s) left by a worker that died: queued again, or given up on their last "
                   "attempt (see the log).")
    consumer(workers).run()


def consumer(workers: int):
    """The Huey consumer the worker runs: ``workers`` threads, and the periodic jobs (the daily draft purge)."""
    from survey_app.queue import huey

    return huey.create_consumer(workers=workers, worker_type="thread", periodic=True, initial_delay=0.1,
                                max_delay=2.0)
