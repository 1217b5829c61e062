"""The participation figures on hand-built rows: every number checked by hand, the on-time boundary, district
against city, and a flat number of SQL statements however many sign-ups there are."""
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from app.extensions import db
from app.org.models import PlaceLevel
from app.participation.figures import year_figures
from app.participation.models import ActivityState, RegistrationState, SuggestionState
from tests import factories
from tests.participation import figures_fixtures as make
from tests.participation.figures_fixtures import at

ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def city(session):
    """The city with districts A and B and one bureau, and the rows of 2025 described in each comment."""
    city = factories.place(session, level=PlaceLevel.CITY, code="city", sort_order=0)
    a = factories.place(session, code="a", name_zh_hans="甲区", sort_order=1)
    b = factories.place(session, code="b", name_zh_hans="乙区", sort_order=2)
    bureau = factories.bureau(session)
    # A: three held (a1, a2, and a5 just after midnight on 1 January, city time), one cancelled, one in 2024.
    a1 = make.activity(session, bureau=bureau, place=a, starts_at=at(2025, 3, 12), attendance=30)
    make.registration(session, a1, group_size=2, hours=3.0)  # attendance recorded: sign-ups not added
    make.registration(session, a1, hours=2.5)
    a2 = make.activity(session, bureau=bureau, place=a, starts_at=at(2025, 6, 5))  # no attendance: sign-ups count
    make.registration(session, a2, group_size=2)
    make.registration(session, a2)
    make.registration(session, a2, state=RegistrationState.CONFIRMED, hours=4.0, confirmed=False)
    make.registration(session, a2, state=RegistrationState.CANCELLED)
    make.activity(session, bureau=bureau, place=a, starts_at=at(2025, 4, 1), state=ActivityState.CANCELLED,
                  attendance=None)
    make.activity(session, bureau=bureau, place=a, starts_at=at(2024, 12, 31, 23), attendance=70)
    make.activity(session, bureau=bureau, place=a, starts_at=at(2025, 1, 1, 0), attendance=10)
    # B: one held with 20 people and 2 hours; the city itself: one with 100 people.
    b1 = make.activity(session, bureau=bureau, place=b, starts_at=at(2025, 9, 1), attendance=20)
    make.registration(session, b1, hours=2.0)
    make.activity(session, bureau=bureau, place=city, starts_at=at(2025, 5, 1), attendance=100)
    make.activity(session, bureau=bureau, place=city, starts_at=at(2025, 12, 1), state=ActivityState.PUBLISHED)
    # Facilities: A's holds 2 days (min 2: met; 15 visitors), B's 1 day of 6 (7 visitors); an inactive one.
    fa = make.facility(session, bureau=bureau, place=a, min_open_days=2)
    make.slot(session, fa, date(2025, 5, 1), visitors=10)
    make.slot(session, fa, date(2025, 5, 1), visitors=5)
    make.slot(session, fa, date(2025, 6, 1))
    make.slot(session, fa, date(2025, 7, 1), visitors=99, cancelled=True)
    fb = make.facility(session, bureau=bureau, place=b)
    make.slot(session, fb, date(2025, 5, 2), visitors=7)
    make.slot(session, fb, date(2024, 5, 2), visitors=50)
    make.facility(session, bureau=bureau, place=b, active=False)
    # Suggestions: A answered on its due date late in the evening (on time) and 10 minutes after midnight (late),
    # one published with the answer due 1 April, one rejected; B one awaiting moderation; one without a district
    # answered early; one from 2024.
    make.suggestion(session, place=a, submitted_at=at(2025, 3, 1), state=SuggestionState.ANSWERED,
                    answer_due=date(2025, 3, 20), answered_at=at(2025, 3, 20, 23))
    make.suggestion(session, place=a, submitted_at=at(2025, 3, 1), state=SuggestionState.ANSWERED,
                    answer_due=date(2025, 3, 20), answered_at=at(2025, 3, 21, 0))
    make.suggestion(session, place=a, submitted_at=at(2025, 3, 2), state=SuggestionState.PUBLISHED,
                    answer_due=date(2025, 4, 1))
    make.suggestion(session, place=a, submitted_at=at(2025, 3, 3), state=SuggestionState.REJECTED)
    make.suggestion(session, place=b, submitted_at=at(2025, 3, 4))
    make.suggestion(session, submitted_at=at(2025, 7, 1), state=SuggestionState.ANSWERED,
                    answer_due=date(2025, 8, 1), answered_at=at(2025, 7, 15))
    make.suggestion(session, place=a, submitted_at=at(2024, 7, 1))
    make.tallied(session)
    return {"city": city, "a": a, "b": b, "bureau": bureau}


