"""A survey: one questionnaire version opened to some respondent groups for a period."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Column, DateTime, ForeignKey, Integer, String, Table, false
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from survey_app.clock import DATABASE_NOW
from survey_app.extensions import db
from survey_app.models.questionnaire_version import QuestionnaireVersion
from survey_app.models.respondent_group import RespondentGroup
from survey_app.models.unit import Unit

ACCESS_MODES = ("invitation", "open")

survey_group = Table(
    "survey_group",
    db.metadata,
    Column("survey_id", Integer, ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", Integer, ForeignKey("respondent_group.id"), primary_key=True),
)


class Survey(db.Model):
    """``access`` is ``invitation`` (closed: personal codes) or ``open`` (a public link per unit).

    ``opens_at``/``closes_at`` are UTC; SQLite hands them back naive, so read them through
    :func:`survey_app.services.surveys.survey_state`, which restores the zone and judges them by the database's clock.
    """

    __tablename__ = "survey"
    __table_args__ = (CheckConstraint("access IN ('invitation', 'open')", name="access"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    # Who respondents can reach (office, phone, e-mail), shown on the pages that say something went wrong.
    contact: Mapped[str | None] = mapped_column(String(300))
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"), index=True)
    anonymous: Mapped[bool] = mapped_column(Boolean)
    access: Mapped[str] = mapped_column(String(20))
    opens_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The unit whose coordinators run the survey (the console's scope); None: run by admins for every unit.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    # Not stored: the database's clock, read with the row, so that whether the survey is open is judged by the one
    # clock every app server shares at no extra query (see survey_app.clock and services.surveys.survey_state).
    database_time: Mapped[datetime] = column_property(DATABASE_NOW)
    # Paper forms typed twice, blind, by two operators; stored only when the two agree or a coordinator resolved.
    double_entry: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    questionnaire_version: Mapped[QuestionnaireVersion] = relationship(lazy="joined")
    groups: Mapped[list[RespondentGroup]] = relationship(secondary=survey_group, order_by=RespondentGroup.code)
    unit: Mapped[Unit | None] = relationship(foreign_keys=[unit_id])
    quotas: Mapped[list[SurveyQuota]] = relationship(back_populates="survey", cascade="all, delete-orphan")

    def quota_for(self, unit: Unit) -> int | None:
        """The open-link quota of ``unit``, or None when unlimited."""
        return next((q.quota for q in self.quotas if q.unit_id == unit.id), None)

    def __repr__(self) -> str:
        return f"<Survey {self.slug}>"


class SurveyQuota(db.Model):
    """For an open survey: how many responses a unit's public link accepts before it says the survey is full."""

    __tablename__ = "survey_quota"
    __table_args__ = (CheckConstraint("quota >= 0", name="quota_not_negative"),)

    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    quota: Mapped[int] = mapped_column(Integer)

    survey: Mapped[Survey] = relationship(back_populates="quotas")
    unit: Mapped[Unit] = relationship()
