"""the yearly report's template: the kind of an organisation applicant, the outcome row of an answer, and the
administrative reviews and lawsuits against requests (国办公开办函〔2021〕30号)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 05:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.db_types


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

KINDS = "('commercial', 'research', 'public_interest', 'legal_service', 'other')"
OUTCOMES = ("('disclosed', 'partly_disclosed', 'withheld_state_secret', 'withheld_by_law', 'withheld_security', "
            "'withheld_third_party', 'withheld_internal', 'withheld_process', 'withheld_enforcement', "
            "'withheld_query', 'unavailable_not_held', 'unavailable_needs_making', 'unavailable_unclear', "
            "'not_handled_complaint', 'not_handled_repeated', 'not_handled_publication', 'not_handled_excessive', "
            "'not_handled_confirm', 'other_not_completed', 'other_fee_unpaid', 'other')")


def upgrade():
    with op.batch_alter_table('disclosure_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_kind', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.String(length=32), nullable=True))
    # Organisations that applied before the kind was asked are counted as 其他.
    op.execute("UPDATE disclosure_requests SET organisation_kind = 'other' WHERE applicant_type = 'organisation'")
    with op.batch_alter_table('disclosure_requests', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_disclosure_requests_organisation_kind_valid'),
            "(applicant_type = 'citizen' AND organisation_kind IS NULL) OR "
            f"(applicant_type = 'organisation' AND organisation_kind IN {KINDS})")
        batch_op.create_check_constraint(op.f('ck_disclosure_requests_outcome_valid'),
                                         f"outcome IS NULL OR outcome IN {OUTCOMES}")
    op.create_table('disclosure_appeals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('result', sa.String(length=16), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('review', 'lawsuit_direct', 'lawsuit_after_review')", name=op.f('ck_disclosure_appeals_kind_valid')),
    sa.CheckConstraint("result IN ('upheld', 'corrected', 'other', 'pending')", name=op.f('ck_disclosure_appeals_result_valid')),
    sa.CheckConstraint("(result = 'pending') = (decided_on IS NULL)", name=op.f('ck_disclosure_appeals_decided_when_concluded')),
    sa.CheckConstraint("decided_on IS NULL OR decided_on >= filed_on", name=op.f('ck_disclosure_appeals_decided_after_filed')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_disclosure_appeals_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['disclosure_requests.id'], name=op.f('fk_disclosure_appeals_request_id_disclosure_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure_appeals'))
    )
    with op.batch_alter_table('disclosure_appeals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_appeals_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosure_appeals_filed_on'), ['filed_on'], unique=False)


def downgrade():
    op.drop_table('disclosure_appeals')
    with op.batch_alter_table('disclosure_requests', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_disclosure_requests_outcome_valid'), type_='check')
        batch_op.drop_constraint(op.f('ck_disclosure_requests_organisation_kind_valid'), type_='check')
        batch_op.drop_column('outcome')
        batch_op.drop_column('organisation_kind')
