"""response export record: each response's export values, computed once when it is stored

Revision ID: a9d3e5f7b1c2
Revises: a8d3e5f1c927
Create Date: 2026-11-30 04:30:00

A nullable text column ``response.record`` holds the response's values in the export's variables (a JSON array
whose first element is the record format), written when the response is stored, so that an export of 100,000
responses decodes short arrays instead of re-deriving every value from the answers. It holds nothing the answers
do not: the same values, after relevance and coding. Responses stored before this revision keep NULL and are
exported from their answers, as before (no backfill: the values are the application's rule, which a migration
must not copy). Downgrade drops the column.
"""
import sqlalchemy as sa
from alembic import op

revision = 'a9d3e5f7b1c2'
down_revision = 'a8d3e5f1c927'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('response', sa.Column('record', sa.Text(), nullable=True))


def downgrade():
    # a plain DROP COLUMN (SQLite 3.35+): a batch copy of the table would lose its WITHOUT ROWID
    op.drop_column('response', 'record')
