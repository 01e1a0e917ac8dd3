"""Serialising the few decisions that must not race, in the database, without writing a row version.

Revoking a code and submitting it, or the last places of an open link's quota, are decided "check, then write":
two transactions must not both check before either writes. A ``SELECT ... FOR UPDATE`` on the invitation would
do it on PostgreSQL, but it stamps the invitation's row with the locking transaction's id (``xmax``): done in the
submit transaction, that stamp would join the invitation to the response. So:

- PostgreSQL: ``pg_advisory_xact_lock`` on a number derived from what is decided; held in memory only, released at
  commit or rollback, nothing written to a page or the WAL.
- SQLite: the database's single write lock, taken first (``BEGIN IMMEDIATE``), so that the checks that follow read
  the latest committed state and no other writer can commit until this transaction ends (WAL readers go on).

Call :func:`serialise` before the checks it protects. An invitation is locked by its pseudonym (its spent key),
not its id, so that even a live look at ``pg_locks`` during a submit does not name the invitation.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import text

from survey_app.extensions import db


def serialise(subject: str, *ids: int | str) -> None:
    """Wait until no other transaction holds the lock for ``subject`` and ``ids``, then hold it until this one ends."""
    connection = db.session.connection()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_number(subject, *ids)})
    elif dialect == "sqlite":
        raw = connection.connection.dbapi_connection
        if not raw.in_transaction:  # already writing: this transaction holds the write lock
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def lock_number(subject: str, *ids: int | str) -> int:
    """A signed 64-bit number for ``subject`` and ``ids`` (PostgreSQL's advisory locks take one bigint)."""
    digest = hashlib.sha256(":".join([subject, *map(str, ids)]).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)
