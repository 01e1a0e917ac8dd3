"""Recording that a personal code was opened: once, under a pseudonym, in a transaction of its own.

Issue 9 asks the console for "opened" beside started and completed, and AAPOR needs it: a respondent who opened
the letter's link and left without saving a page broke off (R); one who never opened it was never reached (NC).
The redesign that keeps the invitation row untouched by respondents lost that distinction, because a visit that
saves nothing wrote nothing. Here a first visit writes one row, :class:`~survey_app.models.OpenedInvitation`,
keyed by :func:`~survey_app.pseudonyms.opened_key`, so it names no invitation for whoever holds only the database.

It is written on a connection of its own and committed at once, never in the request's transaction: on PostgreSQL
its ``xmin`` is then the id of a transaction that wrote nothing else (no draft, no response); and a later submit
does not touch it. ``INSERT ... ON CONFLICT DO NOTHING`` on the primary key makes two first visits racing each
other store one marker and raise nothing. A revoked code gets none: the insert reads the invitation's status in
its own statement, after taking the lock a revocation holds until it commits (PostgreSQL; SQLite's one writer
serialises them anyway), and revoking deletes a marker written before. Open links get no marker: a visit there
still stores nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import exists, literal, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from survey_app.extensions import db
from survey_app.models import Invitation, OpenedInvitation
from survey_app.pseudonyms import opened_key, spent_key
from survey_app.services.locks import lock_number

_INSERT = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


def record_opening(invitations: Invitation | Iterable[Invitation]) -> None:
    """Mark ``invitations`` opened unless they are (their :attr:`~Invitation.opened` as loaded says so).

    Call it before the request writes anything: the markers are committed on another connection, and on SQLite a
    request already holding the write lock would make that connection wait for it.
    """
    found = [invitations] if isinstance(invitations, Invitation) else list(invitations)
    rows = [{"key": opened_key(i.code_hash), "survey_id": i.survey_id, "unit_id": i.unit_id, "group_id": i.group_id}
            for i in found if not i.opened]
    if not rows:
        return
    _check_nothing_written_yet()
    engine = db.engine
    dialect = engine.dialect.name
    with engine.begin() as connection:
        for invitation, row in zip([i for i in found if not i.opened], rows, strict=True):
            if dialect == "postgresql":  # revoking holds this lock until it commits (services.locks)
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                   {"key": lock_number("invitation", spent_key(invitation.code_hash))})
            not_revoked = select(*(literal(value) for value in row.values())).where(exists().where(
                Invitation.id == invitation.id, Invitation.recorded_status != "revoked"))
            connection.execute(_INSERT[dialect](OpenedInvitation).from_select(list(row), not_revoked)
                               .on_conflict_do_nothing(index_elements=["key"]))
    for invitation in found:
        invitation.opened = True
        if invitation.progress == "issued":
            invitation.progress = "opened"


def _check_nothing_written_yet() -> None:
    """Refuse to run after the request has written: on SQLite the marker's connection would wait for the write lock
    this very request holds (a minute's busy timeout, then an error), and the marker must not join its writes."""
    session = db.session()  # the request's Session itself (the scoped proxy lacks get_transaction)
    if session.get_transaction() is None:
        return
    raw = session.connection().connection.dbapi_connection
    if getattr(raw, "in_transaction", False) and session.get_bind().dialect.name == "sqlite":
        raise RuntimeError("record_opening must run before the request writes anything")
