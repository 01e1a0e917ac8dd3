"""response: record before answers (SQLite), so that an export mostly stays off the answers' overflow pages

Revision ID: 0c7785ac1582
Revises: a9d3e5f7b1c2
Create Date: 2026-11-30 07:30:00

``response`` is a WITHOUT ROWID table on SQLite (rows in random key order, for anonymity). In such a table a row
keeps at most about 489-1002 bytes on its 4 KB leaf page and the rest goes to a chain of overflow pages. The
answers (JSON, about 800 bytes) came before ``record`` (about 250-350 bytes, added last by a9d3e5f7b1c2 with ADD
COLUMN), so ``record`` lay in the overflow part of nearly every row, and an export, which reads id, unit, group,
mode, day and record but never the answers, followed every row's overflow chain. Measured on 100,000 responses
(``benchmarks/export.py``'s database): ``SELECT id, unit_id, group_id, mode, submitted_on, record FROM response
WHERE survey_id+0 = 1`` took 0.47 s, the same without ``record`` 0.09 s. This revision rebuilds the table with
the short columns first and ``answers`` last (id, survey_id, questionnaire_version_id, unit_id, group_id, mode,
submitted_on, record, submission_id, answers), so that what an export reads comes first. A row that overflows keeps
only its first ~489 bytes on the leaf page, about 100 of them the short columns: a record up to ~380 bytes now lies
wholly on the leaf page, a longer one still reaches the first overflow page (never the rest of the chain). On the
benchmark's database (records of 270-751 bytes, 42% of rows still reaching an overflow page) the SELECT above went
from 0.40 s to 0.27 s (0.09 s without record) and the CSV export of 100,000 responses from 3.0-3.4 s to 2.9-3.0 s.
The old pages go to the file's free list (a 450 MB database became 865 MB): later inserts reuse them, VACUUM
returns them.

SQLite cannot move a column, so the table is rebuilt as its documented procedure says: CREATE TABLE response_new
(same constraints and names, WITHOUT ROWID), INSERT ... SELECT, DROP TABLE response, RENAME, CREATE INDEX. Not
alembic's batch mode, whose copy loses WITHOUT ROWID. The copy is in key order, which is what a WITHOUT ROWID table
stores anyway: no submission order appears. ``response_identity.response_id`` references response(id) ON DELETE
CASCADE: with foreign keys enforced, DROP TABLE response would delete every identity row. The application never
enforces them on SQLite (``survey_app/sqlite_pragmas.py`` sets none; SQLite's default is off); a connection that
does has them switched off for the rebuild, which is only possible outside a transaction, and back on after it.
The rebuild runs in one transaction of its own and checks that every response and identity row is still there and
that no identity row points at a missing response, or rolls back.

PostgreSQL: nothing to do. Its rows have no per-page local payload limit: a row of this size lies whole on one heap
page (values over about 2 KB go to TOAST, which a query not reading them never touches), so reading ``record`` after
``answers`` costs a length skip, not page reads; reordering would mean rewriting the table and its keys for nothing.

Downgrade rebuilds the table in the previous order (record last) on SQLite, the same way.
"""
from alembic import op

revision = '0c7785ac1582'
down_revision = 'a9d3e5f7b1c2'
branch_labels = None
depends_on = None

