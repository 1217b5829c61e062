"""Open environmental data: CSV/XLSX downloads under /environment/data and the read-only JSON API v1 under
/api/v1/air and /api/v1/water.

Every row and every value carries its state (provisional: real-time, not yet audited; validated: audited).
Each download is bounded (one year of days or samples, one month of hours), so no request reads the whole
history. Fields of the API are only ever added within v1, never renamed or removed.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from flask import Blueprint, Response, abort, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import pgettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.environment import queries, water_queries
from app.environment.models import (AirDay, AirHour, AirPlaceDay, AirPlacePeriod, AirStation, DataState,
                                    DrinkingSource, WaterSample, WaterSection)
from app.extensions import db
from app.i18n import local_today, site_zone
from app.org.models import Place
from app.web import exports
from app.web.errors import render_error

api = Blueprint("environment_api", __name__, url_prefix="/api/v1")
bp = Blueprint("environment_data", __name__, url_prefix="/environment/data")

API_VERSION = "v1"
MAX_DAYS = 366  # days per /api/v1/air/days call
DEFAULT_DAYS = 31  # days returned when no range is asked for
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
YEAR = re.compile(r"[0-9]{4}")
PROVISIONAL, VALIDATED = DataState.PROVISIONAL.value, DataState.VALIDATED.value
AIR_ITEMS = ("so2", "no2", "co", "pm10", "pm25")


class BadParameter(Exception):
    """A query parameter that cannot be used; the message is in the reader's language."""


def _state(provisional: bool) -> str:
    return PROVISIONAL if provisional else VALIDATED


def _names(row, field: str = "name") -> dict:
    return {"zh_Hans": getattr(row, f"{field}_zh_hans"), "zh_Hant": getattr(row, f"{field}_zh_hant") or None,
            "en": getattr(row, f"{field}_en") or None}


def _primary(stored: str) -> list[str]:
    return [p for p in stored.split(",") if p]


def _parse_day(text: str, name: str) -> date:
    try:
        if DAY.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise BadParameter(_("%(name)s must be a date written as YYYY-MM-DD, for example 2025-03-01.", name=name))


def _parse_year(text: str | None) -> int | None:
    if text is None:
        return None
    if YEAR.fullmatch(text) and 1900 <= int(text) <= 2999:
        return int(text)
    raise BadParameter(_("The year must be written with four digits, for example 2025."))


def _place(code: str | None) -> Place:
    if not code:
        raise BadParameter(_("Name the place with its code (place=…); /api/v1/air/places lists them."))
    found = db.session.scalar(select(Place).where(Place.code == code))
    if found is None:
        raise BadParameter(_("There is no place with the code %(code)s.", code=code))
    return found


def _api_error(error: BadParameter):
    return render_error(400, _("Bad request"), str(error))


# ---------------------------------------------------------------- rows as JSON


def _day_values(row) -> dict:
    data = {item: getattr(row, item) for item in AIR_ITEMS}
    data.update(o3_1h_max=row.o3_1h_max, o3_8h_max=row.o3_8h_max, aqi=row.aqi,
                primary_pollutants=_primary(row.primary_pollutants))
    return data


def _place_day(row: AirPlaceDay) -> dict:
    return {"date": row.day.isoformat(), "stations": row.stations, **_day_values(row),
            "state": _state(row.provisional)}


def _period(row: AirPlacePeriod) -> dict:
    return {"period": row.period, "so2": row.so2, "no2": row.no2, "pm10": row.pm10, "pm25": row.pm25,
            "co_p95": row.co_p95, "o3_8h_p90": row.o3_8h_p90, "valid_days": row.valid_days,
            "good_days": row.good_days, "days_by_level": [int(n) for n in row.days_by_level.split(",") if n],
            "good_ratio": row.good_ratio, "composite_index": row.composite_index, "meets_grade2": row.meets_grade2,
            "annual_valid": row.annual_valid, "state": _state(row.provisional)}


