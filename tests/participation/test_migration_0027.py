"""Migration 0027 on a database holding participation rows: the figures' tallies are counted from the rows (city
time, the confirmed hours in hundredths, a closed activity's record or else its sign-ups checked in), and bookings
still "booked" on a slot the organiser had cancelled become "cancelled by the facility", the slot holding none."""
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.db_types import UTCDateTime
from app.extensions import db
from tests.conftest import base_config, scratch_database

BEIJING = timezone(timedelta(hours=8))
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
def empty_database(tmp_path):
    """An empty database of its own (a SQLite file, or a PostgreSQL schema next to the test schema)."""
    with scratch_database(tmp_path, "m0027") as url:
        yield url


def _table(name: str, *columns: str, times: tuple[str, ...] = ()) -> sa.Table:
    return sa.table(name, *(sa.column(c) for c in columns), *(sa.column(c, UTCDateTime()) for c in times))


TEXTS = ("title_zh_hant", "title_en", "description_zh_hans", "description_zh_hant", "description_en",
         "venue_zh_hant", "venue_en", "organiser_name", "summary_zh_hans", "summary_zh_hant", "summary_en",
         "cancel_reason")
ACTIVITIES = _table("activities", "id", "kind", "state", "title_zh_hans", "venue_zh_hans", "bureau_id", "place_id",
                    "capacity", "max_group_size", "taken", "waiting", "attendance", *TEXTS,
                    times=("starts_at", "ends_at", "signup_opens_at", "signup_closes_at", "created_at"))
REGISTRATIONS = _table("registrations", "id", "activity_id", "state", "name", "phone", "phone_digest", "group_size",
                       "code_digest", "hours", times=("created_at", "hours_confirmed_at"))
FACILITIES = _table("facilities", "id", "kind", "name_zh_hans", "name_zh_hant", "name_en", "address_zh_hans",
                    "address_zh_hant", "address_en", "description_zh_hans", "description_zh_hant", "description_en",
                    "bureau_id", "place_id", "min_open_days", "active", times=("created_at",))
SLOTS = _table("visit_slots", "id", "facility_id", "day", "capacity", "taken", "visitors", "cancelled",
               times=("starts_at", "ends_at"))
BOOKINGS = _table("bookings", "id", "slot_id", "state", "group_name", "contact_name", "contact_phone", "size",
                  "code_digest", times=("created_at",))
SUGGESTIONS = _table("suggestions", "id", "state", "place_id", "title", "body", "public_body", "reject_reason", "name",
                     "phone", "code_digest", "answer", "answer_due", "adoption",
                     times=("submitted_at", "answered_at"))


def _activity(n: int, starts_at: datetime, state: str, attendance: int | None) -> dict:
    return {"id": n, "kind": "tree_planting", "state": state, "title_zh_hans": "植树", "venue_zh_hans": "公园",
            "bureau_id": 1, "place_id": 1, "capacity": 50, "max_group_size": 5, "taken": 0, "waiting": 0,
            "attendance": attendance, **dict.fromkeys(TEXTS, ""), "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=3), "signup_opens_at": starts_at - timedelta(days=9),
            "signup_closes_at": starts_at - timedelta(days=1), "created_at": NOW}


def _registration(n: int, activity_id: int, state: str, group_size: int = 1, hours: float | None = None) -> dict:
    return {"id": n, "activity_id": activity_id, "state": state, "name": "", "phone": "", "phone_digest": f"p{n}",
            "group_size": group_size, "code_digest": f"c{n}", "hours": hours, "created_at": NOW,
            "hours_confirmed_at": NOW if hours is not None else None}


