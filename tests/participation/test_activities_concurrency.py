"""Exactly the capacity under concurrency: 32 people sign up at once for the last 5 places, each in their own
thread, app context, session and real commit (a file SQLite database in WAL mode, or PostgreSQL when the run
is pointed at it): 5 get a place, 27 go on the waiting list, and `taken` ends at the capacity."""
import threading

from sqlalchemy import func, select

from app.extensions import db
from app.participation import activities
from app.participation.models import Activity, Registration, RegistrationState
from tests import factories
from tests.participation.activity_fixtures import KEY, NOW, activity

PEOPLE = 32


def test_thirty_two_sign_ups_at_once_fill_exactly_the_last_five_places(app, session):
    bureau = factories.bureau(session)
    target = activity(session, bureau, capacity=40, taken=35)
    session.commit()
    activity_id = target.id
    start, errors = threading.Barrier(PEOPLE), []

    def sign_up(n: int) -> None:
        with app.app_context():
            try:
                start.wait()
                row = db.session.get(Activity, activity_id)
                activities.sign_up(db.session, row, name=f"志愿者{n}", phone=f"137{n:08d}", key=KEY, now=NOW)
                db.session.commit()
            except Exception as error:  # noqa: BLE001 (reported below, with the thread's number)
                db.session.rollback()
                errors.append((n, repr(error)))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    session.expire_all()
    counts = dict(session.execute(select(Registration.state, func.count()).where(
        Registration.activity_id == activity_id).group_by(Registration.state)).all())
    assert counts == {RegistrationState.CONFIRMED: 5, RegistrationState.WAITLISTED: 27}
    row = session.get(Activity, activity_id)
    assert row.taken == row.capacity == 40
    assert row.waiting == 27
