"""The running tallies behind the participation figures: after a random sequence of the steps that change them, on
activities, sign-ups, volunteer hours, open days and suggestions in several districts and across a year's boundary,
they equal the count from the rows; each step adds to them in its own transaction; the command checks and rebuilds
them."""
import random
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.db_types import utcnow
from app.errors import ActionRefused
from app.participation import activities, open_days, suggestions, tallies, volunteers
from app.participation.evidence import participation_evidence
from app.participation.figures import year_figures
from app.participation.models import (Activity, ActivityState, ParticipationTally, Registration, RegistrationState,
                                      SuggestionState, VisitSlot)
from tests import factories
from tests.participation import consultations_fixtures as advice
from tests.participation.open_day_fixtures import KEY, facility

ZONE = ZoneInfo("Asia/Shanghai")
BEIJING = timezone(timedelta(hours=8))


def _activity(session, admin, bureau, place, starts: datetime, *, capacity: int = 12) -> Activity:
    """A published activity through the service, its sign-up open until a day before it starts."""
    activity = activities.create_activity(session, admin, activities.ActivityInput(
        kind="tree_planting", title_zh_hans="植树", venue_zh_hans="东湖绿道", bureau_id=bureau.id, place_id=place.id,
        starts_at=starts, ends_at=starts + timedelta(hours=3), signup_opens_at=starts - timedelta(days=20),
        signup_closes_at=starts - timedelta(days=1), capacity=capacity, max_group_size=3, volunteer_hours=2.0))
    activities.publish_activity(session, admin, activity, now=starts - timedelta(days=20))
    return activity


def _signing_up(activity: Activity) -> datetime:
    return activity.signup_opens_at + timedelta(hours=1)


