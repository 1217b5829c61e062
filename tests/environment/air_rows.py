"""Evaluated air rows for the air page tests, inserted directly through the models (no env-data services)."""
from datetime import date, datetime, timezone

from app.environment.models import AirDay, AirHour, AirPlaceDay, AirPlacePeriod
from app.org.models import PlaceLevel
from tests import factories
from tests.environment import factories as sites


def city_and_district(session, *, district_name="白河县", district_code="hills"):
    """The city and one district, as the air pages need them."""
    city = factories.place(session, level=PlaceLevel.CITY, code="city", name_zh_hans="云溪市", name_en="Yunxi")
    district = factories.place(session, code=district_code, name_zh_hans=district_name, name_en="Baihe County")
    return city, district


def hour(session, station, observed_at: datetime, *, aqi=45, primary="", state="validated", **values) -> AirHour:
    row = AirHour(station=station, observed_at=observed_at, aqi=aqi, primary_pollutants=primary, state=state,
                  origin="import", **({"pm25": 20.0, "pm10": 40.0, "o3": 60.0} | values))
    session.add(row)
    session.flush()
    return row


def station_day(session, station, day: date, *, aqi=45, primary="", state="validated", **values) -> AirDay:
    row = AirDay(station=station, day=day, aqi=aqi, primary_pollutants=primary, state=state, origin="computed",
                 **({"pm25": 20.0, "pm10": 40.0, "o3_8h_max": 80.0, "o3_1h_max": 100.0} | values))
    session.add(row)
    session.flush()
    return row


def place_day(session, place, day: date, *, aqi=45, primary="", provisional=False, **values) -> AirPlaceDay:
    row = AirPlaceDay(place=place, day=day, aqi=aqi, primary_pollutants=primary, provisional=provisional, stations=2,
                      **({"pm25": 20.0, "pm10": 40.0, "o3_8h_max": 80.0, "o3_1h_max": 100.0} | values))
    session.add(row)
    session.flush()
    return row


def place_period(session, place, period: str, *, composite_index=3.5, good_ratio=90.0, pm25=30.0,
                 provisional=False, **values) -> AirPlacePeriod:
    defaults = dict(so2=8.0, no2=25.0, pm10=55.0, co_p95=1.1, o3_8h_p90=140.0, valid_days=30,
                    good_days=round((good_ratio or 0) * 30 / 100), days_by_level="10,17,3,0,0,0",
                    meets_grade2=None if len(period) > 4 else True, annual_valid=len(period) == 4)
    defaults.update(values)
    row = AirPlacePeriod(place=place, period=period, composite_index=composite_index, good_ratio=good_ratio,
                         pm25=pm25, provisional=provisional, **defaults)
    session.add(row)
    session.flush()
    return row


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


__all__ = ["city_and_district", "hour", "station_day", "place_day", "place_period", "utc", "sites"]