def test_each_districts_figures_are_counted_by_hand(session, city):
    figures = year_figures(session, 2025, today=date(2026, 1, 10), zone=ZONE)
    a, b = figures.districts
    assert a.place.code == "a" and b.place.code == "b"
    assert (a.activities_held, a.participants, a.volunteer_hours) == (3, 30 + 3 + 10, 5.5)
    assert (a.visits, a.facilities_met, a.facilities) == (15, 1, 1)
    assert (a.suggestions, a.answered, a.on_time, a.due) == (4, 2, 1, 3)
    assert a.on_time_share == pytest.approx(1 / 3)
    assert (b.activities_held, b.participants, b.volunteer_hours, b.visits) == (1, 20, 2.0, 7)
    assert (b.facilities_met, b.facilities) == (0, 1)
    assert (b.suggestions, b.answered, b.due, b.on_time_share) == (1, 0, 0, None)


def test_the_city_total_adds_what_was_recorded_at_the_city_and_without_a_district(session, city):
    total = year_figures(session, 2025, today=date(2026, 1, 10), zone=ZONE).city
    assert total.place.code == "city"
    assert (total.activities_held, total.participants, total.volunteer_hours) == (5, 163, 7.5)
    assert (total.visits, total.facilities_met, total.facilities) == (22, 1, 2)
    assert (total.suggestions, total.answered, total.on_time, total.due) == (6, 3, 2, 4)
    assert total.on_time_share == 0.5


def test_the_due_date_itself_counts_as_on_time_in_city_time(session, city):
    """Answered 23:00 on the due date (15:00 UTC) is on time; 00:00 the day after (16:00 UTC, still the due date
    in UTC) is late."""
    a = year_figures(session, 2025, today=date(2026, 1, 10), zone=ZONE).districts[0]
    assert (a.answered, a.on_time) == (2, 1)


def test_a_suggestion_counts_as_due_only_once_its_due_date_has_passed(session, city):
    on_due_date = year_figures(session, 2025, today=date(2025, 4, 1), zone=ZONE).districts[0]
    day_after = year_figures(session, 2025, today=date(2025, 4, 2), zone=ZONE).districts[0]
    assert (on_due_date.due, day_after.due) == (2, 3)


def test_open_days_still_to_come_are_not_yet_held(session, city):
    """A facility with a minimum of 2 has held 1 May by 31 May (not met) and 1 June too on 1 June (met)."""
    before = year_figures(session, 2025, today=date(2025, 5, 31), zone=ZONE).districts[0]
    on_day = year_figures(session, 2025, today=date(2025, 6, 1), zone=ZONE).districts[0]
    assert (before.facilities_met, on_day.facilities_met) == (0, 1)


def test_another_year_counts_only_its_own_rows(session, city):
    figures = year_figures(session, 2024, today=date(2026, 1, 10), zone=ZONE)
    assert (figures.city.activities_held, figures.city.participants, figures.city.visits,
            figures.city.suggestions) == (1, 70, 50, 1)


def test_a_year_without_anything_is_all_zero(session, city):
    total = year_figures(session, 2019, today=date(2026, 1, 10), zone=ZONE).city
    assert (total.activities_held, total.participants, total.volunteer_hours, total.visits, total.suggestions,
            total.on_time_share) == (0, 0, 0.0, 0, 0, None)
    assert total.facilities == 2  # the active facilities, none of which held an open day that year


def statements(session, work) -> int:
    count = 0

    def counted(*_args):
        nonlocal count
        count += 1

    engine = db.engine
    event.listen(engine, "before_cursor_execute", counted)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    return count


def test_the_number_of_statements_does_not_grow_with_the_sign_ups(app, session, city, client):
    app.config["PARTICIPATION_HEADLINE_SECONDS"] = 0  # count the landing page's figures each time

    def run():
        year_figures(session, 2025, today=date(2026, 1, 10), zone=ZONE)
        assert client.get("/participation/figures?year=2025&lang=en").status_code == 200
        assert client.get("/participation/?lang=en").status_code == 200

    few = statements(session, run)
    bureau, a = city["bureau"], city["a"]
    for _ in range(30):
        act = make.activity(session, bureau=bureau, place=a, starts_at=at(2025, 10, 1), capacity=500)
        for _ in range(10):
            make.registration(session, act, hours=1.5)
    make.tallied(session)
    many = statements(session, run)
    assert many == few
    assert year_figures(session, 2025, today=date(2026, 1, 10), zone=ZONE).districts[0].participants == 43 + 300


def test_the_landing_pages_figures_are_counted_at_most_once_a_minute(app, session, city, client):
    first = statements(session, lambda: client.get("/participation/?lang=en"))
    again = statements(session, lambda: client.get("/participation/?lang=en"))
    assert again < first  # the headline figures were kept
    app.config["PARTICIPATION_HEADLINE_SECONDS"] = 0
    assert statements(session, lambda: client.get("/participation/?lang=en")) == first
