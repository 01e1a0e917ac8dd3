"""How to reach the person holding an invitation, and what was sent to them: the participation side only.

An e-mail address sits beside an invitation, never beside a response: an anonymous response refers to no
invitation, so knowing who was invited (and reminded) tells nothing about what anyone answered.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db
from survey_app.models.invitation import Invitation

MAIL_KINDS = ("invitation", "reminder")
MAIL_STATUSES = ("queued", "sent", "failed", "skipped")


def utc_now() -> datetime:
    return datetime.now(UTC)


class InvitationContact(db.Model):
    """The e-mail (and name, for the focal point's phone list) of one invitation's holder.

    ``refused_on`` records that the person declined to take part: nobody is reminded after refusing.
    """

    __tablename__ = "invitation_contact"
    __table_args__ = (CheckConstraint("language IN ('vi', 'en')", name="language"),)

    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2), default="vi")
    refused_on: Mapped[date | None] = mapped_column(Date)

    invitation: Mapped[Invitation] = relationship()


class MailLog(db.Model):
    """One e-mail to one invitation's holder: what (invitation or reminder), to whom, when, and how it went.

    ``status`` moves queued -> sent | failed (all retries spent) | skipped (no longer due when its turn came:
    completed, revoked or refused meanwhile). ``attempts`` and ``error`` report failed deliveries.
    """

    __tablename__ = "mail_log"
    __table_args__ = (
        CheckConstraint("kind IN ('invitation', 'reminder')", name="kind"),
        CheckConstraint("status IN ('queued', 'sent', 'failed', 'skipped')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(500))
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    invitation: Mapped[Invitation] = relationship()
