"""Answers in progress, saved page by page so that nothing entered is lost; deleted when submitted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db
from survey_app.models.respondent_group import RespondentGroup
from survey_app.models.survey import Survey
from survey_app.models.unit import Unit


class Draft(db.Model):
    """Keyed by a pseudonym of the invitation (closed survey) or by the hash of a browser-session token (open survey).

    ``invitation_key`` is :func:`survey_app.pseudonyms.draft_key` of the invitation's code hash: the application can
    find an invitation's draft, the database alone cannot tell whose draft it is, so the row version a submit
    deletes (readable on a PostgreSQL page until the space is reused) names no invitation. A draft is made at the
    first saved page, never at a mere visit. Nothing of it passes to the response.
    """

    __tablename__ = "draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("respondent_group.id"))
    invitation_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    session_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Open links: hash of the resume code given on "save and continue later" (gone with the draft on submit).
    resume_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    current_section: Mapped[str | None] = mapped_column(String(80))
    # Set when the purge empties a closed survey's draft: whether its answers made it a partial (AAPOR P) rather
    # than a break-off, so the survey's rates stay as they were once the answers are gone.
    partial: Mapped[bool | None] = mapped_column(Boolean)
    # Only for clearing abandoned drafts; the draft (and this time) is gone once the response is submitted.
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    survey: Mapped[Survey] = relationship()
    unit: Mapped[Unit] = relationship()
    group: Mapped[RespondentGroup | None] = relationship()
    # Not stored: the invitation this draft was opened for in this request (set by services.drafts).
    invitation = None

    def __repr__(self) -> str:
        return f"<Draft {self.id} survey={self.survey_id}>"
