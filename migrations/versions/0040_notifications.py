"""notifications: follows of cases, subscriptions by topic and district, events and every delivery

Revision ID: 0040
Revises: 0037
Create Date: 2026-12-07 17:41:47.647233

"""
from alembic import op
import sqlalchemy as sa

import app.db_types


# revision identifiers, used by Alembic.
revision = '0040'
down_revision = '0037'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification_follows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=16), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('address_hint', sa.String(length=80), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('consented_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('stopped_at', app.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("channel IN ('email', 'sms')", name=op.f('ck_notification_follows_channel_valid')),
    sa.CheckConstraint("subject IN ('tip', 'disclosure', 'registration', 'suggestion')", name=op.f('ck_notification_follows_subject_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_follows'))
    )
    with op.batch_alter_table('notification_follows', schema=None) as batch_op:
        batch_op.create_index('ix_notification_follows_subject', ['subject', 'subject_id'], unique=False)

    op.create_table('notification_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('address_hint', sa.String(length=80), nullable=False),
    sa.Column('address_digest', sa.String(length=64), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=True),
    sa.Column('wants_notices', sa.Boolean(), nullable=False),
    sa.Column('wants_heavy_pollution', sa.Boolean(), nullable=False),
    sa.Column('created_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', app.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('stopped_at', app.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("channel IN ('email', 'sms')", name=op.f('ck_notification_subscriptions_channel_valid')),
    sa.CheckConstraint('wants_notices OR wants_heavy_pollution', name=op.f('ck_notification_subscriptions_some_topic')),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_notification_subscriptions_place_id_places')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_subscriptions'))
    )
    with op.batch_alter_table('notification_subscriptions', schema=None) as batch_op:
        batch_op.create_index('ix_notification_subscriptions_address_digest', ['address_digest'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_subscriptions_place_id'), ['place_id'], unique=False)

    op.create_table('notification_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=16), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('topic', sa.String(length=16), nullable=True),
    sa.Column('place_id', sa.Integer(), nullable=True),
    sa.Column('subscription_id', sa.Integer(), nullable=True),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('created_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_notification_events_job_id_jobs')),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_notification_events_place_id_places')),
    sa.ForeignKeyConstraint(['subscription_id'], ['notification_subscriptions.id'], name=op.f('fk_notification_events_subscription_id_notification_subscriptions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_events'))
    )
    with op.batch_alter_table('notification_events', schema=None) as batch_op:
        batch_op.create_index('ix_notification_events_subject', ['subject', 'subject_id'], unique=False)

    op.create_table('notification_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('follow_id', sa.Integer(), nullable=True),
    sa.Column('subscription_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('address_hint', sa.String(length=80), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('provider_ref', sa.String(length=120), nullable=False),
    sa.Column('created_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', app.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("channel IN ('email', 'sms')", name=op.f('ck_notification_deliveries_channel_valid')),
    sa.CheckConstraint("state IN ('pending', 'sent', 'failed', 'dead', 'stopped')", name=op.f('ck_notification_deliveries_state_valid')),
    sa.CheckConstraint('(follow_id IS NULL) <> (subscription_id IS NULL)', name=op.f('ck_notification_deliveries_one_recipient')),
    sa.ForeignKeyConstraint(['event_id'], ['notification_events.id'], name=op.f('fk_notification_deliveries_event_id_notification_events')),
    sa.ForeignKeyConstraint(['follow_id'], ['notification_follows.id'], name=op.f('fk_notification_deliveries_follow_id_notification_follows')),
    sa.ForeignKeyConstraint(['subscription_id'], ['notification_subscriptions.id'], name=op.f('fk_notification_deliveries_subscription_id_notification_subscriptions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_deliveries')),
    sa.UniqueConstraint('event_id', 'follow_id', name='uq_notification_deliveries_event_follow'),
    sa.UniqueConstraint('event_id', 'subscription_id', name='uq_notification_deliveries_event_subscription')
    )
    with op.batch_alter_table('notification_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_deliveries_event_id'), ['event_id'], unique=False)
        batch_op.create_index('ix_notification_deliveries_state_created_at', ['state', 'created_at'], unique=False)



def downgrade():
    with op.batch_alter_table('notification_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_deliveries_state_created_at')
        batch_op.drop_index(batch_op.f('ix_notification_deliveries_event_id'))

    op.drop_table('notification_deliveries')
    with op.batch_alter_table('notification_events', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_events_subject')

    op.drop_table('notification_events')
    with op.batch_alter_table('notification_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_subscriptions_place_id'))
        batch_op.drop_index('ix_notification_subscriptions_address_digest')

    op.drop_table('notification_subscriptions')
    with op.batch_alter_table('notification_follows', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_follows_subject')

    op.drop_table('notification_follows')
