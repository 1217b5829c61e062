"""the preconditions (基本条件) of a catalogue's programme and the office's checklist per place and year

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 05:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.db_types


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('indicator_preconditions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('catalogue_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_zh_hans', sa.String(length=300), nullable=False),
    sa.Column('name_zh_hant', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=400), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['catalogue_id'], ['indicator_catalogues.id'], name=op.f('fk_indicator_preconditions_catalogue_id_indicator_catalogues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_preconditions')),
    sa.UniqueConstraint('catalogue_id', 'code', name=op.f('uq_indicator_preconditions_catalogue_id_code'))
    )
    with op.batch_alter_table('indicator_preconditions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_preconditions_catalogue_id'), ['catalogue_id'], unique=False)

    op.create_table('precondition_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('precondition_id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('met', 'not_met', 'pending')", name=op.f('ck_precondition_checks_status_valid')),
    sa.CheckConstraint("status = 'pending' OR length(notes) > 0", name=op.f('ck_precondition_checks_finding_has_notes')),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_precondition_checks_place_id_places')),
    sa.ForeignKeyConstraint(['precondition_id'], ['indicator_preconditions.id'], name=op.f('fk_precondition_checks_precondition_id_indicator_preconditions')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_precondition_checks_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_precondition_checks')),
    sa.UniqueConstraint('precondition_id', 'place_id', 'year', name=op.f('uq_precondition_checks_precondition_id_place_id_year'))
    )
    with op.batch_alter_table('precondition_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_precondition_checks_place_id'), ['place_id'], unique=False)


def downgrade():
    with op.batch_alter_table('precondition_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_precondition_checks_place_id'))
    op.drop_table('precondition_checks')
    with op.batch_alter_table('indicator_preconditions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_preconditions_catalogue_id'))
    op.drop_table('indicator_preconditions')
