"""Date bounds relative to the day of answering: ``max: today`` ("not after today"), ``min: today - 365``.

A date item's ``min``/``max`` is either a fixed ISO date or ``today`` with an optional number of days added or
taken away. The bound is resolved on the day the respondent answers, in Vietnam time, so a "date of your last
visit" can never be in the future whenever the form is filled in. The browser mirror is ``resolveDateBound`` in
``survey_app/static/js/expressions.js``; both pass the ``date_bounds`` cases of ``tests/data/expression_cases.json``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7), "ICT")
RELATIVE = re.compile(r"^\s*today\s*(?:([+-])\s*(\d{1,5})\s*)?$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def answering_day(now: datetime | None = None) -> date:
    """The calendar day in Vietnam at ``now`` (default: this moment): the day a relative bound is counted from."""
    moment = now or datetime.now(UTC)
    return moment.astimezone(VIETNAM).date()


def is_relative(bound: object) -> bool:
    return isinstance(bound, str) and RELATIVE.match(bound) is not None


def offset_days(bound: str) -> int | None:
    """Days from the day of answering (``today - 30`` -> -30); None when ``bound`` is not relative."""
    match = RELATIVE.match(bound) if isinstance(bound, str) else None
    if match is None:
        return None
    sign, days = match.groups()
    return 0 if days is None else (-int(days) if sign == "-" else int(days))


def fixed_date(bound: object) -> date | None:
    """The ISO date ``YYYY-MM-DD`` a fixed bound names, or None when it is not one."""
    if not isinstance(bound, str) or not _ISO.match(bound):
        return None
    try:
        return date.fromisoformat(bound)
    except ValueError:
        return None


def resolve(bound: object, today: date | None = None) -> str | None:
    """The bound as an ISO date on ``today`` (default: the day of answering); None for no or an unreadable bound."""
    days = offset_days(bound) if isinstance(bound, str) else None
    if days is not None:
        return ((today or answering_day()) + timedelta(days=days)).isoformat()
    fixed = fixed_date(bound)
    return fixed.isoformat() if fixed else None
