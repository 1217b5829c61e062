"""notice change review: corrections and withdrawals of published notices wait for a reviewer

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 01:30:00

"""
from alembic import op
import sqlalchemy as sa

from app.db_types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

OPEN_CHANGE = "state IN ('submitted', 'returned')"


def upgrade():
    op.create_table('notice_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('proposal', sa.JSON(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('review_comment', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('decided_at', UTCDateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('correction', 'withdrawal')", name=op.f('ck_notice_changes_kind_valid')),
    sa.CheckConstraint("state IN ('submitted', 'returned', 'approved', 'cancelled')",
                       name=op.f('ck_notice_changes_state_valid')),
    sa.CheckConstraint("note <> ''", name=op.f('ck_notice_changes_has_note')),
    sa.CheckConstraint("kind <> 'correction' OR proposal IS NOT NULL",
                       name=op.f('ck_notice_changes_correction_has_proposal')),
    sa.CheckConstraint("state <> 'returned' OR review_comment <> ''",
                       name=op.f('ck_notice_changes_returned_has_reason')),
    sa.CheckConstraint("state <> 'approved' OR (reviewer_id IS NOT NULL AND reviewer_id <> author_id)",
                       name=op.f('ck_notice_changes_approved_by_another')),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_changes_notice_id_notices')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_notice_changes_author_id_users')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_notice_changes_reviewer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_changes'))
    )
    with op.batch_alter_table('notice_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_changes_notice_id'), ['notice_id'], unique=False)
        batch_op.create_index('uq_notice_changes_one_open', ['notice_id'], unique=True,
                              sqlite_where=sa.text(OPEN_CHANGE), postgresql_where=sa.text(OPEN_CHANGE))


def downgrade():
    with op.batch_alter_table('notice_changes', schema=None) as batch_op:
        batch_op.drop_index('uq_notice_changes_one_open')
        batch_op.drop_index(batch_op.f('ix_notice_changes_notice_id'))
    op.drop_table('notice_changes')
