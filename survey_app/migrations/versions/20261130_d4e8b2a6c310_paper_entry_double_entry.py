"""paper entry in the console: forms being typed, each operator's entry; survey double entry

Revision ID: d4e8b2a6c310
Revises: e7a2c4b91d05
Create Date: 2026-11-30 01:30:00

Paper forms typed page by page in the console (``paper_form``, one per paper questionnaire, found again by a
prefixed hash of its code or by its entry number; ``paper_entry``, one per operator and pass, blind), deleted when
the form is stored as a response (an invitation completed on paper is counted by its spent marker, mode paper);
``survey.double_entry`` switches double entry per survey.
"""
from alembic import op
import sqlalchemy as sa


revision = 'd4e8b2a6c310'
down_revision = 'e7a2c4b91d05'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.add_column(sa.Column('double_entry', sa.Boolean(), server_default=sa.false(), nullable=False))

    op.create_table('paper_form',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('entry_number', sa.String(length=40), nullable=True),
    sa.Column('submission_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['respondent_group.id'], name=op.f('fk_paper_form_group_id_respondent_group')),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_paper_form_survey_id_survey')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_paper_form_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_form')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_paper_form_key_hash')),
    sa.UniqueConstraint('submission_id', name=op.f('uq_paper_form_submission_id'))
    )
    with op.batch_alter_table('paper_form', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_form_survey_id'), ['survey_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_paper_form_unit_id'), ['unit_id'], unique=False)

    op.create_table('paper_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Uuid(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=False),
    sa.Column('pass_number', sa.Integer(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('current_section', sa.String(length=80), nullable=True),
    sa.Column('finished', sa.Boolean(), nullable=False),
    sa.CheckConstraint('pass_number IN (1, 2)', name=op.f('ck_paper_entry_pass_number')),
    sa.ForeignKeyConstraint(['form_id'], ['paper_form.id'], name=op.f('fk_paper_entry_form_id_paper_form'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['operator_id'], ['staff_user.id'], name=op.f('fk_paper_entry_operator_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_entry')),
    sa.UniqueConstraint('form_id', 'operator_id', name='uq_paper_entry_form_operator'),
    sa.UniqueConstraint('form_id', 'pass_number', name='uq_paper_entry_form_pass')
    )
    with op.batch_alter_table('paper_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_entry_form_id'), ['form_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_paper_entry_operator_id'), ['operator_id'], unique=False)


def downgrade():
    with op.batch_alter_table('paper_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paper_entry_operator_id'))
        batch_op.drop_index(batch_op.f('ix_paper_entry_form_id'))
    op.drop_table('paper_entry')
    with op.batch_alter_table('paper_form', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paper_form_unit_id'))
        batch_op.drop_index(batch_op.f('ix_paper_form_survey_id'))
    op.drop_table('paper_form')
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_column('double_entry')
