"""Demo environmental monitoring for 云溪市: air stations, water sections and drinking-water sources under the
environment bureau, with generated values from the start of the year two years before the seed date.

Every value is demonstration data (示范数据, origin `demo`): daily station values with PM2.5 high in winter and O3
high in summer and a polluted winter spell (AQI above 200 on a few days), the last 72 hours also hour by hour
(the last 24 provisional), monthly section samples (one section failing its target in summer, some items below
detection as "0.01L") and quarterly source samples (all compliant but one item in one quarter of one source).
Generated from a fixed seed, so two runs give the same figures, and written in bulk, so the seed stays fast; the
city's and districts' days, months and years are then evaluated by the site's own aggregation, as live data is.
"""
import json
import math
import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert, select

from app.db_types import utcnow
from app.demo import indicators as demo_indicators
from app.environment import aggregation, services
from app.environment.aqi import Pollutant, daily_aqi, hourly_aqi
from app.environment.measured import parse_measured
from app.environment.models import (AirDay, AirHour, AirStation, ControlLevel, DataOrigin, DataState, DrinkingSource,
                                    SourceKind, WaterBody, WaterSection)
from app.i18n import site_zone
from app.indicators.providers import refresh_computed_values
from app.indicators.queries import catalogue_for_year
from app.org.models import Bureau, Place

SEED = 2027
# Who records the demo values: services skip the audit and the bureau check for it.
DEMO = "demo"

# (code, zh_Hans, zh_Hant, en, district, control level, pollution factor, position in the district's box)
STATIONS = [
    ("YX-A01", "市监测站", "市監測站", "City Monitoring Station", "yunxi-qu", ControlLevel.NATIONAL, 1.10, (0.5, 0.5)),
    ("YX-A02", "高新区", "高新區", "High-tech Zone", "yunxi-qu", ControlLevel.NATIONAL, 1.05, (0.3, 0.7)),
    ("YX-A03", "东湖公园", "東湖公園", "Donghu Park", "donghu", ControlLevel.NATIONAL, 0.95, (0.6, 0.4)),
    ("YX-A04", "清江开发区", "清江開發區", "Qingjiang Development Zone", "qingjiang", ControlLevel.PROVINCIAL, 1.15,
     (0.5, 0.6)),
    ("YX-A05", "青山森林公园", "青山森林公園", "Qingshan Forest Park", "qingshan", ControlLevel.PROVINCIAL, 0.70,
     (0.4, 0.5)),
    ("YX-A06", "白河县城", "白河縣城", "Baihe Town", "baihe", ControlLevel.PROVINCIAL, 0.90, (0.5, 0.5)),
    ("YX-A07", "石门县城", "石門縣城", "Shimen Town", "shimen", ControlLevel.MUNICIPAL, 0.95, (0.5, 0.45)),
    ("YX-A08", "梅溪县城", "梅溪縣城", "Meixi Town", "meixi", ControlLevel.MUNICIPAL, 1.00, (0.55, 0.5)),
]

