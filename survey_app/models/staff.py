"""Staff accounts of the console (coordinators, data-entry clerks, analysts, admins): never respondents."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db
from survey_app.models.unit import Unit

ROLES = ("admin", "coordinator", "data_entry", "analyst")
# Roles whose work is bounded by a unit (and every unit below it); admins and analysts see every unit.
UNIT_SCOPED_ROLES = ("coordinator", "data_entry")


class StaffUser(db.Model):
    """One person working in the console. ``password_hash`` is werkzeug's salted scrypt, never the password.

    ``session_epoch`` is bumped when the password changes or the account is disabled: it is part of the login
    session's id, so every session opened before that stops working at its next request.
    """

    __tablename__ = "staff_user"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'coordinator', 'data_entry', 'analyst')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    unit: Mapped[Unit | None] = relationship()

    # Flask-Login's interface, written out so the model does not depend on Flask-Login.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    def __repr__(self) -> str:
        return f"<StaffUser {self.email} {self.role}>"
