"""SQLite as the embedded default must take a survey's load: WAL and a long busy timeout on every connection.

With the rollback journal a writer locks out readers and the default 5 s wait ran out under 320 concurrent
respondents ("database is locked": a page's answers lost). In WAL mode readers never wait for the writer, and
writers queue for up to ``SQLITE_BUSY_TIMEOUT_MS`` instead of failing. Set on every new connection of any engine,
so test apps, the CLI and every worker get it too. PostgreSQL connections are left alone.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 60_000


@event.listens_for(Engine, "connect")
def _configure(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")  # persistent in the file; a no-op for :memory:
    finally:
        cursor.close()
