"""survey contact for respondents' error pages; resume codes of open-link drafts

Revision ID: 5a7c1e9d2b40
Revises: 8ae39db53043
Create Date: 2026-11-29 22:30:00

``survey.contact``: who respondents can reach when a page says something went wrong (optional, shown as typed).
``draft.resume_code_hash``: the SHA-256 of the resume code an open-link respondent was given on "save and continue
later"; it lives on the draft only, so it disappears with the draft when the answers are submitted.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5a7c1e9d2b40'
down_revision = '8ae39db53043'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact', sa.String(length=300), nullable=True))
    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resume_code_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_draft_resume_code_hash'), ['resume_code_hash'])


def downgrade():
    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_draft_resume_code_hash'), type_='unique')
        batch_op.drop_column('resume_code_hash')
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_column('contact')