# (river or lake zh_Hans, zh_Hant, en, body)
WATERS = {
    "qing": ("清江", "清江", "Qing River", WaterBody.RIVER),
    "bai": ("白河", "白河", "Bai River", WaterBody.RIVER),
    "mei": ("梅溪", "梅溪", "Mei Creek", WaterBody.RIVER),
    "donghu": ("东湖", "東湖", "Dong Lake", WaterBody.LAKE),
}
# (code, zh_Hans, zh_Hant, en, water, district, control level, target class, position)
SECTIONS = [
    ("YX-W01", "青山入境", "青山入境", "Qingshan inflow", "qing", "qingshan", ControlLevel.NATIONAL, 2, (0.2, 0.3)),
    ("YX-W02", "清江大桥", "清江大橋", "Qingjiang Bridge", "qing", "qingjiang", ControlLevel.PROVINCIAL, 3, (0.5, 0.5)),
    ("YX-W03", "云溪渡口", "雲溪渡口", "Yunxi Ferry", "qing", "yunxi-qu", ControlLevel.NATIONAL, 3, (0.7, 0.3)),
    ("YX-W04", "清江出境", "清江出境", "Qing River outflow", "qing", "meixi", ControlLevel.NATIONAL, 3, (0.8, 0.7)),
    ("YX-W05", "白河源", "白河源", "Bai River source", "bai", "baihe", ControlLevel.PROVINCIAL, 2, (0.2, 0.2)),
    ("YX-W06", "白河镇", "白河鎮", "Baihe Township", "bai", "baihe", ControlLevel.MUNICIPAL, 3, (0.6, 0.6)),
    ("YX-W07", "石门闸", "石門閘", "Shimen Sluice", "bai", "shimen", ControlLevel.PROVINCIAL, 4, (0.5, 0.8)),
    ("YX-W08", "梅溪口", "梅溪口", "Mei Creek mouth", "mei", "meixi", ControlLevel.MUNICIPAL, 3, (0.3, 0.4)),
    ("YX-W09", "东湖湖心", "東湖湖心", "Dong Lake centre", "donghu", "donghu", ControlLevel.PROVINCIAL, 3, (0.4, 0.6)),
    ("YX-W10", "东湖出口", "東湖出口", "Dong Lake outlet", "donghu", "donghu", ControlLevel.MUNICIPAL, 4, (0.7, 0.7)),
]
# The section that fails its target in the summer months (ammonia nitrogen of class Ⅴ against a target of Ⅳ).
FAILING_SECTION = "YX-W07"
SUMMER = (6, 7, 8)

# (code, zh_Hans, zh_Hant, en, district, kind, water body of a surface source, position)
SOURCES = [
    ("YX-S01", "清江水厂水源地", "清江水廠水源地", "Qingjiang Waterworks source", "qingjiang", SourceKind.SURFACE,
     WaterBody.RIVER, (0.4, 0.4)),
    ("YX-S02", "青山水库水源地", "青山水庫水源地", "Qingshan Reservoir source", "qingshan", SourceKind.SURFACE,
     WaterBody.LAKE, (0.6, 0.3)),
    ("YX-S03", "云溪地下水水源地", "雲溪地下水水源地", "Yunxi groundwater source", "yunxi-qu", SourceKind.GROUND, None,
     (0.6, 0.2)),
]
# One manganese result above 0.1 mg/L in the third quarter of the last full year at the reservoir.
FAILING_SOURCE, FAILING_QUARTER, FAILING_ITEM = "YX-S02", 3, "mn"


def _point(place: Place, position: tuple[float, float]) -> tuple[float | None, float | None]:
    """A point inside the district's outline box: position (x, y) as fractions from its west and north edges."""
    if not place.outline:
        return None, None
    geometry = json.loads(place.outline).get("geometry") or {}
    ring = (geometry.get("coordinates") or [[]])[0]
    if not ring:
        return None, None
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    x, y = position
    return (round(max(lats) - (max(lats) - min(lats)) * y, 5), round(min(lons) + (max(lons) - min(lons)) * x, 5))


def _names(zh_hans: str, zh_hant: str, en: str) -> dict:
    return {"name_zh_hans": zh_hans, "name_zh_hant": zh_hant, "name_en": en}


def first_day(today: date) -> date:
    """The first demo day: 1 January two years before the seed date, so two full years can be compared."""
    return date(today.year - 2, 1, 1)


