"""The demo city's monitoring sites and data: what `flask seed-demo` loads, and that a second run adds nothing."""
import json
import random
from decimal import Decimal
from datetime import date, timedelta

from sqlalchemy import func, select

from app.demo import environment as demo
from app.environment.models import (AirDay, AirHour, AirPlaceDay, AirPlacePeriod, AirStation, DataOrigin,
                                    DataState, DrinkingSource, WaterSample, WaterSection, WaterValue)
from app.indicators.models import Indicator, IndicatorMeasure, IndicatorValue
from app.i18n import local_today
from app.org.models import Bureau, Place, PlaceLevel
from tests.environment.test_bulletin_yearly import text_of

COUNTED = (AirStation, WaterSection, DrinkingSource, AirDay, AirHour, AirPlaceDay, AirPlacePeriod, WaterSample,
           WaterValue)


def counts(session) -> dict:
    return {model.__name__: session.scalar(select(func.count()).select_from(model)) for model in COUNTED}


def test_seed_demo_loads_the_monitoring_data_once(app, runner, session, client, demo_city):
    today = local_today()
    first = counts(session)
    assert (first["AirStation"], first["WaterSection"], first["DrinkingSource"]) == (8, 10, 3)
    eeb = session.scalar(select(Bureau).where(Bureau.code == "eeb"))
    sites = [*session.scalars(select(AirStation)), *session.scalars(select(WaterSection)),
             *session.scalars(select(DrinkingSource))]
    assert {site.bureau_id for site in sites} == {eeb.id}
    assert {s.control_level.value for s in session.scalars(select(AirStation))} == {"national", "provincial",
                                                                                   "municipal"}
    assert {s.target_class for s in session.scalars(select(WaterSection))} == {2, 3, 4}
    assert sorted(s.kind.value for s in session.scalars(select(DrinkingSource))) == ["ground", "surface", "surface"]
    # The reservoir source is judged as a lake or reservoir, reports total nitrogen, and its phosphorus meets the
    # stricter limit every quarter.
    assert {s.code: s.body and s.body.value for s in session.scalars(select(DrinkingSource))} == {
        "YX-S01": "river", "YX-S02": "lake", "YX-S03": None}
    reservoir = session.scalar(select(DrinkingSource).where(DrinkingSource.code == "YX-S02"))
    reservoir_samples = session.scalars(select(WaterSample).where(WaterSample.source_id == reservoir.id)).all()
    assert reservoir_samples and all("tn" in {v.item for v in s.values} and "tp" not in s.failing.split(",")
                                     for s in reservoir_samples)
    # Every station stands inside its district's (schematic) outline box.
    for station in session.scalars(select(AirStation)):
        ring = json.loads(station.place.outline)["geometry"]["coordinates"][0]
        lons, lats = [p[0] for p in ring], [p[1] for p in ring]
        assert min(lats) <= station.latitude <= max(lats) and min(lons) <= station.longitude <= max(lons)

    # Two full years and this one, a daily AQI each day up to yesterday, and today too once 20 of its hours are in
    # (after 20:00 Beijing time: GB 3095 asks 20 valid hours for a 24-hour mean).
    station = session.scalar(select(AirStation).where(AirStation.code == "YX-A01"))
    days = session.scalars(select(AirDay.day).where(AirDay.station_id == station.id,
                                                    AirDay.aqi.is_not(None))).all()
    assert min(days) == date(today.year - 2, 1, 1) and max(days) in (today - timedelta(days=1), today)
    assert len(set(days)) == (max(days) - date(today.year - 2, 1, 1)).days + 1
    assert session.scalar(select(func.count()).select_from(AirDay).where(AirDay.origin == DataOrigin.DEMO)) > 8000
    city = session.scalar(select(Place).where(Place.level == PlaceLevel.CITY))
    assert session.scalar(select(func.max(AirPlaceDay.aqi)).where(AirPlaceDay.place_id == city.id)) > 200
    # Winter particles above summer ones, summer ozone above winter's, in the last full year.
    year = today.year - 1
    months = {row.period: row for row in session.scalars(select(AirPlacePeriod).where(
        AirPlacePeriod.place_id == city.id, AirPlacePeriod.period.in_([f"{year}-01", f"{year}-07"])))}
    assert months[f"{year}-01"].pm25 > 1.5 * months[f"{year}-07"].pm25
    assert months[f"{year}-07"].o3_8h_p90 > 1.5 * months[f"{year}-01"].o3_8h_p90
    assert session.get(Place, city.id) and session.scalar(select(AirPlacePeriod.annual_valid).where(
        AirPlacePeriod.place_id == city.id, AirPlacePeriod.period == str(year)))

    # The last 72 hours, the last 24 of them provisional; the place-days they make are provisional too.
    states = dict(session.execute(select(AirHour.state, func.count()).group_by(AirHour.state)).all())
    assert states[DataState.PROVISIONAL] == 8 * 24 and states[DataState.VALIDATED] == 8 * 48
    assert session.scalar(select(AirPlaceDay.provisional).where(
        AirPlaceDay.place_id == city.id, AirPlaceDay.day == today - timedelta(days=1)))

    # One section fails its target in the summer months only; some values are below detection, kept as such.
    failing = session.scalars(select(WaterSample.period).join(WaterSection, WaterSection.id == WaterSample.section_id)
                              .where(WaterSample.meets_target.is_(False))).all()
    assert failing and {int(period[5:]) for period in failing} == {6, 7, 8}
    below = session.scalar(select(WaterValue).where(WaterValue.below_detection.is_(True)).limit(1))
    assert below.reported.endswith("L")
    # One source fails one item in one quarter of the last full year.
    assert session.execute(select(WaterSample.period, WaterSample.failing)
                           .where(WaterSample.compliant.is_(False))).all() == [(f"{year}Q3", "mn")]

    # Indicator 25 of the catalogue in force is computed: 2 of 3 sources met the standard all year.
    value = session.scalar(select(IndicatorValue).join(IndicatorMeasure).join(Indicator).where(
        Indicator.provider == "environment.drinking_sources", IndicatorValue.place_id == city.id,
        IndicatorValue.period == str(year)))
    assert value.computed and value.numeric_value == Decimal("66.67") and value.sample_size == 3
    assert "示范数据" in value.method and f"{year}Q3超标项目：mn" in value.method

    # The bulletin of the last full year reads the demo data.
    client.set_cookie("lang", "en")
    page = client.get(f"/environment/bulletin/{year}").get_data(as_text=True)
    assert "Shimen Sluice" in page and "Yunxi City" in page and "Demonstration data (fictional)" in page
    assert "Qingshan Reservoir source" in page and f"{year}Q3" in page
    assert "Qingshan Reservoir source" in text_of(client.get(f"/environment/bulletin/{year}.docx").data)

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert counts(session) == first


def test_the_demo_is_the_same_every_time(app, session):
    """Values come from a fixed seed: the same day of the same station has the same values on every run."""
    one = demo._day_values(random.Random(demo.SEED), date(2025, 1, 13), 1.1)
    two = demo._day_values(random.Random(demo.SEED), date(2025, 1, 13), 1.1)
    assert one == two and one["pm25"] > 150  # the middle of the winter spell
