"""pseudonymous drafts and spent-invitation markers: no row names the invitation a respondent is answering for

Revision ID: e4b8d2c6a7f1
Revises: b7d2f4a6c810
Create Date: 2026-11-30 02:00:00

``draft.invitation_id`` (the invitation beside the answers, readable in a dead row version on PostgreSQL after
submit) becomes ``draft.invitation_key`` = HMAC-SHA256(pseudonym key, "draft:<code hash>"); ``draft.submission_id``
(which the response reused) goes. A new table ``spent_invitation`` marks completed invitations by
HMAC-SHA256(pseudonym key, "spent:<code hash>"). The invitation row records only issued or revoked.

Existing data is converted with the application's pseudonym key (``PARSURVEY_PSEUDONYM_KEY`` or the instance
folder's ``pseudonym_key``, read through the app that runs the migration, as ``parsurvey db upgrade`` does): drafts
in progress keep their answers under their new key; invitations that were started and have no draft (= completed)
get their spent marker; drafts of revoked invitations are deleted; 'started' invitations are recorded as issued.
Downgrade keeps drafts and completions the same way, in reverse.
"""
import hashlib
import hmac
import uuid

import sqlalchemy as sa
from alembic import op
from flask import current_app

revision = 'e4b8d2c6a7f1'
down_revision = 'b7d2f4a6c810'
branch_labels = None
depends_on = None


def _pseudonym(purpose, code_hash):
    """As survey_app.pseudonyms computes it (copied: a migration must not change when the app's code does)."""
    key = current_app.config["PSEUDONYM_KEY"]
    return hmac.new(key.encode(), f"{purpose}:{code_hash}".encode(), hashlib.sha256).hexdigest()


def upgrade():
    op.create_table('spent_invitation',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['respondent_group.id'],
                            name=op.f('fk_spent_invitation_group_id_respondent_group')),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_spent_invitation_survey_id_survey')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_spent_invitation_unit_id_unit')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_spent_invitation'))
    )
    with op.batch_alter_table('spent_invitation', schema=None) as batch_op:
        batch_op.create_index('ix_spent_invitation_participation', ['survey_id', 'unit_id', 'group_id', 'mode'],
                                unique=False)
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.create_index('ix_response_participation', ['survey_id', 'mode', 'unit_id', 'group_id', 'submitted_on'],
                                unique=False)
    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invitation_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('partial', sa.Boolean(), nullable=True))

    conn = op.get_bind()
    conn.execute(sa.text("DELETE FROM draft WHERE invitation_id IN (SELECT id FROM invitation WHERE status = 'revoked')"))
    drafts = conn.execute(sa.text(
        "SELECT draft.id, invitation.code_hash FROM draft JOIN invitation ON draft.invitation_id = invitation.id"
    )).all()
    for draft_id, code_hash in drafts:
        conn.execute(sa.text("UPDATE draft SET invitation_key = :key WHERE id = :id"),
                     {"key": _pseudonym("draft", code_hash), "id": draft_id})
    completed = conn.execute(sa.text(
        "SELECT code_hash, survey_id, unit_id, group_id FROM invitation WHERE status = 'completed' OR "
        "(status = 'started' AND NOT EXISTS (SELECT 1 FROM draft WHERE draft.invitation_id = invitation.id))"
    )).all()
    if completed:
        conn.execute(sa.text("INSERT INTO spent_invitation (key, survey_id, unit_id, group_id, mode) "
                             "VALUES (:key, :survey_id, :unit_id, :group_id, 'online')"),
                     [{"key": _pseudonym("spent", code_hash), "survey_id": survey_id, "unit_id": unit_id,
                       "group_id": group_id} for code_hash, survey_id, unit_id, group_id in completed])
    conn.execute(sa.text("UPDATE invitation SET status = 'issued' WHERE status IN ('started', 'completed')"))

    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_draft_invitation_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_draft_submission_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_draft_invitation_id_invitation'), type_='foreignkey')
        batch_op.create_unique_constraint(batch_op.f('uq_draft_invitation_key'), ['invitation_key'])
        batch_op.drop_column('invitation_id')
        batch_op.drop_column('submission_id')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_invitation_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_invitation_status'), "status IN ('issued', 'revoked')")


def downgrade():
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_invitation_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_invitation_status'),
                                         "status IN ('issued', 'started', 'completed', 'revoked')")
    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invitation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('submission_id', sa.Uuid(), nullable=True))

    conn = op.get_bind()
    invitations = conn.execute(sa.text("SELECT id, code_hash FROM invitation WHERE status = 'issued'")).all()
    drafts = {key: draft_id for draft_id, key in conn.execute(
        sa.text("SELECT id, invitation_key FROM draft WHERE invitation_key IS NOT NULL"))}
    spent = set(conn.execute(sa.text("SELECT key FROM spent_invitation")).scalars())
    for invitation_id, code_hash in invitations:
        draft_id = drafts.get(_pseudonym("draft", code_hash))
        if draft_id is not None:
            conn.execute(sa.text("UPDATE draft SET invitation_id = :i WHERE id = :d"), {"i": invitation_id, "d": draft_id})
        if draft_id is not None or _pseudonym("spent", code_hash) in spent:
            conn.execute(sa.text("UPDATE invitation SET status = 'started' WHERE id = :i"), {"i": invitation_id})
    conn.execute(sa.text("DELETE FROM draft WHERE invitation_key IS NOT NULL AND invitation_id IS NULL"))
    for (draft_id,) in conn.execute(sa.text("SELECT id FROM draft")).all():
        conn.execute(sa.text("UPDATE draft SET submission_id = :s WHERE id = :d"),
                     {"s": uuid.uuid4() if conn.dialect.name == "postgresql" else uuid.uuid4().hex, "d": draft_id})

    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_draft_invitation_key'), type_='unique')
        batch_op.drop_column('invitation_key')
        batch_op.drop_column('partial')
        batch_op.alter_column('submission_id', existing_type=sa.Uuid(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_draft_invitation_id'), ['invitation_id'])
        batch_op.create_unique_constraint(batch_op.f('uq_draft_submission_id'), ['submission_id'])
        batch_op.create_foreign_key(batch_op.f('fk_draft_invitation_id_invitation'), 'invitation',
                                    ['invitation_id'], ['id'])
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index('ix_response_participation')
    with op.batch_alter_table('spent_invitation', schema=None) as batch_op:
        batch_op.drop_index('ix_spent_invitation_participation')
    op.drop_table('spent_invitation')
