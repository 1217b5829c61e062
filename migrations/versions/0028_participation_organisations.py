"""participation: registered organisations that run activities with accounts of their own (the organisation
organiser's role), and activities run by a bureau or by an organisation

Revision ID: 0028
Revises: 0024
Create Date: 2026-12-08 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.db_types


# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0025'
branch_labels = None
depends_on = None


OLD_ROLES = "role IN ('admin', 'bureau_editor', 'tip_handler', 'reviewer', 'interviewer', 'disclosure_head')"
NEW_ROLES = ("role IN ('admin', 'bureau_editor', 'tip_handler', 'reviewer', 'interviewer', 'disclosure_head', "
             "'organisation_organiser')")


def upgrade():
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('name_zh_hans', sa.String(length=200), nullable=False),
    sa.Column('name_zh_hant', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=False),
    sa.Column('contact_name', sa.String(length=60), nullable=False),
    sa.Column('contact_phone', sa.String(length=30), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('suspend_reason', sa.Text(), nullable=False),
    sa.Column('created_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('state_changed_at', app.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('social', 'volunteer', 'school', 'enterprise', 'community', 'other')",
                       name=op.f('ck_organisations_kind_valid')),
    sa.CheckConstraint("state IN ('approved', 'suspended')", name=op.f('ck_organisations_state_valid')),
    sa.CheckConstraint("state <> 'suspended' OR suspend_reason <> ''",
                       name=op.f('ck_organisations_suspension_has_reason')),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_organisations_place_id_places')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('name_zh_hans', name=op.f('uq_organisations_name_zh_hans'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_users_organisation_id_organisations'), 'organisations',
                                    ['organisation_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_users_role_valid'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_users_role_valid'), NEW_ROLES)
        batch_op.create_check_constraint(batch_op.f('ck_users_organisation_role_has_organisation'),
                                         "role NOT IN ('organisation_organiser') OR organisation_id IS NOT NULL")
        batch_op.create_check_constraint(batch_op.f('ck_users_bureau_or_organisation'),
                                         "bureau_id IS NULL OR organisation_id IS NULL")
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.alter_column('bureau_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_activities_organisation_id_organisations'), 'organisations',
                                    ['organisation_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_activities_one_organiser'),
                                         "(bureau_id IS NULL) <> (organisation_id IS NULL)")
        batch_op.create_index('ix_activities_organisation_id', ['organisation_id'], unique=False)


def downgrade():
    # An organisation's activities and accounts have no bureau to fall back to: they go with the organisations.
    op.execute("DELETE FROM activity_photos WHERE activity_id IN "
               "(SELECT id FROM activities WHERE organisation_id IS NOT NULL)")
    op.execute("DELETE FROM registrations WHERE activity_id IN "
               "(SELECT id FROM activities WHERE organisation_id IS NOT NULL)")
    op.execute("DELETE FROM activities WHERE organisation_id IS NOT NULL")
    op.execute("UPDATE users SET active = false, role = 'reviewer', organisation_id = NULL "
               "WHERE role = 'organisation_organiser'")
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index('ix_activities_organisation_id')
        batch_op.drop_constraint(batch_op.f('ck_activities_one_organiser'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_activities_organisation_id_organisations'), type_='foreignkey')
        batch_op.alter_column('bureau_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('organisation_id')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_bureau_or_organisation'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_users_organisation_role_has_organisation'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_users_role_valid'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_users_role_valid'), OLD_ROLES)
        batch_op.drop_constraint(batch_op.f('fk_users_organisation_id_organisations'), type_='foreignkey')
        batch_op.drop_column('organisation_id')
    op.drop_table('organisations')
