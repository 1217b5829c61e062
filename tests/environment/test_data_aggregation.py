"""Rebuilding station-days, place-days and periods from the values, with hand-computed expectations."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.environment import aggregation
from app.environment.models import (AirDay, AirHour, AirPlaceDay, AirPlacePeriod, DataOrigin, DataState)
from app.extensions import db
from app.org.models import PlaceLevel
from tests import factories
from tests.environment import factories as env

BEIJING = timezone(timedelta(hours=8))
DAY = date(2026, 3, 10)


@pytest.fixture
def city(app):
    return factories.place(db.session, level=PlaceLevel.CITY)


def add_hours(station, day, values, *, rows=range(24), state=DataState.VALIDATED):
    """Hours of a Beijing day, row r labelled (r+1):00 Beijing time, with the same values each hour."""
    for r in rows:
        label = datetime(day.year, day.month, day.day, tzinfo=BEIJING) + timedelta(hours=r + 1)
        db.session.add(AirHour(station_id=station.id, observed_at=label.astimezone(timezone.utc), state=state,
                               origin=DataOrigin.IMPORT, **values))
    db.session.flush()


VALUES = dict(so2=10, no2=40, co=1.0, o3=100, pm10=60, pm25=35)


def station_day(station, day=DAY):
    return db.session.scalars(select(AirDay).where(AirDay.station_id == station.id, AirDay.day == day)).one_or_none()


def place_day(place, day=DAY):
    return db.session.scalars(select(AirPlaceDay).where(AirPlaceDay.place_id == place.id,
                                                        AirPlaceDay.day == day)).one_or_none()


def test_hour_labels_map_to_beijing_days_by_their_end():
    # 00:00–01:00 Beijing is labelled 01:00 and is the first row of that day; 24:00 is the last row.
    first = datetime(2026, 3, 10, 1, tzinfo=BEIJING)
    last = datetime(2026, 3, 11, 0, tzinfo=BEIJING)
    assert aggregation.day_and_row(first) == (DAY, 0)
    assert aggregation.day_and_row(last) == (DAY, 23)
    assert aggregation.day_and_row(first - timedelta(hours=1)) == (DAY - timedelta(days=1), 23)
    assert aggregation.hour_label(DAY, 0) == first.astimezone(timezone.utc)


def test_station_day_from_twenty_hours_is_valid_and_from_nineteen_is_not(city):
    full = env.station(db.session)
    short = env.station(db.session)
    add_hours(full, DAY, {**VALUES, "pm25": 30}, rows=range(20))
    add_hours(short, DAY, {**VALUES, "pm25": 30}, rows=range(19))
    aggregation.refresh(db.session, [(full.id, DAY), (short.id, DAY)])
    good, bad = station_day(full), station_day(short)
    assert good.pm25 == 30 and good.so2 == 10 and good.co == 1.0
    assert good.origin == DataOrigin.COMPUTED and good.state == DataState.VALIDATED
    # 20 hours of O3 (rows 0…19) give 15 eight-hour windows of ≥ 6 hours ending 08:00…22:00 (≥ 14): valid.
    # PM2.5 30 → IAQI 43, PM10 60 → 55: AQI 55.
    assert good.o3_1h_max == 100 and good.o3_8h_max == 100 and good.aqi == 55
    assert bad.pm25 is None and bad.so2 is None and bad.o3_1h_max is None and bad.aqi is None


def test_full_day_aqi_and_primary_pollutant(city):
    station = env.station(db.session)
    add_hours(station, DAY, VALUES)
    aggregation.refresh(db.session, [(station.id, DAY)])
    row = station_day(station)
    # PM2.5 35 → IAQI 50, PM10 60 → 55, NO2 40 → 50, O3 8h 100 → 50, O3 1h 100 → 32: AQI 55 from PM10.
    assert row.o3_8h_max == 100 and row.aqi == 55 and row.primary_pollutants == "pm10"


def test_day_boundary_is_beijing_midnight_by_hour_end(city):
    station = env.station(db.session)
    add_hours(station, DAY, {**VALUES, "pm25": 20})
    # The hour labelled 00:00 of DAY (23:00–24:00 of the day before) must not count in DAY.
    before = datetime(2026, 3, 10, 0, tzinfo=BEIJING).astimezone(timezone.utc)
    db.session.add(AirHour(station_id=station.id, observed_at=before, state=DataState.VALIDATED,
                           origin=DataOrigin.IMPORT, pm25=500))
    db.session.flush()
    aggregation.refresh(db.session, [(station.id, DAY), (station.id, DAY - timedelta(days=1))])
    assert station_day(station).pm25 == 20
    previous = station_day(station, DAY - timedelta(days=1))
    assert previous is not None and previous.pm25 is None  # one hour is not a valid day


def test_one_provisional_hour_makes_the_day_provisional(city):
    station = env.station(db.session)
    add_hours(station, DAY, VALUES, rows=range(23))
    add_hours(station, DAY, VALUES, rows=[23], state=DataState.PROVISIONAL)
    aggregation.refresh(db.session, [(station.id, DAY)])
    assert station_day(station).state == DataState.PROVISIONAL
    assert place_day(city).provisional is True


def test_imported_day_is_kept_and_not_recomputed_from_hours(city):
    station = env.station(db.session)
    db.session.add(AirDay(station_id=station.id, day=DAY, pm25=12, state=DataState.VALIDATED,
                          origin=DataOrigin.IMPORT))
    add_hours(station, DAY, VALUES)
    aggregation.refresh(db.session, [(station.id, DAY)])
    row = station_day(station)
    assert row.origin == DataOrigin.IMPORT and row.pm25 == 12
    assert place_day(city).pm25 == 12


def test_city_means_over_national_and_provincial_stations_district_over_all(city):
    district = factories.place(db.session)
    national = env.station(db.session, place=district, control_level="national")
    provincial = env.station(db.session, place=district, control_level="provincial")
    municipal = env.station(db.session, place=district, control_level="municipal")
    other = factories.place(db.session)
    elsewhere = env.station(db.session, place=other, control_level="municipal")
    add_hours(national, DAY, {**VALUES, "pm25": 30})
    add_hours(provincial, DAY, {**VALUES, "pm25": 50}, state=DataState.PROVISIONAL)
    add_hours(municipal, DAY, {**VALUES, "pm25": 70})
    add_hours(elsewhere, DAY, {**VALUES, "pm25": 90})
    aggregation.refresh(db.session, [(s.id, DAY) for s in (national, provincial, municipal, elsewhere)])
    city_row, district_row, other_row = place_day(city), place_day(district), place_day(other)
    assert (city_row.pm25, city_row.stations, city_row.provisional) == (40, 2, True)
    assert (district_row.pm25, district_row.stations) == (50, 3)
    assert (other_row.pm25, other_row.stations, other_row.provisional) == (90, 1, False)
    # The AQI is recomputed from the means: PM2.5 40 → IAQI 56.25 → 57, above PM10 60 → 55.
    assert city_row.aqi == 57 and city_row.primary_pollutants == "pm25"


def test_inactive_station_and_invalid_days_are_left_out_and_empty_place_days_go(city):
    district = factories.place(db.session)
    station = env.station(db.session, place=district)
    gone = env.station(db.session, place=district, active=False)
    add_hours(station, DAY, VALUES)
    add_hours(gone, DAY, {**VALUES, "pm25": 300})
    aggregation.refresh(db.session, [(station.id, DAY), (gone.id, DAY)])
    assert place_day(district).pm25 == 35 and place_day(district).stations == 1
    db.session.execute(AirHour.__table__.delete().where(AirHour.station_id == station.id))
    aggregation.refresh(db.session, [(station.id, DAY)])
    assert station_day(station) is None
    assert place_day(district) is None and place_day(city) is None
    assert db.session.scalars(select(AirPlacePeriod).where(AirPlacePeriod.place_id == district.id)).all() == []


def test_month_and_year_periods(city):
    station = env.station(db.session)
    keys = []
    # Three days: PM2.5 35, 80 and 50 (AQI 55, 106, 69); all validated.
    for offset, pm25 in enumerate((35, 80, 50)):
        day = DAY + timedelta(days=offset)
        add_hours(station, day, {**VALUES, "pm25": pm25})
        keys.append((station.id, day))
    aggregation.refresh(db.session, keys)
    month = db.session.scalars(select(AirPlacePeriod).where(AirPlacePeriod.place_id == city.id,
                                                            AirPlacePeriod.period == "2026-03")).one()
    year = db.session.scalars(select(AirPlacePeriod).where(AirPlacePeriod.place_id == city.id,
                                                           AirPlacePeriod.period == "2026")).one()
    assert month.valid_days == 3 and month.good_days == 2
    assert month.good_ratio == pytest.approx(200 / 3)
    assert month.pm25 == pytest.approx(55) and month.days_by_level == "0,2,1,0,0,0"
    assert month.co_p95 == pytest.approx(1.0) and month.o3_8h_p90 == pytest.approx(100)
    assert month.meets_grade2 is None and month.annual_valid is False and month.provisional is False
    assert year.valid_days == 3 and year.meets_grade2 is False and year.annual_valid is False


def test_rebuild_all_matches_refresh_and_removes_orphans(city):
    station = env.station(db.session)
    add_hours(station, DAY, VALUES)
    add_hours(station, date(2026, 4, 1), {**VALUES, "pm25": 75})
    db.session.add(AirPlaceDay(place_id=city.id, day=date(2025, 1, 1), stations=1, provisional=False, pm25=1))
    db.session.flush()
    aggregation.rebuild_all(db.session)
    assert station_day(station).aqi == 55 and station_day(station, date(2026, 4, 1)).pm25 == 75
    assert place_day(city, date(2025, 1, 1)) is None
    periods = set(db.session.scalars(select(AirPlacePeriod.period).where(AirPlacePeriod.place_id == city.id)))
    assert periods == {"2026-03", "2026-04", "2026"}


def test_refresh_without_keys_changes_nothing(city):
    aggregation.refresh(db.session, [])
    assert db.session.scalars(select(AirPlaceDay)).all() == []
