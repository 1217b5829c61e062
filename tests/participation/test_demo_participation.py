"""The demo participation: every state a visitor should see is there, marked as demo data, with fictional phone
numbers, and loading it twice adds nothing."""
from sqlalchemy import func, select

from app.accounts.models import User
from app.demo import participation as demo
from app.demo.seed import BUREAUS, CITY, DISTRICTS
from app.extensions import db
from app.i18n import local_today, site_zone
from app.org.models import Bureau, Place, PlaceLevel
from app.participation import tallies
from app.participation.figures import year_figures
from app.participation.models import (Activity, ActivityState, Booking, BookingState, Consultation,
                                      ConsultationState, Facility, Registration, RegistrationState, Suggestion,
                                      SuggestionState, VisitSlot)
from tests import factories

COUNTED = (Activity, Registration, Facility, VisitSlot, Booking, Consultation, Suggestion)
KEY = "test-secret-key-not-for-production"


def demo_city(session) -> User:
    """The demo's places and bureaus (by their codes), and an admin."""
    session.add(Place(level=PlaceLevel.CITY, **CITY))
    for order, (code, zh_hans, zh_hant, en, kind, terrain, population) in enumerate(DISTRICTS, start=1):
        session.add(Place(level=PlaceLevel.DISTRICT, code=code, name_zh_hans=zh_hans, name_zh_hant=zh_hant,
                          name_en=en, kind=kind, terrain=terrain, region="central", moisture="humid",
                          population=population, sort_order=order))
    for code, zh_hans, zh_hant, en in BUREAUS:
        session.add(Bureau(code=code, name_zh_hans=zh_hans, name_zh_hant=zh_hant, name_en=en))
    session.flush()
    return factories.user(session, username="admin")


def load(session, admin) -> dict:
    created = demo.load(session, admin, KEY, today=local_today(), zone=site_zone())
    session.commit()
    return created


def counts(session) -> dict:
    return {model.__name__: session.scalar(select(func.count()).select_from(model)) for model in COUNTED}


def test_the_demo_shows_every_state_once_and_twice_adds_nothing(app, session):
    admin = demo_city(session)
    first = load(session, admin)
    assert first["participation_activities"] == len(demo.HELD) + len(demo.LAST_YEAR) + 4
    before = counts(session)
    assert load(session, admin) == {"participation_activities": 0, "participation_facilities": 0,
                                    "participation_suggestions": 0}
    assert counts(session) == before

    states = set(session.scalars(select(Activity.state)))
    assert states == {ActivityState.CLOSED, ActivityState.PUBLISHED, ActivityState.CANCELLED}
    assert session.scalar(select(func.count()).select_from(Activity).where(
        Activity.state == ActivityState.CLOSED, Activity.attendance > 0)) == len(demo.HELD) + len(demo.LAST_YEAR)
    open_ones = session.scalars(select(Activity).where(Activity.state == ActivityState.PUBLISHED)).all()
    assert sum(1 for a in open_ones if a.places_left > 0) == 2
    full = [a for a in open_ones if a.places_left == 0]
    assert len(full) == 1 and full[0].waiting == 2 and full[0].taken == full[0].capacity
    assert set(session.scalars(select(Registration.state))) == {
        RegistrationState.ATTENDED, RegistrationState.CONFIRMED, RegistrationState.WAITLISTED}
    assert session.scalar(select(func.sum(Registration.hours)).where(
        Registration.hours_confirmed_at.is_not(None))) > 0
    # The counters agree with the sign-ups they count.
    for activity in session.scalars(select(Activity)):
        taken = session.scalar(select(func.coalesce(func.sum(Registration.group_size), 0)).where(
            Registration.activity_id == activity.id,
            Registration.state.in_([RegistrationState.CONFIRMED, RegistrationState.ATTENDED])))
        waiting = session.scalar(select(func.coalesce(func.sum(Registration.group_size), 0)).where(
            Registration.activity_id == activity.id, Registration.state == RegistrationState.WAITLISTED))
        assert (activity.taken, activity.waiting) == (taken, waiting), activity.title_zh_hans

    # The figures' tallies, kept by the services the demo goes through, equal the count from its rows.
    assert tallies.differences(session) == {} and tallies.stored(session)
    figures = year_figures(session, local_today().year, today=local_today(), zone=site_zone()).city
    assert figures.facilities == 3 and figures.facilities_met <= 2  # the waste plant holds 3 of its 6
    assert session.scalar(select(func.sum(VisitSlot.visitors))) > 0
    assert session.scalar(select(func.count()).select_from(Booking)) > 0
    called_off = session.scalars(select(Booking).where(Booking.state == BookingState.SLOT_CANCELLED)).all()
    assert len(called_off) == 1 and called_off[0].slot.cancelled and called_off[0].slot.taken == 0

    closed = session.scalar(select(Consultation).where(Consultation.state == ConsultationState.CLOSED))
    assert closed.title_zh_hans == "我为生态建设献一计" and "采纳" in closed.summary_zh_hans
    assert session.scalar(select(func.count()).select_from(Consultation).where(
        Consultation.state == ConsultationState.PUBLISHED)) == 1
    assert set(session.scalars(select(Suggestion.state))) == set(SuggestionState)
    assert session.scalar(select(func.count()).select_from(Suggestion).where(
        Suggestion.consultation_id.is_(None), Suggestion.state == SuggestionState.PUBLISHED,
        Suggestion.answer_due < local_today())) == 1  # overdue: red


def test_the_demo_is_marked_and_its_phones_are_fictional(app, session):
    load(session, demo_city(session))
    assert all(demo.DEMO in a.description_zh_hans for a in session.scalars(select(Activity)))
    assert all(demo.DEMO in f.description_zh_hans for f in session.scalars(select(Facility)))
    assert all(demo.DEMO in c.background_zh_hans for c in session.scalars(select(Consultation)))
    phones = [*session.scalars(select(Registration.phone)), *session.scalars(select(Booking.contact_phone)),
              *session.scalars(select(Suggestion.phone).where(Suggestion.phone != ""))]
    assert phones and all(p.startswith("138000000") for p in phones)


def test_the_public_pages_show_the_demo(app, session, client):
    load(session, demo_city(session))
    db.session.remove()
    landing = client.get("/participation/?lang=en").get_data(as_text=True)
    assert "冬季护林宣传与补植" in landing and "云溪市城东污水处理厂" in landing
    assert "云溪市生态文明建设示范市规划（征求意见稿）" in landing
    assert client.get(f"/participation/figures?year={local_today().year}").status_code == 200
    last_year = year_figures(session, local_today().year - 1, today=local_today(), zone=site_zone()).city
    assert last_year.activities_held == len(demo.LAST_YEAR) and last_year.volunteer_hours > 0
