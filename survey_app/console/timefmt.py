"""Times a person reads are shown in Vietnam time, with the zone written out."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def vietnam_time(moment: datetime | None) -> str:
    """``2026-11-29 08:00 (UTC+07:00)``; stored times without a zone are UTC (SQLite drops it)."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(VIETNAM).strftime("%Y-%m-%d %H:%M (UTC+07:00)")
