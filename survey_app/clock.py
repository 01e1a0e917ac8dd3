"""The app's clock in UTC: today's date for rows that keep a day (never a time), and stored times made aware."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utc_today() -> date:
    """Today in UTC: the only day the app writes (submission and issue dates)."""
    return datetime.now(UTC).date()


def as_utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime; SQLite returns stored UTC times without their zone."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
