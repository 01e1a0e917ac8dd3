"""Invitations to a closed survey: only the SHA-256 of each code is stored, never the code itself."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db
from survey_app.models.respondent_group import RespondentGroup
from survey_app.models.survey import Survey
from survey_app.models.unit import Unit

INVITATION_STATUSES = ("issued", "started", "completed", "revoked")


def utc_today() -> date:
    return datetime.now(UTC).date()


class Invitation(db.Model):
    """A code handed to one respondent of ``group`` in ``unit``.

    There is deliberately no timestamp beyond the issue date: a completion time could be matched with a
    response. ``status`` only moves issued -> started -> completed (or -> revoked).
    """

    __tablename__ = "invitation"
    __table_args__ = (
        CheckConstraint("status IN ('issued', 'started', 'completed', 'revoked')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("respondent_group.id"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="issued")
    created_on: Mapped[date] = mapped_column(Date, default=utc_today)

    survey: Mapped[Survey] = relationship()
    unit: Mapped[Unit] = relationship()
    group: Mapped[RespondentGroup] = relationship()

    def __repr__(self) -> str:
        return f"<Invitation {self.id} {self.status}>"
