"""export jobs: the console's record of each export (requester, format, progress, file, expiry)

Revision ID: e7a2c4b91d05
Revises: e4b8d2c6a7f1
Create Date: 2026-11-30 02:00:00

Huey runs and retries the export; this table is what the console lists and who may download the file.
"""
from alembic import op
import sqlalchemy as sa


revision = 'e7a2c4b91d05'
down_revision = 'e4b8d2c6a7f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('export_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_by', sa.String(length=254), nullable=False),
    sa.Column('format', sa.String(length=4), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('rows_done', sa.Integer(), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.Column('folder', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("format IN ('csv', 'xlsx', 'sav', 'dta')", name=op.f('ck_export_job_format')),
    sa.CheckConstraint("language IN ('vi', 'en')", name=op.f('ck_export_job_language')),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed', 'expired')",
                       name=op.f('ck_export_job_status')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['staff_user.id'],
                            name=op.f('fk_export_job_requested_by_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_export_job_survey_id_survey'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_job'))
    )
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_job_requested_by_id'), ['requested_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_export_job_survey_id'), ['survey_id'], unique=False)


def downgrade():
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_job_survey_id'))
        batch_op.drop_index(batch_op.f('ix_export_job_requested_by_id'))
    op.drop_table('export_job')
