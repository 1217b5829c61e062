"""participation: running tallies of the figures per year and district; bookings cancelled with their slot

Adds participation_tallies (year, place_id, name → total), counted here from the stored rows (a frozen copy of
app.participation.tallies.from_rows as of this revision), so the figures read the tallies from the start.
Adds the booking state 'slot_cancelled': the bookings still 'booked' on a slot the organiser cancelled move to it,
and cancelled slots hold no places any more (taken = 0).

Revision ID: 0027
Revises: 0024
Create Date: 2026-12-08 09:00:00

"""
from collections import Counter
from zoneinfo import ZoneInfo

from alembic import op
from flask import current_app
import sqlalchemy as sa

import app.db_types


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0029'
branch_labels = None
depends_on = None

OLD_STATES = "state IN ('booked', 'cancelled', 'visited', 'no_show')"
NEW_STATES = "state IN ('booked', 'cancelled', 'slot_cancelled', 'visited', 'no_show')"

activities = sa.table('activities', sa.column('id', sa.Integer), sa.column('state', sa.String),
                      sa.column('place_id', sa.Integer), sa.column('starts_at', app.db_types.UTCDateTime()),
                      sa.column('attendance', sa.Integer))
registrations = sa.table('registrations', sa.column('activity_id', sa.Integer), sa.column('state', sa.String),
                         sa.column('group_size', sa.Integer), sa.column('hours', sa.Float),
                         sa.column('hours_confirmed_at', app.db_types.UTCDateTime()))
slots = sa.table('visit_slots', sa.column('id', sa.Integer), sa.column('facility_id', sa.Integer),
                 sa.column('day', sa.Date), sa.column('visitors', sa.Integer), sa.column('cancelled', sa.Boolean),
                 sa.column('taken', sa.Integer))
facilities = sa.table('facilities', sa.column('id', sa.Integer), sa.column('place_id', sa.Integer))
suggestions = sa.table('suggestions', sa.column('state', sa.String), sa.column('place_id', sa.Integer),
                       sa.column('submitted_at', app.db_types.UTCDateTime()),
                       sa.column('answered_at', app.db_types.UTCDateTime()), sa.column('answer_due', sa.Date))
bookings = sa.table('bookings', sa.column('slot_id', sa.Integer), sa.column('state', sa.String))
tallies = sa.table('participation_tallies', sa.column('year', sa.Integer), sa.column('place_id', sa.Integer),
                   sa.column('name', sa.String), sa.column('total', sa.BigInteger))


def _counts(connection, zone: ZoneInfo) -> Counter:
    """The tallies from the rows, one activity, slot or suggestion at a time (a migration may take its time)."""
    counts = Counter()
    per_activity = {activity_id: (int(attended or 0), int(hours or 0)) for activity_id, attended, hours in
                    connection.execute(sa.select(
                        registrations.c.activity_id,
                        sa.func.sum(sa.case((registrations.c.state == 'attended', registrations.c.group_size),
                                            else_=0)),
                        sa.func.sum(sa.case((sa.and_(registrations.c.hours_confirmed_at.is_not(None),
                                                     registrations.c.hours.is_not(None)),
                                             sa.cast(sa.func.round(registrations.c.hours * 100), sa.Integer)),
                                            else_=0)))
                                       .group_by(registrations.c.activity_id))}
    for activity_id, state, place_id, starts_at, attendance in connection.execute(sa.select(
            activities.c.id, activities.c.state, activities.c.place_id, activities.c.starts_at,
            activities.c.attendance)):
        year = starts_at.astimezone(zone).year
        attended, hours = per_activity.get(activity_id, (0, 0))
        if state == 'closed':
            counts[(year, place_id, 'held')] += 1
            counts[(year, place_id, 'participants')] += attendance if attendance is not None else attended
        counts[(year, place_id, 'hours_centi')] += hours
    for day, place_id, visitors in connection.execute(
            sa.select(slots.c.day, facilities.c.place_id, slots.c.visitors)
            .select_from(slots.join(facilities, facilities.c.id == slots.c.facility_id))
            .where(slots.c.cancelled.is_(False), slots.c.visitors.is_not(None))):
        counts[(day.year, place_id, 'visits')] += visitors
    for state, place_id, submitted_at, answered_at, answer_due in connection.execute(sa.select(
            suggestions.c.state, suggestions.c.place_id, suggestions.c.submitted_at, suggestions.c.answered_at,
            suggestions.c.answer_due)):
        key = (submitted_at.astimezone(zone).year, place_id or 0)
        counts[(*key, 'suggestions')] += 1
        if state == 'answered':
            counts[(*key, 'answered')] += 1
            if answer_due is not None and answered_at.astimezone(zone).date() <= answer_due:
                counts[(*key, 'on_time')] += 1
    return Counter({key: value for key, value in counts.items() if value})


def upgrade():
    op.create_table('participation_tallies',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=16), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('year', 'place_id', 'name', name=op.f('pk_participation_tallies'))
    )
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_bookings_state_valid'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_bookings_state_valid'), NEW_STATES)
    connection = op.get_bind()
    cancelled = sa.select(slots.c.id).where(slots.c.cancelled.is_(True))
    connection.execute(bookings.update().where(bookings.c.state == 'booked', bookings.c.slot_id.in_(cancelled))
                       .values(state='slot_cancelled'))
    connection.execute(slots.update().where(slots.c.cancelled.is_(True)).values(taken=0))
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai")
    rows = [{"year": year, "place_id": place_id, "name": name, "total": total}
            for (year, place_id, name), total in sorted(_counts(connection, zone).items())]
    for start in range(0, len(rows), 500):
        connection.execute(tallies.insert(), rows[start:start + 500])


def downgrade():
    connection = op.get_bind()
    connection.execute(bookings.update().where(bookings.c.state == 'slot_cancelled').values(state='booked'))
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_bookings_state_valid'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_bookings_state_valid'), OLD_STATES)
    op.drop_table('participation_tallies')