# The column definitions as SQLAlchemy created them (8ae39db53043, record by a9d3e5f7b1c2).
COLUMNS = {
    'id': 'id CHAR(32) NOT NULL',
    'survey_id': 'survey_id INTEGER NOT NULL',
    'questionnaire_version_id': 'questionnaire_version_id INTEGER NOT NULL',
    'unit_id': 'unit_id INTEGER NOT NULL',
    'group_id': 'group_id INTEGER',
    'mode': 'mode VARCHAR(10) NOT NULL',
    'answers': 'answers JSON NOT NULL',
    'submitted_on': 'submitted_on DATE NOT NULL',
    'submission_id': 'submission_id CHAR(32) NOT NULL',
    'record': 'record TEXT',
}
CONSTRAINTS = (
    'CONSTRAINT pk_response PRIMARY KEY (id)',
    "CONSTRAINT ck_response_mode CHECK (mode IN ('online', 'paper'))",
    'CONSTRAINT fk_response_group_id_respondent_group FOREIGN KEY(group_id) REFERENCES respondent_group (id)',
    'CONSTRAINT fk_response_questionnaire_version_id_questionnaire_version FOREIGN KEY(questionnaire_version_id) '
    'REFERENCES questionnaire_version (id)',
    'CONSTRAINT fk_response_survey_id_survey FOREIGN KEY(survey_id) REFERENCES survey (id)',
    'CONSTRAINT fk_response_unit_id_unit FOREIGN KEY(unit_id) REFERENCES unit (id)',
    'CONSTRAINT uq_response_submission_id UNIQUE (submission_id)',
)
# 8ae39db53043, e4b8d2c6a7f1 and a8d3e5f1c927; DROP TABLE takes them with it.
INDEXES = (
    'CREATE INDEX ix_response_survey_id ON response (survey_id)',
    'CREATE INDEX ix_response_unit_id ON response (unit_id)',
    'CREATE INDEX ix_response_participation ON response (survey_id, mode, unit_id, group_id, submitted_on)',
    'CREATE INDEX ix_response_days ON response (survey_id, submitted_on, unit_id)',
)
RECORD_BEFORE_ANSWERS = ('id', 'survey_id', 'questionnaire_version_id', 'unit_id', 'group_id', 'mode',
                         'submitted_on', 'record', 'submission_id', 'answers')
RECORD_LAST = ('id', 'survey_id', 'questionnaire_version_id', 'unit_id', 'group_id', 'mode', 'answers',
               'submitted_on', 'submission_id', 'record')


def upgrade():
    _rebuild(RECORD_BEFORE_ANSWERS)


def downgrade():
    _rebuild(RECORD_LAST)


def _rebuild(order):
    """Rebuild ``response`` (SQLite only) with its columns in ``order``, keeping rows, constraints and indexes."""
    conn = op.get_bind()
    if conn.dialect.name != 'sqlite':
        return
    sql = conn.exec_driver_sql
    enforced = bool(sql('PRAGMA foreign_keys').scalar())
    if enforced:
        sql('PRAGMA foreign_keys = OFF')  # a no-op inside a transaction: then the check below refuses
        if sql('PRAGMA foreign_keys').scalar():
            raise RuntimeError('response cannot be rebuilt with foreign keys enforced (DROP TABLE would delete '
                               'every response_identity row) and they cannot be switched off inside a transaction')
    own = not conn.connection.dbapi_connection.in_transaction
    if own:
        sql('BEGIN')  # else CREATE TABLE would commit on its own (pysqlite begins only before DML)
    try:
        before = _counts(sql)
        columns = ', '.join(order)
        sql('CREATE TABLE response_new (\n\t' + ', \n\t'.join([COLUMNS[c] for c in order] + list(CONSTRAINTS))
            + '\n) WITHOUT ROWID')
        sql(f'INSERT INTO response_new ({columns}) SELECT {columns} FROM response')
        sql('DROP TABLE response')
        sql('ALTER TABLE response_new RENAME TO response')
        for index in INDEXES:
            sql(index)
        after = _counts(sql)
        dangling = [row for row in sql('PRAGMA foreign_key_check(response_identity)') if row[2] == 'response']
        if after != before or dangling:
            raise RuntimeError(f'rebuilding response lost rows: (responses, identities) {before} -> {after}, '
                               f'identities without a response: {len(dangling)}')
        if own:
            sql('COMMIT')
    except BaseException:
        if own:
            sql('ROLLBACK')
        raise
    finally:
        if enforced:
            sql('PRAGMA foreign_keys = ON')  # outside the transaction again, so it takes effect


def _counts(sql):
    return (sql('SELECT count(*) FROM response').scalar(), sql('SELECT count(*) FROM response_identity').scalar())
