"""disclosure deadlines: consultations that pause the clock (arts. 32–34), who approved an extension (art. 33),
and the role of the disclosure office's head

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 05:10:00

"""
from alembic import op
import sqlalchemy as sa

import app.db_types


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


OLD_ROLES = "role IN ('admin', 'bureau_editor', 'tip_handler', 'reviewer', 'interviewer')"
NEW_ROLES = "role IN ('admin', 'bureau_editor', 'tip_handler', 'reviewer', 'interviewer', 'disclosure_head')"
OLD_BUREAU_ROLES = "role NOT IN ('bureau_editor', 'tip_handler') OR bureau_id IS NOT NULL"
NEW_BUREAU_ROLES = "role NOT IN ('bureau_editor', 'tip_handler', 'disclosure_head') OR bureau_id IS NOT NULL"


def _replace_role_checks(roles, bureau_roles):
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_role_valid'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_users_role_valid'), roles)
        batch_op.drop_constraint(batch_op.f('ck_users_bureau_role_has_bureau'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_users_bureau_role_has_bureau'), bureau_roles)


def upgrade():
    _replace_role_checks(NEW_ROLES, NEW_BUREAU_ROLES)
    with op.batch_alter_table('disclosure_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extension_approved_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('extension_approved_at', app.db_types.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('paused_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('paused_days', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_disclosure_requests_extension_approved_by_id_users'), 'users',
                                    ['extension_approved_by_id'], ['id'])
    op.create_table('disclosure_consultations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('party', sa.String(length=200), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('opinion_due', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('days_not_counted', sa.Integer(), nullable=True),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('third_party', 'other_agency')", name=op.f('ck_disclosure_consultations_kind_valid')),
    sa.CheckConstraint('ended_on IS NULL OR ended_on >= started_on',
                       name=op.f('ck_disclosure_consultations_ends_after_start')),
    sa.ForeignKeyConstraint(['ended_by_id'], ['users.id'], name=op.f('fk_disclosure_consultations_ended_by_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['disclosure_requests.id'],
                            name=op.f('fk_disclosure_consultations_request_id_disclosure_requests')),
    sa.ForeignKeyConstraint(['started_by_id'], ['users.id'],
                            name=op.f('fk_disclosure_consultations_started_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure_consultations'))
    )
    with op.batch_alter_table('disclosure_consultations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_consultations_request_id'), ['request_id'], unique=False)


def downgrade():
    with op.batch_alter_table('disclosure_consultations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosure_consultations_request_id'))
    op.drop_table('disclosure_consultations')
    with op.batch_alter_table('disclosure_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_disclosure_requests_extension_approved_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('paused_days')
        batch_op.drop_column('paused_on')
        batch_op.drop_column('extension_approved_at')
        batch_op.drop_column('extension_approved_by_id')
    _replace_role_checks(OLD_ROLES, OLD_BUREAU_ROLES)