def load(session, today: date, now: datetime | None = None) -> dict:
    """The demo sites and their values, unless the demo stations exist already; returns what was created."""
    created = {"air_stations": 0, "water_sections": 0, "drinking_sources": 0, "air_days": 0, "air_hours": 0,
               "water_samples": 0}
    if session.scalar(select(AirStation.id).where(AirStation.code == STATIONS[0][0])) is not None:
        return created
    now = now or utcnow()
    places = {p.code: p for p in session.scalars(select(Place))}
    bureau = session.scalar(select(Bureau).where(Bureau.code == "eeb"))
    site = {"bureau_id": bureau.id}
    stations = []
    for order, (code, zh_hans, zh_hant, en, district, level, _factor, position) in enumerate(STATIONS, start=1):
        latitude, longitude = _point(places[district], position)
        stations.append(services.create_site(session, DEMO, AirStation, {
            "code": code, **_names(zh_hans, zh_hant, en), "control_level": level, "place_id": places[district].id,
            "latitude": latitude, "longitude": longitude, "sort_order": order, **site}))
    sections = []
    for order, (code, zh_hans, zh_hant, en, water, district, level, target, position) in enumerate(SECTIONS, 1):
        latitude, longitude = _point(places[district], position)
        w_hans, w_hant, w_en, body = WATERS[water]
        sections.append(services.create_site(session, DEMO, WaterSection, {
            "code": code, **_names(zh_hans, zh_hant, en), "control_level": level, "body": body,
            "water_zh_hans": w_hans, "water_zh_hant": w_hant, "water_en": w_en, "target_class": target,
            "place_id": places[district].id, "latitude": latitude, "longitude": longitude, "sort_order": order,
            **site}))
    sources = []
    for order, (code, zh_hans, zh_hant, en, district, kind, body, position) in enumerate(SOURCES, start=1):
        latitude, longitude = _point(places[district], position)
        sources.append(services.create_site(session, DEMO, DrinkingSource, {
            "code": code, **_names(zh_hans, zh_hant, en), "kind": kind, "body": body, "place_id": places[district].id,
            "latitude": latitude, "longitude": longitude, "sort_order": order, **site}))
    created.update(air_stations=len(stations), water_sections=len(sections), drinking_sources=len(sources))
    rng = random.Random(SEED)
    days, hours = air_values(rng, stations, first_day(today), today, now)
    created["air_hours"] = len(hours)
    created["air_days"] = len(days)
    if hours:
        session.execute(insert(AirHour), hours)
    session.execute(insert(AirDay), days)
    # Everything evaluated from them is the site's own computation: the station-days of the days the hours cover,
    # the city's and districts' days, their months and years.
    aggregation.rebuild_all(session)
    created["water_samples"] = _water(session, rng, sections, sources, first_day(today), today)
    session.flush()
    # The targets the province set for the measures computed from these data (7 and 8), then the computed
    # indicators and measures (25; 7 and 8) of every full year of data, each under the catalogue version in force
    # that year.
    created["assigned_targets"] = demo_indicators.load_assigned_targets(
        session, range(first_day(today).year, today.year), today)
    for year in range(first_day(today).year, today.year):
        catalogue = catalogue_for_year(session, year)
        if catalogue is not None:
            refresh_computed_values(session, catalogue, str(year))
    return created


# ---------------------------------------------------------------- air

def _spell(day: date) -> float:
    """The polluted winter spell: 10–16 January of every year, worst in the middle (PM2.5 × up to 3.4)."""
    if day.month == 1 and 10 <= day.day <= 16:
        return 1 + 2.4 * (1 - abs(day.day - 13) / 4)
    return 1.0


def _weather(day: date) -> tuple[float, float]:
    """The day's weather shared by every station (a still winter day piles particles up everywhere): factors on
    PM2.5 and on O3, drawn from the day itself so that every station and every run agrees."""
    rng = random.Random(SEED * 100_000 + day.toordinal())
    return rng.lognormvariate(0, 0.38), rng.lognormvariate(0, 0.17)


