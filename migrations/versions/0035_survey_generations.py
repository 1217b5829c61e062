"""survey generation counter: the stamp the public survey pages cache their rendered fragments under

Revision ID: 0035
Revises: 0029
Create Date: 2026-12-07 00:35:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0035'
down_revision = '0036'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_generations',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_generations'))
    )


def downgrade():
    op.drop_table('survey_generations')