def _water_values(sample: WaterSample) -> list[dict]:
    return [{"item": v.item, "reported": v.reported, "value": v.value, "below_detection": v.below_detection,
             "unit": water_queries.item_unit(v.item)} for v in sample.values]


def _local_label(moment: datetime) -> str:
    return moment.astimezone(site_zone()).isoformat(timespec="minutes")


# ---------------------------------------------------------------- the API


@api.get("/air/places")
def air_places():
    """The city and its districts, each with its newest day."""
    # Each place's newest day through the (place_id, day) index, one seek per place: a GROUP BY over the days
    # would read every day of every year.
    newest = (select(AirPlaceDay.id).where(AirPlaceDay.place_id == Place.id).order_by(AirPlaceDay.day.desc())
              .limit(1).correlate(Place).scalar_subquery())
    rows = db.session.execute(select(Place, AirPlaceDay).outerjoin(AirPlaceDay, AirPlaceDay.id == newest)
                              .order_by(Place.sort_order, Place.code))
    return jsonify(api_version=API_VERSION, places=[
        {"code": place.code, "level": place.level.value, "name": _names(place),
         "latest_day": _place_day(day) if day is not None else None} for place, day in rows])


@api.get("/air/days")
def air_days():
    """A place's days between from and to (both included, at most 366 days; the newest month by default)."""
    try:
        place = _place(request.args.get("place"))
        given_from, given_to = request.args.get("from"), request.args.get("to")
        end = _parse_day(given_to, "to") if given_to else None
        start = _parse_day(given_from, "from") if given_from else None
        if end is None:
            end = (db.session.scalar(select(func.max(AirPlaceDay.day)).where(AirPlaceDay.place_id == place.id))
                   or local_today())
            if start is not None and start > end:
                end = start + timedelta(days=DEFAULT_DAYS - 1)
        if start is None:
            start = end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise BadParameter(_("from must not be after to."))
        if (end - start).days + 1 > MAX_DAYS:
            raise BadParameter(_("Ask for at most %(n)d days per call.", n=MAX_DAYS))
    except BadParameter as error:
        return _api_error(error)
    rows = db.session.scalars(select(AirPlaceDay).where(
        AirPlaceDay.place_id == place.id, AirPlaceDay.day >= start, AirPlaceDay.day <= end).order_by(AirPlaceDay.day))
    return jsonify(api_version=API_VERSION, place=place.code, **{"from": start.isoformat()}, to=end.isoformat(),
                   days=[_place_day(row) for row in rows])


@api.get("/air/periods")
def air_periods():
    """A place's year and its months, evaluated by HJ 663-2013 (the newest year by default)."""
    try:
        place = _place(request.args.get("place"))
        year = _parse_year(request.args.get("year"))
    except BadParameter as error:
        return _api_error(error)
    if year is None:
        newest = db.session.scalar(select(func.max(AirPlacePeriod.period)).where(AirPlacePeriod.place_id == place.id))
        year = int(newest[:4]) if newest else None
    rows = [] if year is None else list(db.session.scalars(select(AirPlacePeriod).where(
        AirPlacePeriod.place_id == place.id,
        (AirPlacePeriod.period == str(year)) | AirPlacePeriod.period.like(f"{year}-%"))
        .order_by(AirPlacePeriod.period)))
    whole = next((row for row in rows if row.period == str(year)), None)
    return jsonify(api_version=API_VERSION, place=place.code, year=year,
                   year_period=_period(whole) if whole else None,
                   months=[_period(row) for row in rows if row is not whole])


@api.get("/air/stations")
def air_stations():
    """Every air monitoring station with its district and control level."""
    stations = db.session.scalars(select(AirStation).options(selectinload(AirStation.place))
                                  .order_by(AirStation.sort_order, AirStation.code))
    return jsonify(api_version=API_VERSION, stations=[
        {"code": s.code, "name": _names(s), "district": s.place.code, "control_level": s.control_level.value,
         "counts_for_city": s.control_level.counts_for_city, "latitude": s.latitude, "longitude": s.longitude,
         "active": s.active} for s in stations])