def test_migration_0027_counts_the_tallies_and_cancels_the_bookings_of_cancelled_slots(empty_database):
    app = create_app(base_config(empty_database))
    with app.app_context():
        upgrade(revision="0024")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO places (id, level, kind, code, name_zh_hans, name_zh_hant, name_en, terrain, region, "
                "moisture, coastal, plateau, has_grassland, sort_order, active, created_at) VALUES (1, 'district', "
                "'urban_district', 'east', '东区', '東區', 'East', 'plain', 'central', 'humid', :no, :no, :no, 1, "
                ":yes, :now)"),
                {"no": False, "yes": True, "now": NOW})
            connection.execute(text(
                "INSERT INTO bureaus (id, code, name_zh_hans, name_zh_hant, name_en, place_id, active, created_at) "
                "VALUES (1, 'eeb', '局', '局', 'Bureau', 1, :yes, :now)"), {"yes": True, "now": NOW})
            connection.execute(ACTIVITIES.insert(), [
                _activity(1, datetime(2025, 1, 1, 0, 30, tzinfo=BEIJING), "closed", 30),  # 2025 in city time
                _activity(2, datetime(2025, 6, 1, 9, tzinfo=BEIJING), "closed", None),  # its sign-ups count
                _activity(3, datetime(2025, 7, 1, 9, tzinfo=BEIJING), "published", None)])
            connection.execute(REGISTRATIONS.insert(), [
                _registration(1, 1, "attended", hours=2.5), _registration(2, 2, "attended", group_size=3, hours=1.25),
                _registration(3, 2, "attended"), _registration(4, 2, "confirmed"),
                _registration(5, 3, "attended", hours=4.0)])
            connection.execute(FACILITIES.insert(), [{
                "id": 1, "kind": "sewage", "name_zh_hans": "厂", "name_zh_hant": "", "name_en": "",
                "address_zh_hans": "路", "address_zh_hant": "", "address_en": "", "description_zh_hans": "",
                "description_zh_hant": "", "description_en": "", "bureau_id": 1, "place_id": 1, "min_open_days": 6,
                "active": True, "created_at": NOW}])
            slot_at = datetime(2025, 5, 1, 9, tzinfo=BEIJING)
            connection.execute(SLOTS.insert(), [
                {"id": 1, "facility_id": 1, "day": date(2025, 5, 1), "capacity": 30, "taken": 0, "visitors": 12,
                 "cancelled": False, "starts_at": slot_at, "ends_at": slot_at + timedelta(hours=2)},
                {"id": 2, "facility_id": 1, "day": date(2025, 5, 2), "capacity": 30, "taken": 7, "visitors": None,
                 "cancelled": True, "starts_at": slot_at + timedelta(days=1),
                 "ends_at": slot_at + timedelta(days=1, hours=2)}])
            connection.execute(BOOKINGS.insert(), [
                {"id": n, "slot_id": 2, "state": state, "group_name": "", "contact_name": "", "contact_phone": "",
                 "size": size, "code_digest": f"b{n}", "created_at": NOW}
                for n, state, size in ((1, "booked", 5), (2, "booked", 2), (3, "cancelled", 1))])
            connection.execute(SUGGESTIONS.insert(), [
                {"id": n, "state": state, "place_id": place_id, "title": "建议", "body": "", "public_body": "",
                 "reject_reason": "", "name": "", "phone": "", "code_digest": f"s{n}", "answer": "",
                 "answer_due": due, "adoption": "adopted" if answered else None, "submitted_at": NOW,
                 "answered_at": answered}
                for n, state, place_id, due, answered in (
                    (1, "answered", 1, date(2026, 1, 20), datetime(2026, 1, 20, 23, tzinfo=BEIJING)),
                    (2, "answered", 1, date(2026, 1, 20), datetime(2026, 1, 21, 0, 10, tzinfo=BEIJING)),
                    (3, "submitted", None, None, None))])
        upgrade()
        with db.engine.connect() as connection:
            counted = {(year, place, name): total for year, place, name, total in connection.execute(text(
                "SELECT year, place_id, name, total FROM participation_tallies"))}
            bookings = dict(connection.execute(text("SELECT id, state FROM bookings")).all())
            taken = connection.execute(text("SELECT taken FROM visit_slots WHERE id = 2")).scalar()
        db.engine.dispose()
    assert counted == {(2025, 1, "held"): 2, (2025, 1, "participants"): 30 + 4, (2025, 1, "hours_centi"): 775,
                       (2025, 1, "visits"): 12, (2026, 1, "suggestions"): 2, (2026, 0, "suggestions"): 1,
                       (2026, 1, "answered"): 2, (2026, 1, "on_time"): 1}
    assert bookings == {1: "slot_cancelled", 2: "slot_cancelled", 3: "cancelled"} and taken == 0
