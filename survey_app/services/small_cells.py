"""The anonymity rule of the console's time figures: no period shown holds fewer than ``k`` completions.

A response carries its unit, group and day; a per-day count by unit and group that holds one person tells who
answered what. So completions over time are shown only for the unit being viewed as a whole (all groups,
its whole subtree), per day where the day counts at least ``k`` (``PARSURVEY_ANONYMITY_K``, default 5), and a
day with fewer is merged with the days after it into one period until the period counts at least ``k`` (a
short last period is merged into the one before). When the whole total is below ``k`` nothing is shown.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import Response, Survey


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    completed: int


def merge_small_days(days: Sequence[tuple[date, int]], k: int) -> list[Period]:
    """Consecutive days (sorted) merged into periods of at least ``k`` completions; [] if the total is below."""
    periods: list[Period] = []
    start = None
    running = 0
    for day, count in sorted(days):
        if count <= 0:
            continue
        start = start or day
        running += count
        if running >= k:
            periods.append(Period(start, day, running))
            start, running = None, 0
    if running and periods:
        last = periods.pop()
        periods.append(Period(last.first, max(last.last, _last_day(days)), last.completed + running))
    return periods


def _last_day(days: Sequence[tuple[date, int]]) -> date:
    return max(day for day, count in days if count > 0)


def completions_per_day(survey: Survey, unit_ids: Collection[int] | None = None) -> list[tuple[date, int]]:
    """Responses (online and paper) per submission day, for the given units together."""
    statement = (
        select(Response.submitted_on, func.count())
        .where(Response.survey_id == survey.id)
        .group_by(Response.submitted_on)
        .order_by(Response.submitted_on)
    )
    if unit_ids is not None:
        statement = statement.where(Response.unit_id.in_(list(unit_ids)))
    return [(day, int(n)) for day, n in db.session.execute(statement)]


def completion_periods(survey: Survey, k: int, unit_ids: Collection[int] | None = None) -> list[Period]:
    return merge_small_days(completions_per_day(survey, unit_ids), k)
