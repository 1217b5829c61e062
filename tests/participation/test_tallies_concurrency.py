"""The figures' tallies under concurrency, each step in its own thread, app context, session and real commit (the
SQLite file database in WAL mode, or PostgreSQL when the run is pointed at it): hours confirmed at once for twelve
activities of one district add up on the one tally row; six organisers closing one activity at once count it once;
six answers to one suggestion count it answered once."""
import threading
from datetime import timedelta

from app.errors import ActionRefused
from app.extensions import db
from app.participation import activities, suggestions, tallies, volunteers
from app.participation.models import Activity, Registration, Suggestion
from tests import factories
from tests.participation import consultations_fixtures as advice
from tests.participation.volunteer_fixtures import activity, registration


def _at_once(app, count: int, work) -> list[str]:
    """Run work(n) for n in range(count) in threads released together; each result "done", "refused: …" or
    "error: …" (an error fails the tests below)."""
    start, results, lock = threading.Barrier(count), [], threading.Lock()

    def run(n: int) -> None:
        with app.test_request_context("/?lang=en"):
            start.wait()
            try:
                work(n)
                db.session.commit()
                result = "done"
            except ActionRefused as refused:
                db.session.rollback()
                result = f"refused: {refused}"
            except Exception as error:  # noqa: BLE001 (a lock error lands here and fails the test)
                db.session.rollback()
                result = f"error: {error!r}"
            finally:
                db.session.remove()
            with lock:
                results.append(result)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_hours_confirmed_at_once_for_one_district_all_add_up(app, session, staff):
    district = factories.place(session)
    signed = [registration(session, activity(session, staff["bureaus"]["home"], place=district),
                           phone=f"1380000{n:04d}") for n in range(12)]
    session.commit()
    ids, admin_id = [r.id for r in signed], staff["admin"].id
    year = tallies.local_year(signed[0].activity.starts_at)

    def confirm(n: int) -> None:
        admin = db.session.get(type(staff["admin"]), admin_id)
        volunteers.confirm_hours(db.session, admin, db.session.get(Registration, ids[n]), 1 + n / 4)

    assert _at_once(app, 12, confirm) == ["done"] * 12
    session.expire_all()
    assert tallies.stored(session) == {(year, district.id, tallies.HOURS): sum(100 + 25 * n for n in range(12))}
    assert tallies.differences(session) == {}


def test_six_organisers_closing_one_activity_at_once_count_it_once(app, session, staff):
    held = activity(session, staff["bureaus"]["home"])
    session.commit()
    activity_id, admin_id = held.id, staff["admin"].id

    def close(n: int) -> None:
        admin = db.session.get(type(staff["admin"]), admin_id)
        activities.close_activity(db.session, admin, db.session.get(Activity, activity_id), attendance=10 + n,
                                  summary_zh_hans="活动顺利完成。")

    results = _at_once(app, 6, close)
    assert results.count("done") == 1, results
    assert all(result.startswith("refused") for result in results if result != "done"), results
    session.expire_all()
    closed = session.get(Activity, activity_id)
    year = tallies.local_year(closed.starts_at)
    assert tallies.stored(session) == {(year, closed.place_id, tallies.HELD): 1,
                                       (year, closed.place_id, tallies.PARTICIPANTS): closed.attendance}


def test_six_answers_to_one_suggestion_at_once_count_it_answered_once(app, session, staff):
    district = factories.place(session)
    row, _code = advice.published(session, staff["admin"], bureau_id=staff["bureaus"]["home"].id,
                                  place_id=district.id)
    session.commit()
    row_id, admin_id = row.id, staff["admin"].id
    published_at = row.published_at

    def answer(n: int) -> None:
        admin = db.session.get(type(staff["admin"]), admin_id)
        suggestions.answer_suggestion(db.session, admin, db.session.get(Suggestion, row_id), adoption="adopted",
                                      answer=f"已采纳（{n}）。", now=published_at + timedelta(days=1))

    results = _at_once(app, 6, answer)
    assert results.count("done") == 1, results
    session.expire_all()
    year = tallies.local_year(session.get(Suggestion, row_id).submitted_at)
    assert tallies.stored(session) == {(year, district.id, tallies.SUGGESTIONS): 1,
                                       (year, district.id, tallies.ANSWERED): 1,
                                       (year, district.id, tallies.ON_TIME): 1}
