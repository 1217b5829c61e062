"""Evaluated rows for the water, open-data and alert tests, inserted straight through the models."""
from datetime import date, datetime

from app.environment.models import (AirDay, AirHour, AirPlaceDay, AirPlacePeriod, WaterSample, WaterValue)

DEFAULT_VALUES = {"do": "6.2", "codmn": "3.1", "nh3n": "0.42", "tp": "0.08", "cu": "0.01L"}


def _values(sample, values):
    for item, reported in values.items():
        below = reported.endswith("L")
        sample.values.append(WaterValue(item=item, reported=reported, value=float(reported.rstrip("L")),
                                        below_detection=below))


def section_sample(session, section, period, *, water_class=2, meets=None, exceeding="", state="validated",
                   values=None, sampled_on=None) -> WaterSample:
    meets = water_class <= section.target_class if meets is None else meets
    row = WaterSample(section=section, period=period, state=state, origin="import", water_class=water_class,
                      meets_target=meets, exceeding=exceeding,
                      sampled_on=sampled_on or date(int(period[:4]), int(period[5:7]), 10))
    _values(row, DEFAULT_VALUES if values is None else values)
    session.add(row)
    session.flush()
    return row


def source_sample(session, source, quarter, *, compliant=True, failing="", state="validated",
                  values=None) -> WaterSample:
    row = WaterSample(source=source, period=quarter, state=state, origin="import", compliant=compliant,
                      failing=failing)
    _values(row, {"nh3n": "0.2", "f": "0.3", "as": "0.001L"} if values is None else values)
    session.add(row)
    session.flush()
    return row


def place_day(session, place, day, *, aqi=60, provisional=False, primary="pm25", **values) -> AirPlaceDay:
    defaults = dict(so2=8.0, no2=30.0, co=0.8, pm10=60.0, pm25=40.0, o3_1h_max=120.0, o3_8h_max=100.0)
    defaults.update(values)
    row = AirPlaceDay(place=place, day=day, stations=3, provisional=provisional, aqi=aqi,
                      primary_pollutants=primary, **defaults)
    session.add(row)
    session.flush()
    return row


def station_day(session, station, day, *, aqi=55, state="validated", **values) -> AirDay:
    defaults = dict(so2=7.0, no2=28.0, co=0.7, pm10=58.0, pm25=38.0, o3_1h_max=110.0, o3_8h_max=95.0)
    defaults.update(values)
    row = AirDay(station=station, day=day, state=state, origin="computed", aqi=aqi, primary_pollutants="pm25",
                 **defaults)
    session.add(row)
    session.flush()
    return row


def station_hour(session, station, observed_at: datetime, *, aqi=50, state="provisional", **values) -> AirHour:
    defaults = dict(so2=6.0, no2=25.0, co=0.6, o3=90.0, pm10=55.0, pm25=35.0)
    defaults.update(values)
    row = AirHour(station=station, observed_at=observed_at, state=state, origin="push", aqi=aqi,
                  primary_pollutants="", **defaults)
    session.add(row)
    session.flush()
    return row


def place_period(session, place, period, *, provisional=False, **values) -> AirPlacePeriod:
    defaults = dict(so2=8.0, no2=30.0, pm10=60.0, pm25=33.0, co_p95=1.1, o3_8h_p90=150.0, valid_days=31,
                    good_days=28, days_by_level="10,18,3,0,0,0", good_ratio=90.3, composite_index=3.85,
                    meets_grade2=True, annual_valid=len(period) == 4)
    defaults.update(values)
    row = AirPlacePeriod(place=place, period=period, provisional=provisional, **defaults)
    session.add(row)
    session.flush()
    return row
