"""disclosure requests (依申请公开): requests, reply documents, timeline

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 00:02:09.688830

"""
from alembic import op
import sqlalchemy as sa

import app.db_types


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('disclosure_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=24), nullable=False),
    sa.Column('bureau_id', sa.Integer(), nullable=False),
    sa.Column('applicant_type', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('id_type', sa.String(length=16), nullable=False),
    sa.Column('id_number', sa.String(length=40), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=False),
    sa.Column('legal_representative', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('delivery_form', sa.String(length=16), nullable=False),
    sa.Column('delivery_method', sa.String(length=16), nullable=False),
    sa.Column('looks_like_complaint', sa.Boolean(), nullable=False),
    sa.Column('submitted_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('clock_start', sa.Date(), nullable=False),
    sa.Column('answer_due', sa.Date(), nullable=False),
    sa.Column('registered_at', app.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('completion_requested_on', sa.Date(), nullable=True),
    sa.Column('completion_due', sa.Date(), nullable=True),
    sa.Column('completion_request', sa.Text(), nullable=False),
    sa.Column('completion_text', sa.Text(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('extension_days', sa.Integer(), nullable=True),
    sa.Column('extension_reason', sa.Text(), nullable=False),
    sa.Column('reply_type', sa.String(length=24), nullable=True),
    sa.Column('partial', sa.Boolean(), nullable=False),
    sa.Column('reply_text', sa.Text(), nullable=False),
    sa.Column('legal_ground', sa.Text(), nullable=False),
    sa.Column('competent_body', sa.String(length=200), nullable=False),
    sa.Column('answered_at', app.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('finished_on', sa.Date(), nullable=True),
    sa.CheckConstraint("applicant_type IN ('citizen', 'organisation')", name=op.f('ck_disclosure_requests_applicant_type_valid')),
    sa.CheckConstraint("delivery_form IN ('paper', 'electronic', 'inspection')", name=op.f('ck_disclosure_requests_delivery_form_valid')),
    sa.CheckConstraint("delivery_method IN ('post', 'email', 'in_person')", name=op.f('ck_disclosure_requests_delivery_method_valid')),
    sa.CheckConstraint("reply_type IS NULL OR reply_type IN ('already_public', 'disclosed', 'not_disclosed', 'not_exist', 'not_this_agency', 'duplicate', 'special_regime')", name=op.f('ck_disclosure_requests_reply_type_valid')),
    sa.CheckConstraint("state IN ('received', 'registered', 'completion_requested', 'extended', 'answered', 'closed', 'withdrawn', 'redirected')", name=op.f('ck_disclosure_requests_state_valid')),
    sa.CheckConstraint('extension_days IS NULL OR extension_days BETWEEN 1 AND 20', name=op.f('ck_disclosure_requests_extension_at_most_20')),
    sa.ForeignKeyConstraint(['bureau_id'], ['bureaus.id'], name=op.f('fk_disclosure_requests_bureau_id_bureaus')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure_requests')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_disclosure_requests_code_hash'))
    )
    with op.batch_alter_table('disclosure_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_requests_answered_on'), ['answered_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosure_requests_bureau_id'), ['bureau_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosure_requests_finished_on'), ['finished_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosure_requests_received_on'), ['received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosure_requests_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosure_requests_submitted_at'), ['submitted_at'], unique=False)

    op.create_table('disclosure_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['disclosure_requests.id'], name=op.f('fk_disclosure_documents_request_id_disclosure_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure_documents')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_disclosure_documents_stored_name'))
    )
    with op.batch_alter_table('disclosure_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_documents_request_id'), ['request_id'], unique=False)

    op.create_table('disclosure_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('step', sa.String(length=24), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_disclosure_events_actor_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['disclosure_requests.id'], name=op.f('fk_disclosure_events_request_id_disclosure_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure_events'))
    )
    with op.batch_alter_table('disclosure_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_events_request_id'), ['request_id'], unique=False)



def downgrade():
    with op.batch_alter_table('disclosure_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosure_events_request_id'))

    op.drop_table('disclosure_events')
    with op.batch_alter_table('disclosure_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosure_documents_request_id'))

    op.drop_table('disclosure_documents')
    with op.batch_alter_table('disclosure_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosure_requests_submitted_at'))
        batch_op.drop_index(batch_op.f('ix_disclosure_requests_state'))
        batch_op.drop_index(batch_op.f('ix_disclosure_requests_received_on'))
        batch_op.drop_index(batch_op.f('ix_disclosure_requests_finished_on'))
        batch_op.drop_index(batch_op.f('ix_disclosure_requests_bureau_id'))
        batch_op.drop_index(batch_op.f('ix_disclosure_requests_answered_on'))

    op.drop_table('disclosure_requests')
