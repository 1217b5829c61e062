"""tips: duplicates and merging, rewards, the exposure board, escalation, statistics tallies

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 00:05:05.524210

"""
from alembic import op
import sqlalchemy as sa

import app.db_types


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


AWAITING_DECISION = "state = 'submitted'"
IN_HANDLING = "state IN ('accepted', 'assigned', 'investigating')"
OLD_STATES = "state IN ('submitted', 'accepted', 'not_accepted', 'assigned', 'investigating', 'concluded', 'closed')"
NEW_STATES = ("state IN ('submitted', 'accepted', 'not_accepted', 'assigned', 'investigating', 'concluded', 'closed', "
              "'merged')")


def upgrade():
    op.create_table('tip_tallies',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=24), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'district_id', 'category_id', 'name', name=op.f('pk_tip_tallies'))
    )
    with op.batch_alter_table('tips', schema=None) as batch_op:
        batch_op.add_column(sa.Column('duplicate_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reward_state', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('reward_amount', sa.Numeric(precision=10, scale=2), nullable=True))
        batch_op.add_column(sa.Column('exposed_at', app.db_types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('exposure_title', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('exposure_summary', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('escalations', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_index(batch_op.f('ix_tips_exposed_at'), ['exposed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tips_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_tips_merged_into_id_tips'), 'tips', ['merged_into_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_tips_duplicate_of_id_tips'), 'tips', ['duplicate_of_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_tips_state_valid'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_tips_state_valid'), NEW_STATES)
        batch_op.create_check_constraint(
            batch_op.f('ck_tips_reward_state_valid'),
            "reward_state IS NULL OR reward_state IN ('eligible', 'granted', 'paid', 'declined')")
        batch_op.create_check_constraint(batch_op.f('ck_tips_reward_needs_a_name'),
                                         "reward_state IS NULL OR NOT anonymous")
        batch_op.create_check_constraint(batch_op.f('ck_tips_merged_has_state'),
                                         "merged_into_id IS NULL OR state = 'merged'")
        batch_op.create_index('ix_tips_awaiting_decision_due', ['accept_due'], unique=False,
                              sqlite_where=sa.text(AWAITING_DECISION), postgresql_where=sa.text(AWAITING_DECISION))
        batch_op.create_index('ix_tips_in_handling_due', ['conclude_due'], unique=False,
                              sqlite_where=sa.text(IN_HANDLING), postgresql_where=sa.text(IN_HANDLING))
    with op.batch_alter_table('tips', schema=None) as batch_op:
        batch_op.alter_column('exposure_title', server_default=None)
        batch_op.alter_column('exposure_summary', server_default=None)
        batch_op.alter_column('escalations', server_default=None)


def downgrade():
    with op.batch_alter_table('tips', schema=None) as batch_op:
        batch_op.drop_index('ix_tips_in_handling_due')
        batch_op.drop_index('ix_tips_awaiting_decision_due')
        batch_op.drop_constraint(batch_op.f('ck_tips_merged_has_state'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_tips_reward_needs_a_name'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_tips_reward_state_valid'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_tips_state_valid'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_tips_state_valid'), OLD_STATES)
        batch_op.drop_constraint(batch_op.f('fk_tips_duplicate_of_id_tips'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_tips_merged_into_id_tips'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_tips_merged_into_id'))
        batch_op.drop_index(batch_op.f('ix_tips_exposed_at'))
        batch_op.drop_column('escalations')
        batch_op.drop_column('exposure_summary')
        batch_op.drop_column('exposure_title')
        batch_op.drop_column('exposed_at')
        batch_op.drop_column('reward_amount')
        batch_op.drop_column('reward_state')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('duplicate_of_id')

    op.drop_table('tip_tallies')
