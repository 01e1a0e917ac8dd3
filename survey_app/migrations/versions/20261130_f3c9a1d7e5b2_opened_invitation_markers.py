"""opened-invitation markers: a code's first visit is recorded under a pseudonym, never on the invitation row

Revision ID: f3c9a1d7e5b2
Revises: d4e8b2a6c310
Create Date: 2026-11-30 02:30:00

A new table ``opened_invitation`` marks invitations whose code was used at least once, keyed by
HMAC-SHA256(pseudonym key, "opened:<code hash>") and carrying only survey, unit and group (the participation
page counts them per unit and group; a visit that saves nothing is a break-off again, not a non-contact); a partial
index ``ix_invitation_marked`` lets the page read a survey's few marked cases without scanning its invitations.

Existing data: a visit before this revision left no trace, so an invitation opened without a saved page cannot be
found again and stays "not opened". Invitations already started (a draft) or completed (a spent marker) were
opened by definition and get their marker here, with the application's pseudonym key (read through the app that
runs the migration, as ``parsurvey db upgrade`` does), so that "opened" includes them. Those markers are written by
the migration's transaction, not a respondent's. Downgrade drops the table.
"""
import hashlib
import hmac

import sqlalchemy as sa
from alembic import op
from flask import current_app

revision = 'f3c9a1d7e5b2'
down_revision = 'd4e8b2a6c310'
branch_labels = None
depends_on = None


def _pseudonym(purpose, code_hash):
    """As survey_app.pseudonyms computes it (copied: a migration must not change when the app's code does)."""
    key = current_app.config["PSEUDONYM_KEY"]
    return hmac.new(key.encode(), f"{purpose}:{code_hash}".encode(), hashlib.sha256).hexdigest()


def upgrade():
    op.create_table('opened_invitation',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['respondent_group.id'],
                            name=op.f('fk_opened_invitation_group_id_respondent_group')),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_opened_invitation_survey_id_survey')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_opened_invitation_unit_id_unit')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_opened_invitation'))
    )
    with op.batch_alter_table('opened_invitation', schema=None) as batch_op:
        batch_op.create_index('ix_opened_invitation_participation', ['survey_id', 'unit_id', 'group_id'],
                              unique=False)

    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index('ix_invitation_marked', ['survey_id'], unique=False,
                              sqlite_where=sa.text('disposition IS NOT NULL'),
                              postgresql_where=sa.text('disposition IS NOT NULL'))

    conn = op.get_bind()
    drafted = set(conn.execute(sa.text("SELECT invitation_key FROM draft WHERE invitation_key IS NOT NULL")).scalars())
    spent = set(conn.execute(sa.text("SELECT key FROM spent_invitation")).scalars())
    if not drafted and not spent:
        return
    opened = [
        {"key": _pseudonym("opened", code_hash), "survey_id": survey_id, "unit_id": unit_id, "group_id": group_id}
        for code_hash, survey_id, unit_id, group_id in conn.execute(sa.text(
            "SELECT code_hash, survey_id, unit_id, group_id FROM invitation"))
        if _pseudonym("draft", code_hash) in drafted or _pseudonym("spent", code_hash) in spent
    ]
    if opened:
        conn.execute(sa.text("INSERT INTO opened_invitation (key, survey_id, unit_id, group_id) "
                             "VALUES (:key, :survey_id, :unit_id, :group_id)"), opened)


def downgrade():
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index('ix_invitation_marked')
    with op.batch_alter_table('opened_invitation', schema=None) as batch_op:
        batch_op.drop_index('ix_opened_invitation_participation')
    op.drop_table('opened_invitation')
