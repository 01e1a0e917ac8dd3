"""Administrative units of the sample frame: a province, its departments and districts, their communes."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db

UNIT_LEVELS = ("province", "department", "district", "commune")

# Which level a unit's parent must have; a province has none.
PARENT_LEVEL = {"province": None, "department": "province", "district": "province", "commune": "district"}


class Unit(db.Model):
    """One unit; ``code`` is the operator's stable key (the sample frame's code), never reused."""

    __tablename__ = "unit"
    __table_args__ = (CheckConstraint("level IN ('province', 'department', 'district', 'commune')", name="level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)

    parent: Mapped[Unit | None] = relationship(remote_side=[id])

    def name(self, language: str = "vi") -> str:
        """The name in ``language``, falling back to Vietnamese."""
        return (self.name_en if language == "en" else None) or self.name_vi

    def __repr__(self) -> str:
        return f"<Unit {self.code} {self.level}>"
