"""The audit log: staff actions recorded beside the change they record (same transaction), never respondents'."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, select

from survey_app.extensions import db
from survey_app.models import AuditEntry, StaffUser

# Every action the console or the shell records; the admin's filter offers these.
ACTIONS = (
    "login", "login_failed", "logout", "password_changed", "user_created", "user_disabled", "frame_imported",
    "survey_created", "survey_opened", "survey_closed", "survey_extended", "codes_issued", "code_revoked",
    "invitation_marked", "export", "letters_printed", "token_created", "token_revoked",
    "paper_form_stored", "paper_discrepancy_resolved",
    "paper_double_entry_set",
)
CLI_ACTOR = "cli"


def record(action: str, actor: StaffUser | str | None, target: str | None = None, detail: str | None = None):
    """Add one entry (flushed with the change it describes, committed by the caller with it)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if isinstance(actor, StaffUser):
        entry = AuditEntry(actor=actor.email, actor_id=actor.id, action=action, target=target, detail=detail)
    else:
        entry = AuditEntry(actor=(actor or CLI_ACTOR)[:254], action=action, target=target, detail=detail)
    db.session.add(entry)
    db.session.flush()
    return entry


def query(action: str | None = None, actor: str | None = None, since: date | None = None,
          until: date | None = None) -> Select:
    """Entries newest first, filtered by action, actor (part of the e-mail) and days (UTC, both included)."""
    statement = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if action:
        statement = statement.where(AuditEntry.action == action)
    if actor:
        statement = statement.where(AuditEntry.actor.contains(actor.strip().lower()))
    if since:
        statement = statement.where(AuditEntry.at >= datetime.combine(since, time.min, UTC))
    if until:
        statement = statement.where(AuditEntry.at < datetime.combine(until + timedelta(days=1), time.min, UTC))
    return statement


def entries(limit: int | None = None, **filters) -> Sequence[AuditEntry]:
    statement = query(**filters)
    if limit:
        statement = statement.limit(limit)
    return db.session.scalars(statement).all()
