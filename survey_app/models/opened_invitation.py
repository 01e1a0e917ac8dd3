"""The marker saying a personal code was opened: pseudonymous, written once, never beside a response."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from survey_app.extensions import db


class OpenedInvitation(db.Model):
    """Closed surveys: an invitation whose code was used at least once (its link or the start page, or a paper form
    typed in the console), whether or not a page was then saved.

    Keyed by :func:`survey_app.pseudonyms.opened_key` of the code hash, as the draft and the spent marker are by
    their own purposes: the application can tell which invitations were opened (the participation page's
    "opened" and AAPOR's break-offs), the database alone cannot. It is inserted once, at the first visit, in a
    transaction of its own (:func:`survey_app.services.openings.record_opening`): never in a submit's, so its
    ``xmin`` on PostgreSQL is no response's; the invitation row is not touched. It carries only the survey, unit and
    group the invitation's response would carry anyway, so openings are counted per unit and group.
    """

    __tablename__ = "opened_invitation"
    # The participation page counts openings per unit and group from this index alone.
    __table_args__ = (Index("ix_opened_invitation_participation", "survey_id", "unit_id", "group_id"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    group_id: Mapped[int] = mapped_column(ForeignKey("respondent_group.id"))
