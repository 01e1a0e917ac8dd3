"""Personal API tokens: how an analyst's script reads the API as that analyst, without a browser or a password."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db
from survey_app.models.staff import StaffUser


class ApiToken(db.Model):
    """One token of one staff account. Only the SHA-256 of the token is kept (``token_hash``): the token itself is
    shown once, when made, and a stolen database gives no working token. ``last_used_on`` is a day, not a time:
    enough to spot a forgotten token, and written at most once a day per token. A revoked token stays listed
    (with ``revoked_at``) so its owner sees what was withdrawn and when."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_on: Mapped[date | None] = mapped_column(Date)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[StaffUser] = relationship()

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.name!r} of user {self.user_id}>"
