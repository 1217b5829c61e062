"""generation counters of the kept public pages (tips, notices), and the index the tip duplicate check reads its
window through

Revision ID: 0036
Revises: 0029
Create Date: 2026-12-07 15:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0036'
down_revision = '0034'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('public_generations',
                    sa.Column('name', sa.String(length=32), nullable=False),
                    sa.Column('generation', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('name', name=op.f('pk_public_generations')))
    with op.batch_alter_table('tips', schema=None) as batch_op:
        batch_op.create_index('ix_tips_district_submitted', ['district_id', 'submitted_at'], unique=False)


def downgrade():
    with op.batch_alter_table('tips', schema=None) as batch_op:
        batch_op.drop_index('ix_tips_district_submitted')
    op.drop_table('public_generations')
