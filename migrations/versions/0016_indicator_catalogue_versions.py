"""indicator catalogues: what is unconfirmed in each version (a note per catalogue, flagged cells per row)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 05:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('indicator_catalogues', schema=None) as batch_op:
        for locale in ('zh_hans', 'zh_hant', 'en'):
            batch_op.add_column(sa.Column(f'note_{locale}', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unconfirmed', sa.String(length=100), nullable=False, server_default=''))
        for locale in ('zh_hans', 'zh_hant', 'en'):
            batch_op.add_column(sa.Column(f'source_note_{locale}', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('indicator_measures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unconfirmed', sa.String(length=40), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('indicator_measures', schema=None) as batch_op:
        batch_op.drop_column('unconfirmed')
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        for locale in ('en', 'zh_hant', 'zh_hans'):
            batch_op.drop_column(f'source_note_{locale}')
        batch_op.drop_column('unconfirmed')
    with op.batch_alter_table('indicator_catalogues', schema=None) as batch_op:
        for locale in ('en', 'zh_hant', 'zh_hans'):
            batch_op.drop_column(f'note_{locale}')
