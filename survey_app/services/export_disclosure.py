"""The disclosure rule of response exports of an anonymous survey: no join path through unit, group and date.

A response carries its unit, respondent group and submission day. Whoever knows that one person of a unit and
group answered on a given day (a coordinator who saw the participation page move, a colleague) could find that
person's row in an export by those three values. The console never shows per-day figures by unit and group
(:mod:`survey_app.services.small_cells`); exports follow the same rule with the same ``k``
(``PARSURVEY_ANONYMITY_K``):

- the submission date is coarsened to its **month** (written as the first day of the month, so every format keeps
  a date column);
- a month is shown only where the response's (unit, group) cell counts at least ``k`` responses in that month;
  otherwise the date is left empty (suppressed). Unit and group are always kept: the methodology scores per unit
  and group, so those cells are inherent (README, "Anonymity guarantee");
- rows are ordered by unit, group and the random response key, never by time, so the order of rows does not
  give back the day that the date column hides.

Identified surveys are exported unchanged (day of submission, rows by day). The rule is applied in one place,
:func:`survey_app.services.exports.response_source` (and :func:`~survey_app.services.exports.response_page` for
the read API), so the CLI, the console's export jobs and the API cannot differ.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date

from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import Response, Survey

#: ``(unit_id, group_id, day) -> date shown or None``: what an export writes in ``submitted_on``.
DateRule = Callable[[int, int | None, date], date | None]


def month_of(day: date) -> date:
    """The first day of ``day``'s month: a month written as a date."""
    return day.replace(day=1)


def shown_months(day_counts: Iterable[tuple[int, int | None, date, int]], k: int) -> frozenset[tuple]:
    """The (unit, group, month) cells that count at least ``k`` responses, from counts per (unit, group, day)."""
    months: Counter = Counter()
    for unit_id, group_id, day, count in day_counts:
        if day is not None:
            months[(unit_id, group_id, month_of(day))] += int(count)
    return frozenset(cell for cell, count in months.items() if count >= max(k, 1))


def anonymous_date_rule(day_counts: Iterable[tuple[int, int | None, date, int]], k: int) -> DateRule:
    """The rule for an anonymous survey, given its responses counted per (unit, group, day)."""
    shown = shown_months(day_counts, k)

    def disclosed(unit_id: int, group_id: int | None, day: date) -> date | None:
        if day is None:
            return None
        month = month_of(day)
        return month if (unit_id, group_id, month) in shown else None

    return disclosed


def identified_date_rule(unit_id: int, group_id: int | None, day: date) -> date | None:
    return day


def date_rule(survey: Survey, k: int) -> DateRule:
    """The date rule of ``survey``'s exports: unchanged days (identified) or months of cells of at least ``k``."""
    if not survey.anonymous:
        return identified_date_rule
    statement = (
        select(Response.unit_id, Response.group_id, Response.submitted_on, func.count())
        .where(Response.survey_id == survey.id)
        .group_by(Response.unit_id, Response.group_id, Response.submitted_on)
    )
    return anonymous_date_rule(db.session.execute(statement).all(), k)
