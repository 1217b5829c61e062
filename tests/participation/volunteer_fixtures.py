"""Activities and registrations made directly through the models, for the volunteer tests."""
import itertools
from datetime import datetime, timedelta, timezone

from app.casework import codes
from app.participation import volunteers
from app.participation.models import Activity, ActivityKind, ActivityState, Registration, RegistrationState
from tests import factories

KEY = "test-secret-key-not-for-production"
_seq = itertools.count(1)


def activity(session, bureau_, *, starts_at=None, hours=3.0, duration_hours=4, **values) -> Activity:
    """A held activity of bureau_ (published, in the past unless told)."""
    n = next(_seq)
    starts_at = starts_at or datetime(2026, 6, 5, 1, 0, tzinfo=timezone.utc)
    place = values.pop("place", None) or factories.place(session)
    defaults = dict(kind=ActivityKind.ENVIRONMENT_DAY, state=ActivityState.PUBLISHED,
                    title_zh_hans=f"世界环境日植树活动{n}", title_en=f"Tree planting {n}", venue_zh_hans="东湖绿道",
                    organiser_name="", bureau_id=bureau_.id, place_id=place.id, starts_at=starts_at,
                    ends_at=starts_at + timedelta(hours=duration_hours),
                    signup_opens_at=starts_at - timedelta(days=10), signup_closes_at=starts_at - timedelta(days=1),
                    capacity=50, taken=0, waiting=0, volunteer_hours=hours)
    defaults.update(values)
    row = Activity(**defaults)
    session.add(row)
    session.flush()
    return row


def registration(session, activity_, *, name="张三", phone="13800138000", state=RegistrationState.ATTENDED,
                 enrol=True, **values) -> Registration:
    """A sign-up for activity_, attended and linked to its volunteer unless told."""
    row = Registration(activity_id=activity_.id, state=state, name=name, phone=phone,
                       phone_digest=volunteers.phone_digest(phone, KEY), group_size=values.pop("group_size", 1),
                       code_digest=codes.digest(codes.new_code(), KEY), **values)
    session.add(row)
    activity_.taken += row.group_size
    session.flush()
    if enrol:
        volunteers.enrol(session, row, KEY)
    return row