def _moved_input(activity: Activity, *, place_id: int, shift: timedelta) -> activities.ActivityInput:
    return activities.ActivityInput(
        kind=activity.kind.value, title_zh_hans=activity.title_zh_hans, venue_zh_hans=activity.venue_zh_hans,
        bureau_id=activity.bureau_id, place_id=place_id, starts_at=activity.starts_at + shift,
        ends_at=activity.ends_at + shift, signup_opens_at=activity.signup_opens_at + shift,
        signup_closes_at=activity.signup_closes_at + shift, capacity=activity.capacity,
        max_group_size=activity.max_group_size, volunteer_hours=activity.volunteer_hours)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_after_a_random_sequence_of_steps_the_tallies_equal_the_count_from_the_rows(session, staff, seed):
    rng = random.Random(seed)
    admin = staff["admin"]
    bureau = staff["bureaus"]["home"]
    districts = [factories.place(session) for _ in range(3)]
    now = utcnow()
    # Held activities (ended, so hours can be confirmed), one starting half an hour into 1 January (city time):
    # it counts in that year, not the one before, as UTC would have it.
    new_year = datetime(now.astimezone(BEIJING).year, 1, 1, 0, 30, tzinfo=BEIJING)
    starts = [new_year, new_year - timedelta(hours=1)] + [now - timedelta(days=rng.randint(2, 300)) for _ in range(6)]
    held = [_activity(session, admin, bureau, rng.choice(districts), moment) for moment in starts]
    plants = [facility(session, bureau, district=rng.choice(districts)) for _ in range(2)]
    slots = []
    for plant in plants:
        slots += open_days.add_open_day(
            session, admin, plant, (now - timedelta(days=rng.randint(1, 200))).astimezone(ZONE).date(),
            [open_days.SlotInput(time(9), time(11), 30)],
            ZONE, today=(now - timedelta(days=400)).date())
        slots += open_days.add_open_day(
            session, admin, plant, (now + timedelta(days=rng.randint(5, 30))).astimezone(ZONE).date(),
            [open_days.SlotInput(time(9), time(11), 30)],
            ZONE, today=now.date())
    consultation = advice.consultation(session, admin, bureau)
    phone = iter(range(10_000, 99_999))

    def sign_up() -> None:
        activity = rng.choice(held)
        if activity.state == ActivityState.PUBLISHED:
            activities.sign_up(session, activity, name="李四", phone=f"139{next(phone):08d}", key=KEY,
                               group_size=rng.randint(1, 3), keep_volunteer_record=rng.random() < 0.7,
                               now=_signing_up(activity))

    def registrations(state: RegistrationState) -> list[Registration]:
        return list(session.scalars(select(Registration).where(Registration.state == state)
                                    .order_by(Registration.id)))

    def cancel_sign_up() -> None:
        live = registrations(RegistrationState.CONFIRMED) + registrations(RegistrationState.WAITLISTED)
        if live:
            chosen = rng.choice(live)
            if chosen.activity.state == ActivityState.PUBLISHED:
                activities.cancel_registration(session, chosen, now=_signing_up(chosen.activity))

    def check_in() -> None:
        if confirmed := registrations(RegistrationState.CONFIRMED):
            activities.check_in(session, admin, rng.choice(confirmed))

    def undo_check_in() -> None:
        if attended := registrations(RegistrationState.ATTENDED):
            activities.undo_check_in(session, admin, rng.choice(attended), reason="点错了")

    def confirm_hours() -> None:
        volunteering = [r for r in registrations(RegistrationState.ATTENDED) if r.volunteer_id is not None]
        if volunteering:
            chosen = rng.choice(volunteering)
            volunteers.confirm_hours(session, admin, chosen, rng.choice([0.5, 1.25, 2, 3.75, 4]), reason="更正")

    def close() -> None:
        activity = rng.choice(held)
        if activity.state == ActivityState.PUBLISHED:
            activities.close_activity(session, admin, activity, attendance=rng.randint(0, 40),
                                      summary_zh_hans="活动顺利完成。")

    def move_activity() -> None:
        activity = rng.choice(held)
        if activity.state == ActivityState.PUBLISHED:
            shift = rng.choice([timedelta(0), timedelta(days=-366), timedelta(hours=-2)])
            activities.update_activity(session, admin, activity,
                                       _moved_input(activity, place_id=rng.choice(districts).id, shift=shift))

    def record_visit() -> None:
        slot = rng.choice(slots)
        if not slot.cancelled and slot.starts_at <= utcnow():
            open_days.record_visit(session, admin, slot, rng.randint(0, 30), {})

    def cancel_slot() -> None:
        slot = rng.choice(slots)
        if not slot.cancelled and slot.starts_at > utcnow():
            open_days.cancel_slot(session, admin, slot)

    def move_facility() -> None:
        plant = rng.choice(plants)
        open_days.update_facility(session, admin, plant, open_days.FacilityInput(
            kind=plant.kind, name_zh_hans=plant.name_zh_hans, address_zh_hans=plant.address_zh_hans,
            bureau_id=plant.bureau_id, place_id=rng.choice(districts).id))

    def suggest() -> None:
        place = rng.choice([None, *districts])
        row, _code = advice.suggestion(session, rng.choice([None, consultation]),
                                       place_id=place.id if place else None)
        if rng.random() < 0.8:
            published_at = utcnow() - timedelta(days=rng.randint(0, 40))
            suggestions.publish_suggestion(session, admin, row, public_body=row.public_body, rules=advice.rules(),
                                           bureau_id=bureau.id, now=published_at)

    def answer() -> None:
        waiting = list(session.scalars(select(suggestions.Suggestion).where(
            suggestions.Suggestion.state == SuggestionState.PUBLISHED)))
        if waiting:
            row = rng.choice(waiting)
            suggestions.answer_suggestion(session, admin, row, adoption="adopted", answer="已采纳。",
                                          now=row.published_at + timedelta(days=rng.randint(0, 40)))

    steps = ([sign_up] * 6 + [check_in] * 4 + [confirm_hours] * 3 + [suggest] * 2
             + [cancel_sign_up, undo_check_in, close, move_activity, record_visit, cancel_slot, move_facility, answer])
    done = 0
    for _ in range(200):
        try:
            rng.choice(steps)()
            session.commit()
            done += 1
        except ActionRefused:
            session.rollback()  # a step its state does not allow (a full activity, a second correction …)
    assert done > 120
    assert tallies.stored(session) == tallies.from_rows(session)
    assert tallies.differences(session) == {}
    names = {name for (_year, _place, name) in tallies.stored(session)}
    assert {tallies.HELD, tallies.HOURS, tallies.VISITS, tallies.SUGGESTIONS, tallies.ANSWERED} <= names


def test_an_activity_counts_in_the_year_it_starts_in_city_time(session, staff):
    district = factories.place(session)
    activity = _activity(session, staff["admin"], staff["bureaus"]["home"], district,
                         datetime(2025, 1, 1, 0, 30, tzinfo=BEIJING))
    activities.close_activity(session, staff["admin"], activity, attendance=9, summary_zh_hans="完成。")
    assert tallies.stored(session) == {(2025, district.id, tallies.HELD): 1,
                                       (2025, district.id, tallies.PARTICIPANTS): 9}
    assert tallies.from_rows(session, ZONE) == tallies.stored(session)


