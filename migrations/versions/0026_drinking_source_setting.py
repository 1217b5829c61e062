"""drinking-water sources: a surface source lies on a river or on a lake or reservoir (GB 3838-2002's stricter
total phosphorus limits for 湖、库); sources recorded before are rivers, as they were judged

Revision ID: 0026
Revises: 0024
Create Date: 2026-12-07 14:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0035'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('drinking_sources', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body', sa.String(length=8), nullable=True))
    op.execute("UPDATE drinking_sources SET body = 'river' WHERE kind = 'surface'")
    with op.batch_alter_table('drinking_sources', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_drinking_sources_body_valid'),
                                         "body IS NULL OR body IN ('river', 'lake')")
        batch_op.create_check_constraint(batch_op.f('ck_drinking_sources_body_for_surface_only'),
                                         "(kind = 'surface') = (body IS NOT NULL)")


def downgrade():
    with op.batch_alter_table('drinking_sources', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_drinking_sources_body_for_surface_only'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_drinking_sources_body_valid'), type_='check')
        batch_op.drop_column('body')
