"""Submitted responses. What is NOT here is the point: see the anonymity guarantee in the README.

A response holds no invitation id, code, hash, IP address, user agent or time finer than a day, and its
primary key is a random UUID, so neither a column nor the key order joins it to an invitation.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db
from survey_app.models.questionnaire_version import QuestionnaireVersion
from survey_app.models.respondent_group import RespondentGroup
from survey_app.models.survey import Survey
from survey_app.models.unit import Unit

RESPONSE_MODES = ("online", "paper")


class Response(db.Model):
    """One submitted questionnaire: answers as JSON (variable -> value, relevant items only)."""

    __tablename__ = "response"
    # WITHOUT ROWID: SQLite then stores rows in (random) key order, not in the order they were submitted.
    # The participation page counts paper responses per unit and group from the first index alone, and
    # completions per day (of every unit, or of those in scope) from the second, in day order.
    __table_args__ = (CheckConstraint("mode IN ('online', 'paper')", name="mode"),
                      Index("ix_response_participation", "survey_id", "mode", "unit_id", "group_id", "submitted_on"),
                      Index("ix_response_days", "survey_id", "submitted_on", "unit_id"),
                      {"sqlite_with_rowid": False})

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("respondent_group.id"))
    mode: Mapped[str] = mapped_column(String(10))
    submitted_on: Mapped[date] = mapped_column(Date)
    # The export's values of these answers, made once when stored (services.export_records); NULL for responses
    # stored before records existed, which exports make from the answers.
    record: Mapped[str | None] = mapped_column(Text)
    # Online: random, drawn at submit (nothing the draft held); paper: derived from the form's entry number, so a
    # file imported twice stores each form once. Unique: the database refuses a second insert of one form.
    submission_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    # Last: on SQLite a WITHOUT ROWID row keeps only its first ~500-1000 bytes on the leaf page, the rest on overflow
    # pages; what an export reads (the short columns, then the record; never submission_id nor the answers) comes
    # first, so that it is read from the leaf page, not along the overflow chain (migration 0c7785ac1582).
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)

    survey: Mapped[Survey] = relationship()
    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()
    unit: Mapped[Unit] = relationship()
    group: Mapped[RespondentGroup | None] = relationship()

    def __repr__(self) -> str:
        return f"<Response {self.id}>"


class ResponseIdentity(db.Model):
    """For identified surveys only: which invitation a response came from. Never written for anonymous ones."""

    __tablename__ = "response_identity"

    response_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("response.id", ondelete="CASCADE"), primary_key=True
    )
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id"), unique=True)


class SpentSession(db.Model):
    """Open surveys: the hash of a browser-session token that has submitted, so it cannot start again.

    It holds no link to the response and no time: it only says "this session is used".
    """

    __tablename__ = "spent_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)


class SpentInvitation(db.Model):
    """Closed surveys: an invitation that has been completed (online or on paper), so it cannot submit again.

    Keyed by :func:`survey_app.pseudonyms.spent_key` of the invitation's code hash: the application can tell which
    invitations completed (participation, reminders, revocation), the database alone cannot. It is written in the
    submit transaction (its primary key makes a racing second submit fail) and carries only what the response
    itself carries: survey, unit, group and mode, so completions can be counted per unit and group.
    """

    __tablename__ = "spent_invitation"
    # The participation page counts completions per unit, group and mode from this index alone.
    __table_args__ = (Index("ix_spent_invitation_participation", "survey_id", "unit_id", "group_id", "mode"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    group_id: Mapped[int] = mapped_column(ForeignKey("respondent_group.id"))
    mode: Mapped[str] = mapped_column(String(10))  # online | paper, as the response says
