"""Paper forms typed in the console: the form being typed, each operator's typing of it, and the paper completes
of invitation surveys. None of these rows names an invitation or a response (see the anonymity guarantee)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db
from survey_app.models.respondent_group import RespondentGroup
from survey_app.models.staff import StaffUser
from survey_app.models.survey import Survey
from survey_app.models.unit import Unit


class PaperForm(db.Model):
    """One paper questionnaire while it is being typed; deleted (with its entries) when stored as a response.

    ``key_hash`` finds the form again from what is written on the paper: SHA-256 of a prefix, the survey and the
    invitation code (invitation surveys) or the clerk's entry number (open surveys). The prefix makes it differ
    from the invitation's own ``code_hash``, so without the code nothing joins a form to its invitation.
    ``submission_id`` becomes the response's: random for a code, derived from the entry number (as the
    spreadsheet import derives it) for an open survey, so one number is never stored twice either way.
    """

    __tablename__ = "paper_form"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("respondent_group.id"))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Open surveys: the entry number written on the form (shown to find it again); None for a code, never stored.
    entry_number: Mapped[str | None] = mapped_column(String(40))
    submission_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)

    survey: Mapped[Survey] = relationship()
    unit: Mapped[Unit] = relationship()
    group: Mapped[RespondentGroup | None] = relationship()
    entries: Mapped[list[PaperEntry]] = relationship(back_populates="form", cascade="all, delete-orphan",
                                                     order_by="PaperEntry.pass_number")

    def __repr__(self) -> str:
        return f"<PaperForm {self.id}>"


class PaperEntry(db.Model):
    """One operator's typing of a paper form (pass 1, or pass 2 under double entry), saved page by page.

    Only its operator ever sees it (double entry is blind); a coordinator sees the two only side by side, where
    they differ.
    """

    __tablename__ = "paper_entry"
    __table_args__ = (
        UniqueConstraint("form_id", "operator_id", name="uq_paper_entry_form_operator"),
        UniqueConstraint("form_id", "pass_number", name="uq_paper_entry_form_pass"),
        CheckConstraint("pass_number IN (1, 2)", name="pass_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("paper_form.id", ondelete="CASCADE"), index=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    pass_number: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    current_section: Mapped[str | None] = mapped_column(String(80))
    finished: Mapped[bool] = mapped_column(Boolean, default=False)

    form: Mapped[PaperForm] = relationship(back_populates="entries")
    operator: Mapped[StaffUser] = relationship()

    def __repr__(self) -> str:
        return f"<PaperEntry {self.id} pass {self.pass_number}>"
