"""Exports asked for in the console: recorded, run by the job queue, kept for a while, then deleted.

The request (:func:`request_export`) writes the export's record (``export_job``), the audit entry and defers the
job in the same transaction; the worker (``survey_app.jobs.exports``) calls :func:`run`, which writes the file
through :func:`survey_app.services.exports.export_responses` (the CLI's function, disclosure rule included) into
a random folder under the instance's ``exports/``, with progress (rows written / total) kept on the record. Huey
retries a failing run; after its last retry the record says ``failed`` and why. A finished file is kept
``PARSURVEY_EXPORT_KEEP_HOURS`` and then deleted (:func:`purge_expired`, run by the worker and on a late
download). Services never see the request: folders, ``k`` and hours come from the caller.
"""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, update

from survey_app.extensions import db
from survey_app.models import ExportJob, Response, StaffUser, Survey
from survey_app.queue import defer
from survey_app.services import audit
from survey_app.services.errors import OperatorError
from survey_app.services.exports import FORMATS, export_responses
from survey_app.services.exports_source import LANGUAGES

FOLDER = "exports"


def request_export(survey: Survey, user: StaffUser, fmt: str, language: str) -> ExportJob:
    """Record an export of ``survey`` for ``user`` and queue it (sent to the worker when the caller commits)."""
    if fmt not in FORMATS:
        raise OperatorError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if language not in LANGUAGES:
        raise OperatorError(f"unknown label language {language!r}; expected one of {', '.join(LANGUAGES)}")
    total = db.session.scalar(select(func.count()).select_from(Response).where(Response.survey_id == survey.id))
    job = ExportJob(survey=survey, requested_by_id=user.id, requested_by=user.email, format=fmt, language=language,
                    status="queued", rows_done=0, rows_total=total or 0, attempts=0, folder=secrets.token_hex(16))
    db.session.add(job)
    db.session.flush()
    audit.record("export", user, survey.slug, f"responses {fmt}, labels {language} (export {job.id})")
    defer("run_export_job", job.id)
    return job


def jobs_of(survey: Survey, user: StaffUser) -> Sequence[ExportJob]:
    """The exports of ``survey`` that ``user`` may see: their own; an admin sees everyone's."""
    statement = select(ExportJob).where(ExportJob.survey_id == survey.id).order_by(ExportJob.id.desc())
    if user.role != "admin":
        statement = statement.where(ExportJob.requested_by_id == user.id)
    return db.session.scalars(statement).all()


def folder_of(job: ExportJob, root: Path) -> Path:
    return root / FOLDER / job.folder


def files_of(job: ExportJob, root: Path) -> list[Path]:
    """The finished files of a done export (the data file first, then its codebook), none once expired."""
    folder = folder_of(job, root)
    if job.status != "done" or not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")),
                  key=lambda p: (p.name.endswith(".codebook.json"), p.name))


def run(job: ExportJob, root: Path, *, k: int, keep_hours: int) -> None:
    """Write the export of ``job`` (the worker's part); progress is written on its own connection, so the
    console sees it while the rows are still being read in this session's transaction."""
    job.status, job.attempts, job.error = "running", job.attempts + 1, None
    db.session.commit()
    folder = folder_of(job, root)
    shutil.rmtree(folder, ignore_errors=True)  # what a crashed attempt left

    def progress(done: int, total: int) -> None:
        with db.engine.begin() as connection:
            connection.execute(update(ExportJob).where(ExportJob.id == job.id)
                               .values(rows_done=done, rows_total=total))

    out = folder / f"{job.survey.slug}.{job.format}"
    result = export_responses(job.survey, job.format, out, language=job.language, progress=progress, k=k)
    db.session.refresh(job)
    now = datetime.now(UTC)
    job.status, job.rows_done, job.finished_at = "done", result.rows, now
    job.rows_total = max(job.rows_total, result.rows)
    job.expires_at = now + timedelta(hours=keep_hours)
    db.session.commit()


def failed(job_id: int, root: Path, error: BaseException, final: bool) -> None:
    """Record a failed attempt: queued again while Huey has retries left, else failed with the reason."""
    db.session.rollback()
    job = db.session.get(ExportJob, job_id)
    if job is None:
        return
    shutil.rmtree(folder_of(job, root), ignore_errors=True)
    job.status = "failed" if final else "queued"
    job.error = (str(error) or type(error).__name__)[:500]
    db.session.commit()


def expire(job: ExportJob, root: Path) -> None:
    """Delete the files of ``job`` and mark it expired (its record stays, for the list and the audit)."""
    shutil.rmtree(folder_of(job, root), ignore_errors=True)
    if job.status == "done":
        job.status = "expired"


def is_expired(job: ExportJob, now: datetime | None = None) -> bool:
    if job.expires_at is None:
        return False
    expires = job.expires_at if job.expires_at.tzinfo else job.expires_at.replace(tzinfo=UTC)
    return (now or datetime.now(UTC)) >= expires


def purge_expired(root: Path, now: datetime | None = None) -> int:
    """Delete every finished export past its time; returns how many. Run by the worker."""
    done = db.session.scalars(select(ExportJob).where(ExportJob.status == "done")).all()
    gone = [job for job in done if is_expired(job, now)]
    for job in gone:
        expire(job, root)
    return len(gone)
