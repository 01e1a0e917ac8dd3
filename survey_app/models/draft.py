"""Answers in progress, saved page by page so that nothing entered is lost; deleted when submitted."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String, Uuid, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db
from survey_app.models.invitation import Invitation
from survey_app.models.respondent_group import RespondentGroup
from survey_app.models.survey import Survey
from survey_app.models.unit import Unit


class Draft(db.Model):
    """Keyed by the invitation (closed survey) or by the hash of a browser-session token (open survey).

    ``submission_id`` is drawn at creation and becomes the response's unique ``submission_id``: the database
    then refuses a second response from the same draft, however many submits race.
    """

    __tablename__ = "draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("respondent_group.id"))
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id"), unique=True)
    session_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Open links: hash of the resume code given on "save and continue later" (gone with the draft on submit).
    resume_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    submission_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    current_section: Mapped[str | None] = mapped_column(String(80))
    # Only for clearing abandoned drafts; the draft (and this time) is gone once the response is submitted.
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    survey: Mapped[Survey] = relationship()
    unit: Mapped[Unit] = relationship()
    group: Mapped[RespondentGroup | None] = relationship()
    invitation: Mapped[Invitation | None] = relationship(back_populates="draft")

    def __repr__(self) -> str:
        return f"<Draft {self.id} survey={self.survey_id}>"
