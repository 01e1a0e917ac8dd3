"""Wiping the database's own memory of when rows were written (run it daily, e.g. from cron, while collecting).

PostgreSQL stamps every row version with the id of the transaction that wrote it (``xmin``, a clock in all
but name) and stores new rows one after another (``ctid``). An invitation's first visit and its response's
submit are usually minutes apart, so ordering both tables by ``xmin`` could pair them. Scrubbing rewrites
every response, invitation and spent session in one transaction (one shared ``xmin``) and re-clusters the
tables by their keys (random for responses), so neither stamps nor physical order say more than
``submitted_on``'s day. SQLite keeps no transaction stamps and stores responses in key order (WITHOUT
ROWID); there a ``VACUUM`` only clears the space freed by deleted drafts.

Unlike the other services this one manages its transactions itself: CLUSTER and VACUUM require it.
"""

from __future__ import annotations

from sqlalchemy import text

from survey_app.extensions import db

SCRUBBED = {"response": "mode = mode", "invitation": "status = status", "spent_session": "survey_id = survey_id",
            "spent_invitation": "survey_id = survey_id"}
CLUSTERED = {"response": "pk_response", "invitation": "pk_invitation", "spent_session": "pk_spent_session",
             "spent_invitation": "pk_spent_invitation", "draft": "pk_draft"}


def scrub_row_history() -> str:
    """Rewrite the rows that could be ordered against each other; returns what was done, for the log."""
    db.session.commit()
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table, assignment in SCRUBBED.items():
                conn.execute(text(f"UPDATE {table} SET {assignment}"))  # noqa: S608  (fixed names)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table, index in CLUSTERED.items():
                conn.execute(text(f"CLUSTER {table} USING {index}"))
                conn.execute(text(f"ANALYZE {table}"))
        return "rewrote responses, invitations and spent sessions in one transaction and re-clustered them by key"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM"))
    return "vacuumed the SQLite file (responses are already stored in random key order)"
