"""The app's clock in UTC: today's date for rows that keep a day (never a time), stored times made aware, and the
database's own clock, which judges when surveys open and close.

Several app servers (and the worker) each have their own clock, and one of them running minutes or hours wrong
would open or close a survey early for the respondents it serves. The database is the one clock they all share, so
"is this survey open?" is asked of it: :data:`DATABASE_NOW` is an SQL expression of the database's current time,
read with every survey row (:attr:`survey_app.models.Survey.database_time`, no extra round trip on a respondent's
page), and :func:`database_now` reads it alone (one tiny ``SELECT``) where no survey row is being read anyway.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import String, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

from survey_app.extensions import db


def utc_today() -> date:
    """Today in UTC: the only day the app writes (submission and issue dates)."""
    return datetime.now(UTC).date()


def as_utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime; SQLite returns stored UTC times without their zone."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class _UtcMoment(TypeDecorator):
    """The database's time as an aware UTC datetime, whatever shape the driver hands it back in."""

    impl = String
    cache_ok = True

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):  # SQLite: 'YYYY-MM-DD HH:MM:SS.SSS', in UTC
            return datetime.fromisoformat(value).replace(tzinfo=UTC)
        return as_utc(value)


class _DatabaseNow(FunctionElement):
    """The database's current time (PostgreSQL: the transaction's start, constant within it)."""

    type = _UtcMoment()
    inherit_cache = True


@compiles(_DatabaseNow)
def _database_now_sql(element, compiler, **kw) -> str:
    return "CURRENT_TIMESTAMP"


@compiles(_DatabaseNow, "sqlite")
def _database_now_sqlite(element, compiler, **kw) -> str:
    # SQLite's CURRENT_TIMESTAMP is UTC but whole seconds; %f keeps the milliseconds, so a survey opened "now"
    # is open for the very next request rather than after the next full second.
    return "strftime('%Y-%m-%d %H:%M:%f', 'now')"


DATABASE_NOW = _DatabaseNow()


def database_now() -> datetime:
    """The database's current time, as an aware UTC datetime (one ``SELECT``)."""
    return db.session.scalar(select(DATABASE_NOW))
