"""The export job: write one console export (``services.export_jobs.run``), retried by Huey on failure or when its
worker died (``survey_app.queue_recovery``), and the deletion of its file when its time is up."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import current_app

from survey_app.extensions import db
from survey_app.models import ExportJob
from survey_app.queue import huey, job
from survey_app.queue_recovery import after_crash
from survey_app.services import export_jobs
from survey_app.services.errors import OperatorError

log = logging.getLogger(__name__)


def _root() -> Path:
    return Path(current_app.instance_path)


@job
def run_export_job(job_id: int, task=None) -> None:
    """Write export ``job_id``; a failure is recorded on the export (queued again, or failed after the last
    retry) and raised, so that Huey retries it. A refusal of the data itself (``OperatorError``) fails at once."""
    record = db.session.get(ExportJob, job_id)
    if record is None or record.status in ("done", "expired"):
        return  # already written (a duplicate delivery after a worker crash) or gone
    config = current_app.config
    export_jobs.purge_expired(_root())
    try:
        export_jobs.run(record, _root(), k=config["ANONYMITY_K"], keep_hours=config["EXPORT_KEEP_HOURS"])
    except OperatorError as error:  # the data cannot be written as asked (a stored value that is no number...):
        export_jobs.failed(job_id, _root(), error, final=True)  # retrying cannot help, say why at once
        log.error("export %s failed: %s", job_id, error)
        return
    except Exception as error:
        final = task is None or not task.retries
        export_jobs.failed(job_id, _root(), error, final)
        (log.error if final else log.warning)("export %s failed%s: %s", job_id, "" if final else ", retrying",
                                              error)
        raise
    if not huey.immediate:  # the worker deletes the file when its time is up (downloads check the time too)
        expire_export_job.schedule(args=(job_id,), delay=config["EXPORT_KEEP_HOURS"] * 3600)


@after_crash(run_export_job)
def _worker_died(job_id: int, final: bool) -> None:
    """The worker died while writing export ``job_id``: its record goes back to queued (the console shows the
    attempt failed and will be retried) or, given up, to failed; a finished export stays as it is."""
    record = db.session.get(ExportJob, job_id)
    if record is not None and record.status == "running":
        export_jobs.failed(job_id, _root(), WorkerDied("the worker stopped during this export (killed, out of "
                                                       "memory or restarted)"), final)


class WorkerDied(Exception):
    """What an export's record says after its worker died mid-way."""


@job
def expire_export_job(job_id: int, task=None) -> None:
    """Delete an export's files once it has expired (and any other export past its time)."""
    export_jobs.purge_expired(_root())
    db.session.commit()
