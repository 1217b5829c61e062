"""indicator measures computed one by one (provider), and the measures holding the higher authority's targets (target_of)

Revision ID: 0029
Revises: 0024
Create Date: 2026-12-07 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('indicator_measures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('provider', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('target_of_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_indicator_measures_target_of_id_indicator_measures'),
                                    'indicator_measures', ['target_of_id'], ['id'])
        batch_op.create_unique_constraint(batch_op.f('uq_indicator_measures_target_of_id'), ['target_of_id'])
        batch_op.create_check_constraint(batch_op.f('ck_indicator_measures_computed_or_target'),
                                         'provider IS NULL OR target_of_id IS NULL')


def downgrade():
    with op.batch_alter_table('indicator_measures', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_indicator_measures_computed_or_target'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_indicator_measures_target_of_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_indicator_measures_target_of_id_indicator_measures'),
                                 type_='foreignkey')
        batch_op.drop_column('target_of_id')
        batch_op.drop_column('provider')