@api.get("/air/stations/<code>/hours")
def air_station_hours(code: str):
    """One station's hours of one day in the city's time (the newest day with hours by default); each hour is
    labelled by its end, so a day runs from the hour ending 01:00 to the one ending 24:00."""
    station = db.session.scalar(select(AirStation).where(AirStation.code == code))
    if station is None:
        abort(404)
    zone = site_zone()
    try:
        given = request.args.get("date")
        if given:
            day = _parse_day(given, "date")
        else:
            newest = db.session.scalar(select(func.max(AirHour.observed_at)).where(AirHour.station_id == station.id))
            day = (newest.astimezone(zone) - timedelta(seconds=1)).date() if newest else local_today()
    except BadParameter as error:
        return _api_error(error)
    start = datetime.combine(day, time(), zone)
    rows = db.session.scalars(select(AirHour).where(
        AirHour.station_id == station.id, AirHour.observed_at > start,
        AirHour.observed_at <= start + timedelta(days=1)).order_by(AirHour.observed_at))
    return jsonify(api_version=API_VERSION, station=station.code, date=day.isoformat(), hours=[
        {"hour_ending": _local_label(row.observed_at),
         "observed_at": row.observed_at.astimezone(timezone.utc).isoformat().replace("+00:00", "Z"),
         **{item: getattr(row, item) for item in AIR_ITEMS}, "o3": row.o3, "aqi": row.aqi,
         "primary_pollutants": _primary(row.primary_pollutants), "state": row.state.value} for row in rows])


@api.get("/water/sections")
def water_sections():
    """Every section's sample in a month (the newest with samples by default) and the city's summary."""
    given = request.args.get("month")
    month = water_queries.parse_month(given) if given else water_queries.latest_section_month(db.session)
    if given and month is None:
        return _api_error(BadParameter(_("The month must be written as year and month, for example 2025-03.")))
    shown = water_queries.sections_in_month(db.session, month, with_values=True)
    summary = shown.summary
    return jsonify(api_version=API_VERSION, month=month, summary=None if summary is None else {
        "sections": summary.n, "share_class_1_to_3": summary.share_good, "share_worse_than_5": summary.share_worse_v,
        "status": summary.status, "share_rule_applies": summary.share_rule_applies,
        "met_target": shown.met}, sections=[
        {"code": row.section.code, "name": _names(row.section), "water": _names(row.section, "water"),
         "body": row.section.body.value, "district": row.section.place.code,
         "control_level": row.section.control_level.value, "target_class": row.section.target_class,
         "target_label": row.target.label,
         "sample": None if row.sample is None else {
             "water_class": row.sample.water_class, "class_label": water_queries.class_label(row.sample.water_class),
             "meets_target": row.sample.meets_target, "sampled_on": _iso(row.sample.sampled_on),
             "exceeding": [{"item": e.key, "multiple": e.multiple} for e in row.exceeding],
             "state": row.sample.state.value, "values": _water_values(row.sample)}} for row in shown.rows])


@api.get("/water/sources")
def water_sources():
    """Every drinking-water source's sample in a quarter (the newest by default) and the year's share."""
    given = request.args.get("quarter")
    quarter = water_queries.parse_quarter(given) if given else water_queries.latest_source_quarter(db.session)
    if given and quarter is None:
        return _api_error(BadParameter(
            _("The quarter must be written as the year, Q and its number, for example 2025Q1.")))
    rows = water_queries.sources_in_quarter(db.session, quarter)
    year = water_queries.year_compliance(db.session, int(quarter[:4])) if quarter else None
    return jsonify(api_version=API_VERSION, quarter=quarter, year_compliance=None if year is None else {
        "year": year.year, "share": year.share, "sources_judged": year.judged, "sources_compliant": year.compliant},
        sources=[{"code": row.source.code, "name": _names(row.source), "kind": row.source.kind.value,
                  "body": row.source.body.value if row.source.body else None, "district": row.source.place.code,
                  "sample": None if row.sample is None else {
                      "compliant": row.sample.compliant, "failing": row.failing,
                      "sampled_on": _iso(row.sample.sampled_on), "state": row.sample.state.value,
                      "values": _water_values(row.sample)}} for row in rows])


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# ---------------------------------------------------------------- downloads


