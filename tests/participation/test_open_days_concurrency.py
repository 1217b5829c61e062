"""Sixteen people book the last places of a slot at the same moment, each in its own thread and transaction with
real commits: the conditional UPDATE on visit_slots.taken lets exactly as many through as there are places, on
the SQLite file database and on PostgreSQL (whichever the run uses), and none fails on a lock."""
import threading

from sqlalchemy import func, select

from app.errors import ActionRefused
from app.extensions import db
from app.participation import open_days
from app.participation.models import Booking, VisitSlot
from tests.participation.open_day_fixtures import KEY, facility, slot

PEOPLE = 16
LEFT = 5


def test_sixteen_concurrent_bookings_for_the_last_places_never_overfill(app, session, staff):
    target = slot(session, facility(session, staff["bureaus"]["home"]), capacity=30, taken=30 - LEFT)
    session.commit()
    slot_id = target.id
    start = threading.Barrier(PEOPLE)
    outcomes: list[str] = []
    lock = threading.Lock()

    def person(n: int) -> None:
        with app.app_context():
            start.wait()
            try:
                open_days.book_slot(db.session, slot_id, open_days.BookingInput(
                    contact_name=f"访客{n}", contact_phone=f"1390000{n:04d}", size=1), KEY)
                db.session.commit()
                result = "booked"
            except ActionRefused as refused:
                db.session.rollback()
                result = "full" if "full" in str(refused) else f"refused: {refused}"
            except Exception as error:  # a lock error would land here and fail the test
                db.session.rollback()
                result = f"error: {error!r}"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=person, args=(n,)) for n in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(set(outcomes)) == ["booked", "full"], outcomes
    assert outcomes.count("booked") == LEFT and outcomes.count("full") == PEOPLE - LEFT
    session.expire_all()
    assert session.scalar(select(VisitSlot.taken).where(VisitSlot.id == slot_id)) == 30
    assert session.scalar(select(func.count(Booking.id)).where(Booking.slot_id == slot_id)) == LEFT
