"""Bench participation data: many activities with many sign-ups each, bulk-inserted into the demo database.

Run as `python -m tests.bench.participation_data load <activities> <sign-ups each>` with DATABASE_URL set; it
prints one JSON line ({"activities", "registrations", "seconds", "first_upcoming"}).

Nine in ten activities were held this year before today (closed; half with an attendance record, half counted
from their sign-ups marked attended, so both ways of counting participants are exercised), one in ten is to come
and open for sign-up. Every sign-up is attended (or confirmed, for those to come), half of the held ones with
confirmed volunteer hours. Rows are written directly in batches (the services would take hours at a million
sign-ups) in one transaction, the counters (`taken`) set to match; the figures' running tallies are then counted
from the rows (`tallies.rebuild`, as `flask participation-tallies --rebuild` does), then `ANALYZE`.
"""
import json
import sys
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from app import create_app
from app.db_types import analyze
from app.extensions import db
from app.i18n import local_today
from app.org.models import Bureau, Place, PlaceLevel
from app.participation import tallies
from app.participation.models import Activity, Registration
from tests.bench.survey_data import insert_rows

BEIJING = timezone(timedelta(hours=8))
ACTIVITY_COLUMNS = ["kind", "state", "title_zh_hans", "title_zh_hant", "title_en", "description_zh_hans",
                    "description_zh_hant", "description_en", "venue_zh_hans", "venue_zh_hant", "venue_en",
                    "organiser_name", "bureau_id", "place_id", "starts_at", "ends_at", "signup_opens_at",
                    "signup_closes_at", "capacity", "max_group_size", "taken", "waiting", "volunteer_hours",
                    "attendance", "summary_zh_hans", "summary_zh_hant", "summary_en", "created_at", "published_at",
                    "closed_at", "cancel_reason"]
REGISTRATION_COLUMNS = ["activity_id", "state", "name", "phone", "phone_digest", "group_size", "code_digest",
                        "created_at", "checked_in_at", "hours", "hours_confirmed_at"]


def load(session, activities: int, each: int) -> dict:
    started = time.perf_counter()
    today = local_today()
    now = datetime.now(timezone.utc)
    districts = list(session.scalars(select(Place).where(Place.level == PlaceLevel.DISTRICT).order_by(Place.id)))
    bureau = session.scalar(select(Bureau).where(Bureau.code == "eeb"))
    first_id = (session.scalar(select(Activity.id).order_by(Activity.id.desc()).limit(1)) or 0) + 1
    year_start = datetime(today.year, 1, 1, 9, tzinfo=BEIJING)
    held_span = max((datetime.combine(today, datetime.min.time(), BEIJING) - year_start).days, 1)
    rows, upcoming = [], []
    for n in range(activities):
        held = n % 10 != 9
        starts = (year_start + timedelta(days=n % held_span)) if held else now + timedelta(days=3 + n % 60)
        state = "closed" if held else "published"
        attendance = each + 5 if held and n % 2 == 0 else None
        rows.append(("river_cleanup", state, f"压测活动{n}", "", "", "压测数据。", "", "", "河边", "", "", "",
                     bureau.id, districts[n % len(districts)].id, starts, starts + timedelta(hours=3),
                     starts - timedelta(days=30), starts - timedelta(hours=12), each + 10, 5, each, 0, 2.0,
                     attendance, "压测。" if held else "", "", "", starts - timedelta(days=31),
                     starts - timedelta(days=30), starts + timedelta(hours=4) if held else None, ""))
        if not held:
            upcoming.append(first_id + n)
    insert_rows(session, Activity.__table__, ACTIVITY_COLUMNS, rows)
    rows_done = time.perf_counter()
    batch: list[tuple] = []
    serial = 0
    for n in range(activities):
        activity_id = first_id + n
        held = n % 10 != 9
        starts = (year_start + timedelta(days=n % held_span)) if held else now + timedelta(days=3 + n % 60)
        for k in range(each):
            serial += 1
            confirmed = held and k % 2 == 0
            # Codes and phone digests unique per activity and sign-up, so that a second load adds to the first.
            batch.append((activity_id, "attended" if held else "confirmed", "压测", f"1380{serial:07d}",
                          f"bench-phone-{activity_id}-{k}", 1, f"bench-code-{activity_id}-{k}",
                          starts - timedelta(days=10), starts if held else None, 2.0 if confirmed else None,
                          starts + timedelta(hours=5) if confirmed else None))
            if len(batch) >= 50_000:
                insert_rows(session, Registration.__table__, REGISTRATION_COLUMNS, batch)
                batch = []
    if batch:
        insert_rows(session, Registration.__table__, REGISTRATION_COLUMNS, batch)
    session.commit()
    registrations_done = time.perf_counter()
    tallies.rebuild(session)
    session.commit()
    tallied = time.perf_counter()
    analyze(session)
    session.commit()
    return {"activities": activities, "registrations": serial, "seconds": time.perf_counter() - started,
            "activity_seconds": rows_done - started, "registration_seconds": registrations_done - rows_done,
            "tally_seconds": tallied - registrations_done, "first_upcoming": upcoming[0] if upcoming else None,
            "first_held": first_id}


def main() -> None:
    if len(sys.argv) != 4 or sys.argv[1] != "load":
        sys.exit("usage: python -m tests.bench.participation_data load <activities> <sign-ups each>")
    app = create_app()
    with app.app_context():
        print(json.dumps(load(db.session, int(sys.argv[2]), int(sys.argv[3]))))


if __name__ == "__main__":
    main()
