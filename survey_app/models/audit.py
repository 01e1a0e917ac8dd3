"""The audit log of staff actions: who did what, when, to what. Respondents' actions are never recorded here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from survey_app.extensions import db


class AuditEntry(db.Model):
    """One staff action. ``actor`` is the e-mail as typed or held at that time (kept even if the account goes),
    ``cli`` for a shell command; ``target`` names the object (a survey slug, a unit code, an e-mail)."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), index=True)
    actor: Mapped[str] = mapped_column(String(254))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str | None] = mapped_column(String(300))
    detail: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<AuditEntry {self.action} by {self.actor}>"
