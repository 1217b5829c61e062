"""notices: disclosure notices, their categories, attachments, revisions and history, the disclosure catalogue,
and full-text search

Search objects live outside the models (app/notices/search.py keeps them in sync): on SQLite an FTS5 table
with the trigram tokenizer, on PostgreSQL the pg_trgm extension and a GIN trigram index for ILIKE.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 00:15:02.168823

"""
from alembic import op
import sqlalchemy as sa

import app.db_types


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notice_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('name_zh_hans', sa.String(length=100), nullable=False),
    sa.Column('name_zh_hant', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=150), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['notice_categories.id'], name=op.f('fk_notice_categories_parent_id_notice_categories')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_categories')),
    sa.UniqueConstraint('code', name=op.f('uq_notice_categories_code'))
    )
    op.create_table('disclosure_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('bureau_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('name_zh_hans', sa.String(length=200), nullable=False),
    sa.Column('name_zh_hant', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=False),
    sa.Column('schedule', sa.String(length=16), nullable=False),
    sa.Column('due_day', sa.Integer(), nullable=True),
    sa.Column('working_days', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint("schedule <> 'event' OR working_days > 0", name=op.f('ck_disclosure_items_event_has_days')),
    sa.CheckConstraint("schedule <> 'monthly' OR (due_day BETWEEN 1 AND 31)", name=op.f('ck_disclosure_items_monthly_has_day')),
    sa.CheckConstraint("schedule IN ('monthly', 'event')", name=op.f('ck_disclosure_items_schedule_valid')),
    sa.ForeignKeyConstraint(['bureau_id'], ['bureaus.id'], name=op.f('fk_disclosure_items_bureau_id_bureaus')),
    sa.ForeignKeyConstraint(['category_id'], ['notice_categories.id'], name=op.f('fk_disclosure_items_category_id_notice_categories')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure_items')),
    sa.UniqueConstraint('code', name=op.f('uq_disclosure_items_code'))
    )
    with op.batch_alter_table('disclosure_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_items_bureau_id'), ['bureau_id'], unique=False)

    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('index_number', sa.String(length=64), nullable=True),
    sa.Column('index_year', sa.Integer(), nullable=True),
    sa.Column('index_seq', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('bureau_id', sa.Integer(), nullable=False),
    sa.Column('disclosure_item_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('title_zh_hans', sa.String(length=300), nullable=False),
    sa.Column('title_zh_hant', sa.String(length=300), nullable=False),
    sa.Column('title_en', sa.String(length=400), nullable=False),
    sa.Column('summary_zh_hans', sa.Text(), nullable=False),
    sa.Column('summary_zh_hant', sa.Text(), nullable=False),
    sa.Column('summary_en', sa.Text(), nullable=False),
    sa.Column('body_zh_hans', sa.Text(), nullable=False),
    sa.Column('body_zh_hant', sa.Text(), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('publish_at', app.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_at', app.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('review_comment', sa.Text(), nullable=False),
    sa.Column('withdrawn_at', app.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_reason', sa.Text(), nullable=False),
    sa.Column('created_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state <> 'withdrawn' OR withdrawn_reason <> ''", name=op.f('ck_notices_withdrawal_has_reason')),
    sa.CheckConstraint("state IN ('draft', 'submitted', 'returned', 'published', 'withdrawn')", name=op.f('ck_notices_state_valid')),
    sa.CheckConstraint("state NOT IN ('published', 'withdrawn') OR (published_at IS NOT NULL AND index_number IS NOT NULL)", name=op.f('ck_notices_published_has_number')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_notices_author_id_users')),
    sa.ForeignKeyConstraint(['bureau_id'], ['bureaus.id'], name=op.f('fk_notices_bureau_id_bureaus')),
    sa.ForeignKeyConstraint(['category_id'], ['notice_categories.id'], name=op.f('fk_notices_category_id_notice_categories')),
    sa.ForeignKeyConstraint(['disclosure_item_id'], ['disclosure_items.id'], name=op.f('fk_notices_disclosure_item_id_disclosure_items')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_notices_reviewer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
    sa.UniqueConstraint('bureau_id', 'index_year', 'index_seq', name='uq_notices_index_sequence'),
    sa.UniqueConstraint('index_number', name=op.f('uq_notices_index_number'))
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notices_bureau_id'), ['bureau_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notices_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notices_disclosure_item_id'), ['disclosure_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notices_created_on'), ['created_on'], unique=False)
        batch_op.create_index('ix_notices_published_order', ['published_at', 'id'], unique=False)

    op.create_table('notice_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_attachments_notice_id_notices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_attachments')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_notice_attachments_stored_name'))
    )
    with op.batch_alter_table('notice_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_attachments_notice_id'), ['notice_id'], unique=False)

    op.create_table('notice_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('step', sa.String(length=16), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_notice_events_actor_id_users')),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_events_notice_id_notices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_events'))
    )
    with op.batch_alter_table('notice_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_events_notice_id'), ['notice_id'], unique=False)

    op.create_table('notice_indicators',
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_notice_indicators_indicator_id_indicators')),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_indicators_notice_id_notices')),
    sa.PrimaryKeyConstraint('notice_id', 'indicator_id', name=op.f('pk_notice_indicators'))
    )
    op.create_table('notice_places',
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_places_notice_id_notices')),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_notice_places_place_id_places')),
    sa.PrimaryKeyConstraint('notice_id', 'place_id', name=op.f('pk_notice_places'))
    )
    op.create_table('notice_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('title_zh_hans', sa.String(length=300), nullable=False),
    sa.Column('summary_zh_hans', sa.Text(), nullable=False),
    sa.Column('body_zh_hans', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_notice_revisions_actor_id_users')),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_revisions_notice_id_notices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_revisions')),
    sa.UniqueConstraint('notice_id', 'number', name=op.f('uq_notice_revisions_notice_id_number'))
    )
    with op.batch_alter_table('notice_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_revisions_notice_id'), ['notice_id'], unique=False)
    _create_search()


def _create_search():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("CREATE VIRTUAL TABLE notices_fts USING fts5(search_text, tokenize='trigram')")
    elif dialect == "postgresql":
        # IF NOT EXISTS is not safe against a second migration creating it at the same moment: the lock is.
        op.execute("SELECT pg_advisory_xact_lock(hashtext('pg_trgm'))")
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        # The operator class is qualified with the extension's schema, which may be outside the search path.
        schema = op.get_bind().exec_driver_sql(
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'").scalar()
        op.execute(f"CREATE INDEX ix_notices_search_trgm ON notices USING gin (search_text {schema}.gin_trgm_ops)")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE notices_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX ix_notices_search_trgm")
    with op.batch_alter_table('notice_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_revisions_notice_id'))

    op.drop_table('notice_revisions')
    op.drop_table('notice_places')
    op.drop_table('notice_indicators')
    with op.batch_alter_table('notice_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_events_notice_id'))

    op.drop_table('notice_events')
    with op.batch_alter_table('notice_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_attachments_notice_id'))

    op.drop_table('notice_attachments')
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index('ix_notices_published_order')
        batch_op.drop_index(batch_op.f('ix_notices_created_on'))
        batch_op.drop_index(batch_op.f('ix_notices_disclosure_item_id'))
        batch_op.drop_index(batch_op.f('ix_notices_category_id'))
        batch_op.drop_index(batch_op.f('ix_notices_bureau_id'))

    op.drop_table('notices')
    with op.batch_alter_table('disclosure_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosure_items_bureau_id'))

    op.drop_table('disclosure_items')
    op.drop_table('notice_categories')