def _day_values(rng: random.Random, day: date, factor: float) -> dict:
    """One station-day: 24-hour means, O3 maxima; seasonal, with the day's weather and the station's noise."""
    season = math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365.25)  # 1 in mid-January, −1 in July
    particles, sunshine = _weather(day)
    pm25 = max(4.0, (36 + 22 * season) * factor * particles * rng.lognormvariate(0, 0.1) * _spell(day))
    o3_8h = max(20.0, (92 - 46 * season) * sunshine * rng.lognormvariate(0, 0.07) * (1.1 if factor < 0.8 else 1.0))
    return {
        "pm25": round(pm25, 0),
        "pm10": round(pm25 * rng.uniform(1.4, 1.9), 0),
        "no2": round(max(5.0, (28 + 10 * season) * factor * rng.lognormvariate(0, 0.2)), 0),
        "so2": round(max(2.0, (9 + 3 * season) * rng.lognormvariate(0, 0.25)), 0),
        "co": round(max(0.2, (0.8 + 0.3 * season) * factor * rng.lognormvariate(0, 0.2)), 1),
        "o3_8h_max": round(o3_8h, 0),
        "o3_1h_max": round(o3_8h * rng.uniform(1.1, 1.35), 0),
    }


def _aqi_columns(means: dict, o3_8h: float | None, o3_1h: float | None) -> dict:
    result = daily_aqi({p: means.get(p.value) for p in Pollutant}, o3_8h, o3_1h)
    return {"aqi": result.aqi, "primary_pollutants": ",".join(p.value for p in result.primary)}


# Diurnal shapes (index 0 = the hour 00:00–01:00): particles and NO2 peak at night and in the morning rush,
# O3 in the afternoon.
_NIGHT = [1.15, 1.2, 1.2, 1.15, 1.1, 1.1, 1.15, 1.2, 1.15, 1.0, 0.9, 0.8, 0.75, 0.7, 0.7, 0.72, 0.78, 0.9,
          1.05, 1.15, 1.2, 1.2, 1.15, 1.15]
_AFTERNOON = [0.35, 0.3, 0.28, 0.25, 0.25, 0.25, 0.3, 0.4, 0.55, 0.7, 0.85, 0.95, 1.0, 1.0, 0.98, 0.92, 0.82,
              0.7, 0.55, 0.45, 0.4, 0.38, 0.36, 0.35]


def _hour_rows(rng: random.Random, day_values: dict) -> list[dict]:
    """24 hourly concentrations (row h = h:00–(h+1):00) around a day's values."""
    rows = []
    for h in range(24):
        jitter = rng.uniform(0.9, 1.1)
        rows.append({
            "pm25": round(day_values["pm25"] * _NIGHT[h] * jitter, 0),
            "pm10": round(day_values["pm10"] * _NIGHT[h] * jitter, 0),
            "no2": round(day_values["no2"] * _NIGHT[h] * rng.uniform(0.9, 1.1), 0),
            "so2": round(day_values["so2"] * rng.uniform(0.8, 1.2), 0),
            "co": round(day_values["co"] * _NIGHT[h] * jitter, 1),
            "o3": round(day_values["o3_1h_max"] * _AFTERNOON[h] * rng.uniform(0.92, 1.0), 0),
        })
    return rows


def _station_day(station_id: int, day: date, values: dict, state: DataState, origin: DataOrigin) -> dict:
    return {"station_id": station_id, "day": day, **values,
            **_aqi_columns(values, values["o3_8h_max"], values["o3_1h_max"]), "state": state, "origin": origin}


