"""Activities for the activity tests: made through the models, in any state, with sign-ups through the service."""
import itertools
from datetime import datetime, timedelta, timezone

from app.participation import activities
from app.participation.models import Activity, ActivityKind, ActivityState
from tests import factories

KEY = "test-secret-key-not-for-production"
NOW = datetime(2026, 6, 1, 2, 0, tzinfo=timezone.utc)
_seq = itertools.count(1)
_phones = itertools.count(100)


def activity(session, bureau_, *, state=ActivityState.PUBLISHED, starts_at=None, **values) -> Activity:
    """An activity of bureau_ starting in four days, its sign-up open now (unless told)."""
    n = next(_seq)
    starts_at = starts_at or NOW + timedelta(days=4)
    place = values.pop("place", None) or factories.place(session)
    defaults = dict(kind=ActivityKind.TREE_PLANTING, state=state, title_zh_hans=f"世界环境日植树{n}",
                    title_en=f"Tree planting {n}", venue_zh_hans="东湖绿道", venue_en="East Lake Greenway",
                    description_zh_hans="带上手套。", bureau_id=bureau_.id, place_id=place.id, starts_at=starts_at,
                    ends_at=starts_at + timedelta(hours=3), signup_opens_at=NOW - timedelta(days=5),
                    signup_closes_at=starts_at - timedelta(days=1), capacity=10, max_group_size=4, taken=0,
                    waiting=0, volunteer_hours=3.0,
                    published_at=NOW - timedelta(days=5) if state != ActivityState.DRAFT else None)
    defaults.update(values)
    row = Activity(**defaults)
    session.add(row)
    session.flush()
    return row


def phone() -> str:
    return f"139{next(_phones):08d}"


def sign_up(session, activity_, *, group_size=1, name="李四", number=None, now=NOW, **values):
    """A sign-up through the service; gives the result (registration and code)."""
    return activities.sign_up(session, activity_, name=name, phone=number or phone(), group_size=group_size,
                              key=KEY, now=now, **values)