@dataclass(frozen=True)
class Dataset:
    """A download: its title and explanation, and whether one file holds a year or a month."""

    key: str
    title: object
    description: object
    by_month: bool = False


DATASETS = {d.key: d for d in (
    Dataset("place-days", _l("Daily air quality of the city and districts"),
            _l("One row per place and day: 24-hour means, the daily maximum 1-hour and 8-hour ozone, AQI and "
               "primary pollutants. The city's value is the mean over its national and provincial stations.")),
    Dataset("station-days", _l("Daily air quality per station"),
            _l("One row per station and day, computed from the hours or as the monitoring centre published it.")),
    Dataset("periods", _l("Monthly and yearly air quality"),
            _l("One row per place and month, and one for the year, evaluated by HJ 663-2013: means, CO 95th and "
               "O3 90th percentiles, good days and the composite index.")),
    Dataset("station-hours", _l("Hourly air quality per station"),
            _l("One row per station and hour, labelled by the end of the hour in the city's time; one month per "
               "file."), by_month=True),
    Dataset("water-samples", _l("Surface water sections"),
            _l("One row per section, month and item: the value as reported (0.01L is below the detection limit "
               "0.01), with the section's class, target and exceeding items.")),
    Dataset("source-samples", _l("Drinking-water sources"),
            _l("One row per source, quarter and item: the value as reported, with whether the sample met the "
               "standard.")),
)}


def _state_text(state: str) -> str:
    return _("provisional") if state == PROVISIONAL else _("validated")


def _air_header() -> list:
    return [_("SO2 (μg/m³)"), _("NO2 (μg/m³)"), _("CO (mg/m³)"), _("PM10 (μg/m³)"), _("PM2.5 (μg/m³)")]


def _rows_place_days(year: int):
    header = [_("Date"), _("Place code"), _("Place"), _("Stations"), *_air_header(), _("O3 max 1-hour (μg/m³)"),
              _("O3 max 8-hour (μg/m³)"), _("AQI"), _("Primary pollutants"), _("State")]
    rows = db.session.scalars(select(AirPlaceDay).options(selectinload(AirPlaceDay.place)).where(
        AirPlaceDay.day >= date(year, 1, 1), AirPlaceDay.day <= date(year, 12, 31))
        .order_by(AirPlaceDay.day, AirPlaceDay.place_id))
    return header, ([row.day.isoformat(), row.place.code, row.place.name, row.stations,
                     *(getattr(row, item) for item in AIR_ITEMS), row.o3_1h_max, row.o3_8h_max, row.aqi,
                     row.primary_pollutants, _state_text(_state(row.provisional))] for row in rows)


def _rows_station_days(year: int):
    header = [_("Date"), _("Station code"), _("Station"), _("District"), *_air_header(),
              _("O3 max 1-hour (μg/m³)"), _("O3 max 8-hour (μg/m³)"), _("AQI"), _("Primary pollutants"), _("State")]
    rows = db.session.scalars(select(AirDay).options(selectinload(AirDay.station).selectinload(AirStation.place))
                              .where(AirDay.day >= date(year, 1, 1), AirDay.day <= date(year, 12, 31))
                              .order_by(AirDay.day, AirDay.station_id))
    return header, ([row.day.isoformat(), row.station.code, row.station.name, row.station.place.name,
                     *(getattr(row, item) for item in AIR_ITEMS), row.o3_1h_max, row.o3_8h_max, row.aqi,
                     row.primary_pollutants, _state_text(row.state.value)] for row in rows)


