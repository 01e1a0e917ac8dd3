"""Invitations to a closed survey: only the SHA-256 of each code is stored, never the code itself."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ColumnElement, Date, ForeignKey, String, and_, case
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.clock import utc_today
from survey_app.extensions import db
from survey_app.models.respondent_group import RespondentGroup
from survey_app.models.survey import Survey
from survey_app.models.unit import Unit

if TYPE_CHECKING:
    from survey_app.models.draft import Draft

INVITATION_STATUSES = ("issued", "started", "completed", "revoked")
# What a coordinator learnt about a case that never completed (AAPOR): left the post, or said no.
DISPOSITIONS = ("not_eligible", "refused")


class Invitation(db.Model):
    """A code handed to one respondent of ``group`` in ``unit``.

    There is deliberately no timestamp beyond the issue date: a completion time could be matched with a
    response. ``status`` moves issued -> started -> completed (or -> revoked).

    Submitting does not write to this row at all: PostgreSQL stamps every row version with the id of the
    transaction that wrote it (``xmin``), so an update made with the response's insert would join the two
    exactly. The row records ``started`` (with a draft) at the first visit; submitting deletes the draft, and
    "started without a draft" *is* completed. :attr:`status` gives that effective status.
    """

    __tablename__ = "invitation"
    __table_args__ = (
        CheckConstraint("status IN ('issued', 'started', 'completed', 'revoked')", name="status"),
        CheckConstraint("disposition IN ('not_eligible', 'refused')", name="disposition"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("respondent_group.id"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    recorded_status: Mapped[str] = mapped_column("status", String(20), default="issued")
    created_on: Mapped[date] = mapped_column(Date, default=utc_today)
    # Set by a coordinator (console "mark"): not_eligible counts as NE, refused as R; None: judged by status.
    disposition: Mapped[str | None] = mapped_column(String(20))

    survey: Mapped[Survey] = relationship()
    unit: Mapped[Unit] = relationship()
    group: Mapped[RespondentGroup] = relationship()
    draft: Mapped[Draft | None] = relationship(back_populates="invitation", uselist=False)

    @hybrid_property
    def status(self) -> str:
        """issued | started | completed | revoked; completed = started and its draft submitted (deleted)."""
        if self.recorded_status == "started" and self.draft is None:
            return "completed"
        return self.recorded_status

    @status.inplace.setter
    def _status_setter(self, value: str) -> None:
        self.recorded_status = value

    @status.inplace.expression
    @classmethod
    def _status_expression(cls) -> ColumnElement[str]:
        # through the relationship, so this module needs Draft only for type checking (draft.py imports this one)
        submitted = and_(cls.recorded_status == "started", ~cls.draft.has())
        return case((submitted, "completed"), else_=cls.recorded_status)

    def __repr__(self) -> str:
        return f"<Invitation {self.id} {self.status}>"
