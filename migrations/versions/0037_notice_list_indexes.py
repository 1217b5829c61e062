"""notices: the public list's indexes carry the state and the filtered columns, so that a page's ids are read
from an index alone (measured on 100k notices: a deep page 20 ms → 0.3 ms, a category and year 50 ms → 6 ms)

Revision ID: 0037
Revises: 0026
Create Date: 2026-12-07 18:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0037'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index('ix_notices_published_order')
        batch_op.drop_index('ix_notices_created_on')
        batch_op.create_index('ix_notices_public_order',
                              ['published_at', 'id', 'state', 'category_id', 'bureau_id'], unique=False)
        batch_op.create_index('ix_notices_public_created',
                              ['created_on', 'published_at', 'state', 'category_id', 'bureau_id'], unique=False)


def downgrade():
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index('ix_notices_public_created')
        batch_op.drop_index('ix_notices_public_order')
        batch_op.create_index('ix_notices_created_on', ['created_on'], unique=False)
        batch_op.create_index('ix_notices_published_order', ['published_at', 'id'], unique=False)
