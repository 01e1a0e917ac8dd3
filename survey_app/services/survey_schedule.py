"""Opening, closing and extending a survey: the only changes to a running survey's period.

"Now" is the database's clock (:func:`survey_app.clock.database_now`), the one that judges whether a survey is open
(:func:`survey_app.services.surveys.survey_state`): a survey closed "now" is closed for every app server at once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from survey_app.clock import as_utc, database_now
from survey_app.extensions import db
from survey_app.models import Survey
from survey_app.services.errors import N_, OperatorError
from survey_app.services.surveys import SurveyState, survey_state

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def end_of_day_in_vietnam(day: date) -> datetime:
    """A closing date means the whole day in Vietnam: the survey closes at the next midnight, Vietnam time."""
    return datetime.combine(day + timedelta(days=1), time.min, VIETNAM).astimezone(UTC)


def start_of_day_in_vietnam(day: date) -> datetime:
    return datetime.combine(day, time.min, VIETNAM).astimezone(UTC)


def open_now(survey: Survey, now: datetime | None = None) -> None:
    """Open a survey that has not opened yet (its closing time stays)."""
    now = as_utc(now or database_now())
    if survey_state(survey, now) is not SurveyState.NOT_OPEN_YET:
        raise OperatorError(N_("survey '%(slug)s' is not waiting to open"), slug=survey.slug)
    survey.opens_at = now
    db.session.flush()


def close_now(survey: Survey, now: datetime | None = None) -> None:
    """Close an open survey at once: codes and links then say the survey has closed; drafts are kept."""
    now = as_utc(now or database_now())
    if survey_state(survey, now) is not SurveyState.OPEN:
        raise OperatorError(N_("survey '%(slug)s' is not open"), slug=survey.slug)
    survey.closes_at = now
    db.session.flush()


def extend(survey: Survey, closes_on: date, now: datetime | None = None) -> datetime:
    """Move the closing time to the end of ``closes_on`` (Vietnam time); a closed survey opens again."""
    now = as_utc(now or database_now())
    closes_at = end_of_day_in_vietnam(closes_on)
    if closes_at <= now or closes_at <= as_utc(survey.opens_at):
        raise OperatorError(N_("the new closing day %(day)s is already past"), day=closes_on.isoformat())
    if closes_at <= as_utc(survey.closes_at):
        raise OperatorError(N_("extending means a later closing day than the current one"))
    survey.closes_at = closes_at
    db.session.flush()
    return closes_at
