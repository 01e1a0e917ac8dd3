"""Respondent groups (department leaders, citizens...), copied from the methodology when it is published."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from survey_app.extensions import db


class RespondentGroup(db.Model):
    """A group of respondents; ``code`` is the methodology's group id."""

    __tablename__ = "respondent_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))

    def name(self, language: str = "vi") -> str:
        return (self.name_en if language == "en" else None) or self.name_vi

    def __repr__(self) -> str:
        return f"<RespondentGroup {self.code}>"
