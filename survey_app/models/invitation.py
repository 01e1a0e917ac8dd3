"""Invitations to a closed survey: only the SHA-256 of each code is stored, never the code itself."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.clock import utc_today
from survey_app.extensions import db
from survey_app.models.respondent_group import RespondentGroup
from survey_app.models.survey import Survey
from survey_app.models.unit import Unit

INVITATION_STATUSES = ("issued", "opened", "started", "completed", "revoked")
# What the row itself records; started and completed are derived (see Invitation).
RECORDED_STATUSES = ("issued", "revoked")
# What a coordinator learnt about a case that never completed (AAPOR): left the post, or said no.
DISPOSITIONS = ("not_eligible", "refused")


class Invitation(db.Model):
    """A code handed to one respondent of ``group`` in ``unit``.

    There is deliberately no timestamp beyond the issue date: a completion time could be matched with a
    response. ``status`` moves issued -> opened -> started -> completed (or -> revoked).

    A respondent never writes this row: PostgreSQL stamps every row version with the id of the transaction that
    wrote it (``xmin``), so an update made with a draft or a response would join them. The row records only
    ``issued`` or ``revoked`` (a coordinator's act); *opened* (an opened marker exists), *started* (a draft
    exists) and *completed* (a spent marker exists) are found through pseudonyms only the application can compute
    (:mod:`survey_app.pseudonyms`), by :mod:`survey_app.services.invitation_status`, which sets :attr:`progress`
    (and :attr:`draft`, :attr:`opened`).
    """

    __tablename__ = "invitation"
    __table_args__ = (
        CheckConstraint("status IN ('issued', 'revoked')", name="status"),
        CheckConstraint("disposition IN ('not_eligible', 'refused')", name="disposition"),
        # The participation page reads the few marked cases of a survey without scanning all its invitations.
        Index("ix_invitation_marked", "survey_id", sqlite_where=text("disposition IS NOT NULL"),
              postgresql_where=text("disposition IS NOT NULL")),
        # The participation page counts a survey's invitations per unit, group and status from this index alone,
        # in its order (no table read, no sort); disposition rides along for whoever counts marks the same way.
        Index("ix_invitation_participation", "survey_id", "unit_id", "group_id", "status", "disposition"),
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
    # Not stored: issued | opened | started | completed as last looked up by services.invitation_status, the draft
    # found then (None: no page saved yet) and whether its opened marker exists. Plain attributes: the mapper
    # ignores them.
    progress = None
    draft = None
    opened = False

    @property
    def status(self) -> str:
        """issued | opened | started | completed | revoked (a revoked code cannot complete: revoking refuses a
        completed one)."""
        if self.recorded_status == "revoked":
            return "revoked"
        if self.progress is None:
            raise LookupError("an invitation's progress is looked up by survey_app.services.invitation_status")
        return self.progress

    def __repr__(self) -> str:
        return f"<Invitation {self.id} {self.recorded_status} {self.progress or 'progress not loaded'}>"
