"""indicator generation counter: the stamp the public indicator pages cache their judgements under

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 00:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('indicator_generations',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_generations'))
    )


def downgrade():
    op.drop_table('indicator_generations')
