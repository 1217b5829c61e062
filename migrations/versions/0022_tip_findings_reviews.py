"""tips: the investigation's finding (属实 / 部分属实 / 不属实), and review (复查) and re-review (复核) with their
own running deadline

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 05:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.db_types


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


IN_REVIEW = "state IN ('reviewing', 're_reviewing')"
OLD_STATES = ("state IN ('submitted', 'accepted', 'not_accepted', 'assigned', 'investigating', 'concluded', 'closed', "
              "'merged')")
NEW_STATES = ("state IN ('submitted', 'accepted', 'not_accepted', 'assigned', 'investigating', 'concluded', "
              "'reviewing', 'reviewed', 're_reviewing', 're_reviewed', 'closed', 'merged')")


def upgrade():
    with op.batch_alter_table('tips', schema=None) as batch_op:
        batch_op.add_column(sa.Column('finding', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('review_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('review_answered_at', app.db_types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('review_opinion', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('re_review_opinion', sa.Text(), nullable=False, server_default=''))
        batch_op.drop_constraint(batch_op.f('ck_tips_state_valid'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_tips_state_valid'), NEW_STATES)
        batch_op.create_check_constraint(
            batch_op.f('ck_tips_finding_valid'),
            "finding IS NULL OR finding IN ('substantiated', 'partly', 'unsubstantiated')")
        batch_op.create_check_constraint(batch_op.f('ck_tips_review_has_due'),
                                         "state NOT IN ('reviewing', 're_reviewing') OR review_due IS NOT NULL")
        batch_op.create_index('ix_tips_in_review_due', ['review_due'], unique=False,
                              sqlite_where=sa.text(IN_REVIEW), postgresql_where=sa.text(IN_REVIEW))
    with op.batch_alter_table('tips', schema=None) as batch_op:
        batch_op.alter_column('review_opinion', server_default=None)
        batch_op.alter_column('re_review_opinion', server_default=None)


def downgrade():
    with op.batch_alter_table('tips', schema=None) as batch_op:
        batch_op.drop_index('ix_tips_in_review_due')
        batch_op.drop_constraint(batch_op.f('ck_tips_review_has_due'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_tips_finding_valid'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_tips_state_valid'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_tips_state_valid'), OLD_STATES)
        batch_op.drop_column('re_review_opinion')
        batch_op.drop_column('review_opinion')
        batch_op.drop_column('review_answered_at')
        batch_op.drop_column('review_due')
        batch_op.drop_column('finding')
