"""open311 citizen comments: comments on a request sent by clients (FixMyStreet's POST servicerequestupdates)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 01:40:00

"""
from alembic import op
import sqlalchemy as sa

from app.db_types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('open311_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tip_id', sa.Integer(), nullable=False),
    sa.Column('key_id', sa.Integer(), nullable=False),
    sa.Column('client_update_id', sa.String(length=64), nullable=True),
    sa.Column('received_at', UTCDateTime(), nullable=False),
    sa.Column('client_datetime', UTCDateTime(), nullable=True),
    sa.Column('client_status', sa.String(length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('media_url', sa.String(length=1000), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('published_event_id', sa.Integer(), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("description <> '' OR media_url <> ''", name=op.f('ck_open311_comments_has_content')),
    sa.CheckConstraint('(published_event_id IS NULL) = (published_by_id IS NULL)',
                       name=op.f('ck_open311_comments_published_by_someone')),
    sa.ForeignKeyConstraint(['tip_id'], ['tips.id'], name=op.f('fk_open311_comments_tip_id_tips')),
    sa.ForeignKeyConstraint(['key_id'], ['open311_keys.id'], name=op.f('fk_open311_comments_key_id_open311_keys')),
    sa.ForeignKeyConstraint(['event_id'], ['tip_events.id'], name=op.f('fk_open311_comments_event_id_tip_events')),
    sa.ForeignKeyConstraint(['published_event_id'], ['tip_events.id'],
                            name=op.f('fk_open311_comments_published_event_id_tip_events')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_open311_comments_published_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_open311_comments')),
    sa.UniqueConstraint('key_id', 'client_update_id', name=op.f('uq_open311_comments_key_id_client_update_id')),
    sa.UniqueConstraint('published_event_id', name=op.f('uq_open311_comments_published_event_id'))
    )
    with op.batch_alter_table('open311_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_open311_comments_tip_id'), ['tip_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_open311_comments_key_id'), ['key_id'], unique=False)


def downgrade():
    with op.batch_alter_table('open311_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_open311_comments_key_id'))
        batch_op.drop_index(batch_op.f('ix_open311_comments_tip_id'))
    op.drop_table('open311_comments')
