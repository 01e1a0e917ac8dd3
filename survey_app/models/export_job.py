"""One export asked for in the console: the record of that export (who, which survey, format, progress, file),
not a queue: Huey runs and retries the job (``survey_app.jobs.exports``); this row is what the console shows."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db
from survey_app.models.survey import Survey

EXPORT_STATUSES = ("queued", "running", "done", "failed", "expired")


def utc_now() -> datetime:
    return datetime.now(UTC)


class ExportJob(db.Model):
    """``status`` moves queued -> running -> done (file kept until ``expires_at``, then expired) or, after the
    last retry, failed (``error`` says why). ``folder`` is a random name under the instance's ``exports/``
    folder; the file is served only to its requester and to admins."""

    __tablename__ = "export_job"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed', 'expired')", name="status"),
        CheckConstraint("format IN ('csv', 'xlsx', 'sav', 'dta')", name="format"),
        CheckConstraint("language IN ('vi', 'en')", name="language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"),
                                                        index=True)
    requested_by: Mapped[str] = mapped_column(String(254))
    format: Mapped[str] = mapped_column(String(4))
    language: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(500))
    folder: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    survey: Mapped[Survey] = relationship()