def test_an_activity_moved_to_another_district_takes_its_confirmed_hours_along(session, staff):
    east, west = factories.place(session), factories.place(session)
    activity = _activity(session, staff["admin"], staff["bureaus"]["home"], east, utcnow() - timedelta(days=3))
    signed = activities.sign_up(session, activity, name="王五", phone="13900000001", key=KEY,
                                keep_volunteer_record=True, now=_signing_up(activity)).registration
    activities.check_in(session, staff["admin"], signed)
    volunteers.confirm_hours(session, staff["admin"], signed, 2.5)
    year = tallies.local_year(activity.starts_at)
    assert tallies.stored(session) == {(year, east.id, tallies.HOURS): 250}
    activities.update_activity(session, staff["admin"], activity,
                               _moved_input(activity, place_id=west.id, shift=timedelta(0)))
    assert tallies.stored(session) == {(year, west.id, tallies.HOURS): 250}
    assert tallies.differences(session) == {}


def test_the_figures_read_the_tallies_and_not_the_sign_ups(session, staff):
    """A tally changed by hand shows on the figures: they are read from it."""
    district = factories.place(session)
    session.add(ParticipationTally(year=2025, place_id=district.id, name=tallies.HOURS, total=1234))
    session.add(ParticipationTally(year=2025, place_id=district.id, name=tallies.HELD, total=3))
    session.commit()
    figures = year_figures(session, 2025, today=utcnow().date(), zone=ZONE)
    assert (figures.districts[-1].volunteer_hours, figures.districts[-1].activities_held) == (12.34, 3)
    assert (figures.city.volunteer_hours, figures.city.activities_held) == (12.34, 3)


def test_the_command_reports_differences_and_rebuilds_the_tallies(session, staff, runner):
    district = factories.place(session)
    activity = _activity(session, staff["admin"], staff["bureaus"]["home"], district,
                         datetime(2025, 5, 1, 9, tzinfo=BEIJING))
    activities.close_activity(session, staff["admin"], activity, attendance=9, summary_zh_hans="完成。")
    session.commit()
    assert "equal the counts from the rows" in runner.invoke(args=["participation-tallies"]).output
    session.execute(ParticipationTally.__table__.update().values(total=ParticipationTally.total + 5))
    session.commit()
    result = runner.invoke(args=["participation-tallies"])
    assert result.exit_code == 1
    assert f"2025 place {district.id} participants: tallied 14, counted from the rows 9" in result.output
    result = runner.invoke(args=["participation-tallies", "--rebuild"])
    assert result.exit_code == 0 and "2 corrected" in result.output
    session.expire_all()
    assert tallies.stored(session) == {(2025, district.id, tallies.HELD): 1,
                                       (2025, district.id, tallies.PARTICIPANTS): 9}


def test_a_slot_with_its_visit_recorded_cannot_be_cancelled(session, staff):
    plant = facility(session, staff["bureaus"]["home"])
    slot = VisitSlot(facility_id=plant.id, day=utcnow().date(), starts_at=utcnow() - timedelta(minutes=30),
                     ends_at=utcnow() + timedelta(hours=1), capacity=10, taken=0)
    session.add(slot)
    session.flush()
    open_days.record_visit(session, staff["admin"], slot, 7, {})
    with pytest.raises(ActionRefused, match="visit of this slot is recorded"):
        open_days.cancel_slot(session, staff["admin"], slot)
    assert not slot.cancelled
    assert tallies.stored(session) == {(slot.day.year, plant.place_id, tallies.VISITS): 7}
    open_days.record_visit(session, staff["admin"], slot, 5, {})  # a correction: the difference is added
    assert tallies.stored(session) == {(slot.day.year, plant.place_id, tallies.VISITS): 5}


def test_indicator_38s_evidence_shows_the_same_figures_as_the_figures_page(session, staff, client):
    district = factories.place(session, name_en="District A")
    session.add_all([ParticipationTally(year=2025, place_id=district.id, name=name, total=total) for name, total in
                     ((tallies.HOURS, 1234), (tallies.HELD, 3), (tallies.PARTICIPANTS, 77))])
    session.commit()
    items = dict(participation_evidence(session, 2025).items)
    assert (items["Activities held"], items["Participants"], items["Volunteer hours"]) == ("3", "77", "12.3")
    page = client.get("/participation/figures?year=2025&format=csv&lang=en").get_data(as_text=True)
    assert page.lstrip("\ufeff").splitlines()[1].startswith("City total,3,77,12.3,")