def _rows_periods(year: int):
    header = [_("Period"), _("Place code"), _("Place"), _("SO2 (μg/m³)"), _("NO2 (μg/m³)"), _("PM10 (μg/m³)"),
              _("PM2.5 (μg/m³)"), _("CO 95th percentile (mg/m³)"), _("O3 8-hour 90th percentile (μg/m³)"),
              _("Valid days"), _("Good days"), _("Good-day ratio (%)"), _("Composite index"),
              _("Meets grade 2"), _("Valid for a year"), _("State")]
    rows = db.session.scalars(select(AirPlacePeriod).options(selectinload(AirPlacePeriod.place)).where(
        (AirPlacePeriod.period == str(year)) | AirPlacePeriod.period.like(f"{year}-%"))
        .order_by(AirPlacePeriod.period, AirPlacePeriod.place_id))
    yes_no = {True: _("yes"), False: _("no"), None: ""}
    return header, ([row.period, row.place.code, row.place.name, row.so2, row.no2, row.pm10, row.pm25, row.co_p95,
                     row.o3_8h_p90, row.valid_days, row.good_days, row.good_ratio, row.composite_index,
                     yes_no[row.meets_grade2], yes_no[row.annual_valid] if len(row.period) == 4 else "",
                     _state_text(_state(row.provisional))] for row in rows)