def air_values(rng: random.Random, stations: list, start: date, today: date, now: datetime) -> tuple[list, list]:
    """AirDay and AirHour rows as dicts for a bulk insert: a day per station from `start` to yesterday, and the
    72 hours ending with the last full hour before `now` (the last 24 provisional); a day wholly covered by
    those hours gets no AirDay here: the aggregation computes it from them."""
    zone = site_zone()
    end_label = now.astimezone(zone).replace(minute=0, second=0, microsecond=0)
    first_label = end_label - timedelta(hours=71)
    provisional_after = end_label - timedelta(hours=24)
    days, hours = [], []
    for station, factor in zip(stations, (row[6] for row in STATIONS)):
        day = start
        while day < today:
            values = _day_values(rng, day, factor)
            labels = [datetime.combine(day, time(h), tzinfo=zone) + timedelta(hours=1) for h in range(24)]
            if labels[-1] < first_label:
                days.append(_station_day(station.id, day, values, DataState.VALIDATED, DataOrigin.DEMO))
                day += timedelta(days=1)
                continue
            hour_values = _hour_rows(rng, values)
            kept = [(label, row) for label, row in zip(labels, hour_values) if first_label <= label <= end_label]
            for label, row in kept:
                result = hourly_aqi({p: row[p.value] for p in Pollutant})
                hours.append({"station_id": station.id, "observed_at": label, **row, "aqi": result.aqi,
                              "primary_pollutants": ",".join(p.value for p in result.primary),
                              "state": (DataState.PROVISIONAL if label > provisional_after
                                        else DataState.VALIDATED), "origin": DataOrigin.DEMO})
            if len(kept) < 24:
                # A day wholly covered by hours is left to the aggregation to compute from them.
                days.append(_station_day(station.id, day, values, DataState.VALIDATED, DataOrigin.DEMO))
            day += timedelta(days=1)
        # Today's hours so far: shown hour by hour, their day not yet complete.
        values = _day_values(rng, today, factor)
        for h, row in enumerate(_hour_rows(rng, values)):
            label = datetime.combine(today, time(h), tzinfo=zone) + timedelta(hours=1)
            if first_label <= label <= end_label:
                result = hourly_aqi({p: row[p.value] for p in Pollutant})
                hours.append({"station_id": station.id, "observed_at": label, **row, "aqi": result.aqi,
                              "primary_pollutants": ",".join(p.value for p in result.primary),
                              "state": DataState.PROVISIONAL, "origin": DataOrigin.DEMO})
    return days, hours


# ---------------------------------------------------------------- water

# Typical ranges (mg/L) by target class Ⅱ, Ⅲ, Ⅳ: values inside the target's limits, most of the year.
_SECTION_RANGES = {
    2: {"do": (7.0, 8.6), "codmn": (2.3, 3.6), "cod": (9, 14), "bod5": (1.6, 2.8), "nh3n": (0.16, 0.45),
        "tp": (0.03, 0.09)},
    3: {"do": (5.6, 7.4), "codmn": (3.4, 5.6), "cod": (13, 19), "bod5": (2.4, 3.8), "nh3n": (0.3, 0.9),
        "tp": (0.08, 0.18)},
    4: {"do": (3.6, 5.4), "codmn": (5.5, 9.2), "cod": (18, 28), "bod5": (3.4, 5.6), "nh3n": (0.7, 1.4),
        "tp": (0.15, 0.28)},
}
# Lakes have stricter phosphorus limits (Ⅱ 0.025, Ⅲ 0.05, Ⅳ 0.1) and report total nitrogen.
_LAKE_TP = {2: (0.012, 0.024), 3: (0.026, 0.048), 4: (0.055, 0.095)}
_LAKE_TN = {2: (0.3, 0.5), 3: (0.55, 0.95), 4: (1.0, 1.45)}


def _fmt(value: float, places: int) -> str:
    return f"{value:.{places}f}"


def _section_values(rng: random.Random, section: WaterSection, month: int) -> dict[str, str]:
    """One monthly sample of a section as reported strings; the failing section is Ⅴ in summer (NH3-N)."""
    ranges = _SECTION_RANGES[section.target_class]
    values = {
        "ph": _fmt(rng.uniform(7.0, 8.2), 2),
        "do": _fmt(rng.uniform(*ranges["do"]) - (0.6 if month in SUMMER else 0), 1),
        "codmn": _fmt(rng.uniform(*ranges["codmn"]), 1),
        "cod": _fmt(rng.uniform(*ranges["cod"]), 0),
        "bod5": _fmt(rng.uniform(*ranges["bod5"]), 1),
        "nh3n": _fmt(rng.uniform(*ranges["nh3n"]), 3),
        "tp": _fmt(rng.uniform(*(_LAKE_TP[section.target_class] if section.body is WaterBody.LAKE
                                 else ranges["tp"])), 3),
        "f": _fmt(rng.uniform(0.15, 0.6), 2),
        # Petroleum and volatile phenol are usually below their detection limits.
        "petroleum": "0.01L" if rng.random() < 0.7 else _fmt(rng.uniform(0.01, 0.04), 2),
        "phenol": "0.0003L" if rng.random() < 0.8 else _fmt(rng.uniform(0.0003, 0.0015), 4),
    }
    if section.body is WaterBody.LAKE:
        values["tn"] = _fmt(rng.uniform(*_LAKE_TN[section.target_class]), 2)
    if section.code == FAILING_SECTION and month in SUMMER:
        values["nh3n"] = _fmt(rng.uniform(1.62, 1.95), 3)  # class Ⅴ against the target Ⅳ
    return values


