"""places: the Qinghai–Tibet Plateau attribute; notices: the catalogue period a publication is for

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 05:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plateau', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.alter_column('plateau', server_default=None)
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('period', sa.String(length=7), nullable=True))


def downgrade():
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_column('period')
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.drop_column('plateau')