def _rows_station_hours(month: str):
    zone = site_zone()
    first = date(int(month[:4]), int(month[5:7]), 1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    header = [_("Hour ending (city time)"), _("Station code"), _("Station"), *_air_header(), _("O3 1-hour (μg/m³)"),
              _("AQI"), _("Primary pollutants"), _("State")]
    # The stations named, so that the (station_id, observed_at) index serves the month's range for each station.
    rows = db.session.scalars(select(AirHour).options(selectinload(AirHour.station)).where(
        AirHour.station_id.in_(select(AirStation.id)),
        AirHour.observed_at > datetime.combine(first, time(), zone),
        AirHour.observed_at <= datetime.combine(following, time(), zone))
        .order_by(AirHour.observed_at, AirHour.station_id))
    return header, ([_local_label(row.observed_at), row.station.code, row.station.name,
                     *(getattr(row, item) for item in AIR_ITEMS), row.o3, row.aqi, row.primary_pollutants,
                     _state_text(row.state.value)] for row in rows)


def _rows_water_samples(year: int):
    header = [_("Month"), _("Section code"), pgettext("water", "Section"), _("River or lake"), _("District"),
              _("Class"), _("Target class"), _("Target met"), _("Items beyond class Ⅲ (times over)"),
              pgettext("monitoring", "Item"), _("Item key"),
              _("Reported value"), _("Below the detection limit"), _("Unit"), _("State")]
    samples = db.session.scalars(
        select(WaterSample).options(selectinload(WaterSample.values),
                                    selectinload(WaterSample.section).selectinload(WaterSection.place))
        .where(WaterSample.section_id.is_not(None), WaterSample.period.like(f"{year}-%"))
        .order_by(WaterSample.period, WaterSample.section_id))
    yes_no = {True: _("yes"), False: _("no"), None: ""}

    def rows():
        for sample in samples:
            section = sample.section
            exceeding = _(", ").join(
                e.name + (f" ({e.multiple:g})" if e.multiple is not None else "")
                for e in water_queries.exceeding_items(sample.exceeding))
            common = [sample.period, section.code, section.name, section.water, section.place.name,
                      water_queries.class_label(sample.water_class), water_queries.class_label(section.target_class),
                      yes_no[sample.meets_target], exceeding]
            for value in sample.values or [None]:
                item = [water_queries.item_name(value.item), value.item, value.reported, yes_no[value.below_detection],
                        water_queries.item_unit(value.item)] if value else ["", "", "", "", ""]
                yield [*common, *item, _state_text(sample.state.value)]
    return header, rows()


def _rows_source_samples(year: int):
    header = [_("Quarter"), _("Source code"), pgettext("drinking water", "Source"), _("Kind"), _("District"),
              _("Meets the standard"), _("Failing items"), pgettext("monitoring", "Item"), _("Item key"),
              _("Reported value"), _("Below the detection limit"), _("Unit"), _("State")]
    samples = db.session.scalars(
        select(WaterSample).options(selectinload(WaterSample.values),
                                    selectinload(WaterSample.source).selectinload(DrinkingSource.place))
        .where(WaterSample.source_id.is_not(None), WaterSample.period.like(f"{year}Q%"))
        .order_by(WaterSample.period, WaterSample.source_id))
    yes_no = {True: _("yes"), False: _("no"), None: ""}

    def rows():
        for sample in samples:
            source = sample.source
            failing = _(", ").join(water_queries.item_name(k) for k in sample.failing.split(",") if k)
            common = [sample.period, source.code, source.name, str(source.kind.title), source.place.name,
                      yes_no[sample.compliant], failing]
            for value in sample.values or [None]:
                item = [water_queries.item_name(value.item), value.item, value.reported, yes_no[value.below_detection],
                        water_queries.item_unit(value.item)] if value else ["", "", "", "", ""]
                yield [*common, *item, _state_text(sample.state.value)]
    return header, rows()


_BUILDERS = {"place-days": _rows_place_days, "station-days": _rows_station_days, "periods": _rows_periods,
             "station-hours": _rows_station_hours, "water-samples": _rows_water_samples,
             "source-samples": _rows_source_samples}


def _latest_year(dataset: str) -> int:
    """The newest year with data of this kind (this year when there is none)."""
    years = water_queries.data_years(db.session)
    key = {"place-days": "place_days", "station-days": "station_days", "periods": "periods",
           "water-samples": "sections", "source-samples": "sources"}[dataset]
    return years[key][0] if years[key] else local_today().year


def _bad_download(message: str):
    return render_error(400, _("This download cannot be made"), message)


@bp.get("")
def index():
    """The data page: every download by year (hours by month), the licence, what the columns mean, the API."""
    years = water_queries.data_years(db.session)
    newest_hour = queries.newest_hour(db.session)
    latest_month = water_queries.month_of((newest_hour.astimezone(site_zone()) - timedelta(seconds=1)).date()) \
        if newest_hour else None
    return render_template("environment/data.html", datasets=DATASETS, years=years, latest_month=latest_month)


@bp.get("/<dataset>.<any(csv, xlsx):fmt>")
def download(dataset: str, fmt: str):
    """One dataset for one year (`?year=`, the newest by default) or, for hours, one month (`?month=`)."""
    if dataset not in DATASETS:
        abort(404)
    if DATASETS[dataset].by_month:
        given = request.args.get("month")
        if not given:
            return _bad_download(_("Hourly data is offered one month at a time: choose a month (month=2025-03)."))
        period = water_queries.parse_month(given)
        if period is None:
            return _bad_download(_("The month must be written as year and month, for example 2025-03."))
        header, rows = _rows_station_hours(period)
    else:
        try:
            year = _parse_year(request.args.get("year")) or _latest_year(dataset)
        except BadParameter as error:
            return _bad_download(str(error))
        period = str(year)
        header, rows = _BUILDERS[dataset](year)
    name = f"{dataset}-{period}"
    if fmt == "csv":
        body = Response(exports.csv_chunks([header, *rows]), content_type=exports.CSV_CONTENT_TYPE)
    else:
        body = Response(exports.xlsx_bytes(name, header, rows), content_type=exports.XLSX_MIMETYPE)
    body.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return body