_SURFACE_SOURCE = {"ph": (7.0, 8.0, 2), "do": (6.5, 8.5, 1), "codmn": (1.5, 3.2, 1), "nh3n": (0.05, 0.35, 3),
                   "tp": (0.01, 0.04, 3), "f": (0.1, 0.5, 2), "sulfate": (12, 45, 0), "chloride": (6, 25, 0),
                   "nitrate": (0.5, 2.5, 2), "fe": (0.03, 0.2, 2), "mn": (0.01, 0.07, 3)}
_GROUND_SOURCE = {"ph": (7.0, 7.9, 2), "hardness": (150, 320, 0), "tds": (280, 560, 0), "sulfate": (20, 80, 0),
                  "chloride": (10, 60, 0), "fe": (0.03, 0.2, 2), "mn": (0.01, 0.06, 3), "codmn": (0.6, 1.8, 1),
                  "nh3n": (0.03, 0.2, 3), "nitrate": (1.5, 9.0, 2), "nitrite": (0.003, 0.05, 3),
                  "f": (0.2, 0.8, 2), "as": (0.001, 0.004, 4), "coliform_total": (0, 2, 0)}


# A reservoir source also reports total nitrogen (limited for lakes and reservoirs only); its phosphorus stays
# within the lake and reservoir limit (class Ⅲ 0.05 mg/L).
_RESERVOIR_SOURCE = {**_SURFACE_SOURCE, "tn": (0.35, 0.9, 2)}


def _source_values(rng: random.Random, source: DrinkingSource) -> dict[str, str]:
    if source.kind is SourceKind.GROUND:
        table = _GROUND_SOURCE
    else:
        table = _RESERVOIR_SOURCE if source.body is WaterBody.LAKE else _SURFACE_SOURCE
    values = {key: _fmt(rng.uniform(low, high), places) for key, (low, high, places) in table.items()}
    values["phenol"] = "0.0003L"
    values["cr6"] = "0.004L"
    return values


def _water(session, rng: random.Random, sections: list, sources: list, start: date, today: date) -> int:
    """Monthly section samples up to last month and quarterly source samples up to the last full quarter,
    recorded through the services (which class them), as demo data and not audited one by one."""
    samples = 0

    def record(site, period: str, sampled_on: date, values: dict[str, str]) -> None:
        nonlocal samples
        services.record_water_sample(session, DEMO, site, period,
                                     {key: parse_measured(text) for key, text in values.items()},
                                     state=DataState.VALIDATED, origin=DataOrigin.DEMO, sampled_on=sampled_on,
                                     audit_it=False)
        samples += 1

    month = start
    while (month.year, month.month) < (today.year, today.month):
        for section in sections:
            record(section, f"{month:%Y-%m}", month.replace(day=10), _section_values(rng, section, month.month))
        month = (month + timedelta(days=32)).replace(day=1)
    last_full_year = today.year - 1
    for year in range(start.year, today.year + 1):
        for quarter in range(1, 5):
            if (year, quarter * 3) >= (today.year, today.month):
                break
            for source in sources:
                values = _source_values(rng, source)
                if (source.code, year, quarter) == (FAILING_SOURCE, last_full_year, FAILING_QUARTER):
                    values[FAILING_ITEM] = "0.14"
                record(source, f"{year}Q{quarter}", date(year, quarter * 3 - 1, 15), values)
    return samples
