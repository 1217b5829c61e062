"""Importing monitoring values from the XLSX or CSV files monitoring centres export: air hourly, air daily,
surface water monthly, drinking-water sources quarterly.

Headers are read as the centres write them — a name with its unit in brackets, `PM2.5(μg/m³)`, `CO(mg/m³)`,
`氨氮(mg/L)` — in Chinese or as our item keys. Every row is checked first and every bad row listed with its row
number (the header is row 1); nothing is applied unless every row is valid. Times in the file are Beijing time;
an air hour is labelled by the END of its hour, as the centres publish it. Water values below the detection
limit are written as the limit followed by L (`0.01L`) and kept so; air values are never below detection."""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import audit
from app.environment import aggregation, drinking, policy, services
from app.environment.measured import Measured, MeasuredError, parse_measured
from app.environment.models import AirStation, DataOrigin, DataState, DrinkingSource, WaterSection
from app.environment.water import Item, unit_of as water_unit_of
from app.errors import ActionRefused
from app.indicators import xlsx
from app.indicators.sheets import cell

MAX_ROWS = xlsx.MAX_ROWS


class ImportKind(StrEnum):
    AIR_HOURLY = "air_hourly"
    AIR_DAILY = "air_daily"
    WATER_MONTHLY = "water_monthly"
    DRINKING_QUARTERLY = "drinking_quarterly"


KIND_TITLES = {
    ImportKind.AIR_HOURLY: _l("Air, hourly values (columns 站点编码, 监测时间, SO2 … PM2.5)"),
    ImportKind.AIR_DAILY: _l("Air, daily values (columns 站点编码, 日期, 24-hour means, O3 maxima)"),
    ImportKind.WATER_MONTHLY: _l("Surface water, monthly samples (columns 断面编码, 监测月份, items)"),
    ImportKind.DRINKING_QUARTERLY: _l("Drinking-water sources, quarterly samples (columns 水源地编码, 季度, items)"),
}


@dataclass
class ImportResult:
    """The rows' errors as (row number, message), or what was applied."""

    kind: ImportKind
    errors: list[tuple[int, str]] = field(default_factory=list)
    outcome: services.RecordOutcome = field(default_factory=services.RecordOutcome)
    rows: int = 0


class FileUnreadable(ValueError):
    """The upload is neither a readable XLSX workbook nor a CSV text file."""


# --- reading the file ---------------------------------------------------------------------------------------

def read_table(data: bytes) -> list[dict]:
    """The rows of an XLSX workbook's first sheet or of a CSV file (UTF-8, or GB18030 as Excel saves it in
    China) as {header: cell} dicts."""
    if zipfile.is_zipfile(io.BytesIO(data)):
        try:
            return xlsx.read_rows(io.BytesIO(data))
        except xlsx.SheetError as error:
            raise FileUnreadable(str(error)) from error
    if b"\x00" in data[:4096]:
        raise FileUnreadable("binary")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileUnreadable("encoding")
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        lines = list(reader)
    except csv.Error as error:
        raise FileUnreadable(str(error)) from error
    if not lines:
        return []
    if len(lines) - 1 > MAX_ROWS:
        raise FileUnreadable("too many rows")
    headers = [h.strip() for h in lines[0]]
    return [dict(zip(headers, (value.strip() for value in line))) for line in lines[1:]]


# --- headers ------------------------------------------------------------------------------------------------

_BRACKETS = re.compile(r"^(.*?)\s*[\(（\[]\s*([^()（）\[\]]*)\s*[\)）\]]\s*$")


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-·.]", "", unicodedata.normalize("NFKC", text).lower())


def _norm_unit(text: str) -> str:
    unit = unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")
    unit = unit.replace("μ", "u").replace("µ", "u").replace("³", "3")
    return {"ug/m3": "ug/m3", "mg/m3": "mg/m3", "mg/l": "mg/l", "个/l": "个/l", "mpn/100ml": "mpn/100ml",
            "cfu/ml": "cfu/ml", "℃": "℃", "°c": "℃", "无量纲": "", "无": "", "-": ""}.get(unit, unit)


def split_header(header: str) -> tuple[str, str | None]:
    """A header's name and the unit in its last brackets (None without): "PM2.5(μg/m³)" → ("PM2.5", "μg/m³").

    A bracket that belongs to a name ("铬(六价)") is split off too; the layout matches the whole header first."""
    text = str(header).strip()
    match = _BRACKETS.match(text)
    if match is None:
        return text, None
    return match.group(1).strip(), match.group(2).strip()


@dataclass(frozen=True)
class Column:
    """A column the kind reads: its key, the names it goes by (normalised), and its unit (normalised)."""

    key: str
    names: tuple[str, ...]
    unit: str | None = None
    label: str = ""


def _column(key: str, *names: str, unit: str | None = None) -> Column:
    return Column(key, tuple(_norm(n) for n in (key, *names)), unit, names[0] if names else key)


UG, MG = "ug/m3", "mg/m3"
_AIR_HOUR_COLUMNS = (
    _column("so2", "SO2", "二氧化硫", unit=UG), _column("no2", "NO2", "二氧化氮", unit=UG),
    _column("co", "CO", "一氧化碳", unit=MG), _column("o3", "O3", "臭氧", "O3-1h", "O3_1h", "臭氧1小时", unit=UG),
    _column("pm10", "PM10", "可吸入颗粒物", "颗粒物(PM10)", unit=UG),
    _column("pm25", "PM2.5", "PM25", "细颗粒物", "颗粒物(PM2.5)", unit=UG),
)
_AIR_DAY_COLUMNS = (
    *(c for c in _AIR_HOUR_COLUMNS if c.key != "o3"),
    _column("o3_1h_max", "O3最大1小时", "O3_1h_max", "O3-1h-max", "O3日最大1小时平均", "臭氧最大1小时",
            "臭氧日最大1小时平均", "O3-1h", "O3_1h", unit=UG),
    _column("o3_8h_max", "O3最大8小时滑动平均", "O3_8h_max", "O3-8h", "O3_8h", "O3日最大8小时滑动平均",
            "臭氧最大8小时滑动平均", "臭氧日最大8小时滑动平均", "O3-8h-max", unit=UG),
)
_STATION = _column("station", "站点编码", "站点代码", "监测点位编码", "点位编码", "station_code")
_STATION_NAME = _column("station_name", "站点名称", "监测点位", "点位名称")
_TIME = _column("observed_at", "监测时间", "时间", "日期时间", "datetime", "time")
_DAY = _column("day", "日期", "监测日期", "date")
_SECTION = _column("section", "断面编码", "断面代码", "section_code")
_MONTH = _column("period", "监测月份", "月份", "month")
_SAMPLED = _column("sampled_on", "采样日期", "监测日期", "sampled_on")
_SOURCE = _column("source", "水源地编码", "水源地代码", "source_code")
_QUARTER = _column("period", "季度", "监测季度", "quarter")

# Chinese names of the water items as centres print them (GB 3838-2002 tables 1 and 2, GB/T 14848-2017).
_WATER_NAMES: dict[str, tuple[str, ...]] = {
    "temperature": ("水温",), "ph": ("pH", "pH值"), "do": ("溶解氧",), "codmn": ("高锰酸盐指数", "耗氧量"),
    "cod": ("化学需氧量", "COD"), "bod5": ("五日生化需氧量", "BOD5"), "nh3n": ("氨氮", "NH3-N"),
    "tp": ("总磷", "TP"), "tn": ("总氮", "TN"), "cu": ("铜",), "zn": ("锌",), "f": ("氟化物",),
    "se": ("硒",), "as": ("砷",), "hg": ("汞",), "cd": ("镉",), "cr6": ("铬(六价)", "六价铬"), "pb": ("铅",),
    "cn": ("氰化物",), "phenol": ("挥发酚",), "petroleum": ("石油类",), "las": ("阴离子表面活性剂",),
    "s2": ("硫化物",), "fecal_coliform": ("粪大肠菌群",), "sulfate": ("硫酸盐",), "chloride": ("氯化物",),
    "nitrate": ("硝酸盐", "硝酸盐(以N计)", "硝酸盐氮"), "fe": ("铁",), "mn": ("锰",),
    "hardness": ("总硬度", "总硬度(以CaCO3计)"), "tds": ("溶解性总固体",),
    "nitrite": ("亚硝酸盐", "亚硝酸盐(以N计)", "亚硝酸盐氮"), "na": ("钠",), "al": ("铝",),
    "coliform_total": ("总大肠菌群",), "bacteria_total": ("菌落总数",), "iodide": ("碘化物",),
}


def _water_columns(keys: tuple[str, ...], unit_of: Callable[[str], str]) -> tuple[Column, ...]:
    return tuple(_column(key, *_WATER_NAMES.get(key, ()), unit=_norm_unit(unit_of(key))) for key in keys)


_SECTION_ITEMS = _water_columns(tuple(item.value for item in Item), lambda key: water_unit_of(Item(key)))
_SOURCE_ITEMS = _water_columns(
    tuple(dict.fromkeys([*drinking.items_for(drinking.SourceKind.SURFACE),
                         *drinking.items_for(drinking.SourceKind.GROUND), "temperature", "tn", "fecal_coliform"])),
    drinking.unit_of)


def _unit_text(unit: str | None) -> str:
    return {"ug/m3": "μg/m³", "mg/m3": "mg/m³", "mg/l": "mg/L", "个/l": "个/L", "": "—"}.get(unit or "", unit or "—")


@dataclass
class _Layout:
    """Which header of the file holds each column the kind reads."""

    headers: dict[str, str]
    items: tuple[str, ...]
    errors: list[str]


def _layout(headers: list[str], id_columns: tuple[Column, ...], required: tuple[Column, ...],
            items: tuple[Column, ...]) -> _Layout:
    found: dict[str, str] = {}
    errors: list[str] = []
    item_keys = {column.key for column in items}
    for header in headers:
        if not header:
            continue
        full = _norm(unicodedata.normalize("NFKC", header))
        name, unit = split_header(header)
        for column in (*id_columns, *items):
            if column.key in found or (_norm(name) not in column.names and full not in column.names):
                continue
            matched_whole = full in column.names
            if column.key in item_keys and not matched_whole and unit is not None and column.unit is not None \
                    and _norm_unit(unit) != column.unit:
                errors.append(_("Column %(header)s: the unit must be %(unit)s.", header=header,
                                unit=_unit_text(column.unit)))
            found[column.key] = header
            break
    for column in required:
        if column.key not in found:
            errors.append(_("The column %(column)s is missing.", column=column.label))
    present_items = tuple(column.key for column in items if column.key in found)
    if not present_items:
        errors.append(_("The file has no column of monitoring values."))
    return _Layout(found, present_items, errors)


# --- cells --------------------------------------------------------------------------------------------------

MISSING = {"", "-", "—", "--", "/"}


def _number(raw: Any, header: str, *, air: bool) -> tuple[Measured | None, str | None]:
    """A value cell: None when empty or a dash (not measured); an error message when it cannot be used."""
    if isinstance(raw, bool):
        return None, _("%(header)s: “%(value)s” is not a number.", header=header, value=raw)
    text = cell({"v": raw}, "v")
    if text in MISSING:
        return None, None
    try:
        measured = parse_measured(text)
    except MeasuredError as error:
        if error.reason == "negative":
            return None, _("%(header)s: a concentration cannot be negative (%(value)s).", header=header, value=text)
        if error.reason == "bad_detection_form":
            if air:
                return None, _("%(header)s: air values are never below detection; give the number (%(value)s).",
                               header=header, value=text)
            return None, _("%(header)s: write a value below the detection limit as the limit followed by L, "
                           "e.g. 0.01L (not %(value)s).", header=header, value=text)
        return None, _("%(header)s: “%(value)s” is not a number.", header=header, value=text)
    if air and measured.below_detection:
        return None, _("%(header)s: air values are never below detection; give the number (%(value)s).",
                       header=header, value=text)
    return measured, None


_DATETIME = re.compile(r"^(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})日?"
                       r"(?:[ T]+(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?(?:时)?)?$")


def _local_datetime(raw: Any) -> datetime | None:
    """A Beijing date and time from a cell (a spreadsheet datetime or text such as 2026-12-07 10:00; 24:00 is
    00:00 of the next day, as some centres write the day's last hour)."""
    if isinstance(raw, datetime):
        return raw.replace(tzinfo=aggregation.BEIJING) if raw.tzinfo is None else raw.astimezone(aggregation.BEIJING)
    if isinstance(raw, date):
        return datetime.combine(raw, time(0), aggregation.BEIJING)
    text = unicodedata.normalize("NFKC", cell({"v": raw}, "v"))
    match = _DATETIME.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        base = datetime(year, month, day, tzinfo=aggregation.BEIJING)
    except ValueError:
        return None
    if hour > 24 or minute > 59 or second > 59 or (hour == 24 and (minute or second)):
        return None
    return base + timedelta(hours=hour, minutes=minute, seconds=second)


def _date(raw: Any) -> date | None:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    found = _local_datetime(raw)
    return found.date() if found is not None and found.time() == time(0) else None


_MONTH_TEXT = re.compile(r"^(\d{4})(?:[-/年.]?)(\d{1,2})月?$")
_QUARTER_TEXT = re.compile(r"^(\d{4})(?:[-年]?Q([1-4])|年?第?([1-4一二三四])(?:季度|季))$", re.I)
_QUARTER_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}


def parse_month(raw: Any) -> str | None:
    """ "2025-03", "2025年3月", "202503", "2025/3" or a spreadsheet date → "2025-03"."""
    if isinstance(raw, date):
        return f"{raw.year:04d}-{raw.month:02d}"
    text = unicodedata.normalize("NFKC", cell({"v": raw}, "v")).replace(" ", "")
    match = _MONTH_TEXT.match(text)
    if match is None or not 1 <= int(match.group(2)) <= 12:
        return None
    return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}"


def parse_quarter(raw: Any) -> str | None:
    """ "2025Q1", "2025-Q1", "2025年第1季度", "2025年一季度" → "2025Q1"."""
    text = unicodedata.normalize("NFKC", cell({"v": raw}, "v")).replace(" ", "")
    match = _QUARTER_TEXT.match(text)
    if match is None:
        return None
    digit = match.group(2) or match.group(3)
    quarter = _QUARTER_DIGITS.get(digit) or int(digit)
    return f"{match.group(1)}Q{quarter}"


def _period_start(period: str) -> date:
    if "Q" in period:
        return date(int(period[:4]), (int(period[5]) - 1) * 3 + 1, 1)
    return date(int(period[:4]), int(period[5:7]), 1)


# --- the import ---------------------------------------------------------------------------------------------

@dataclass
class _Plan:
    """Checked rows waiting to be applied: per site, (row number, value)."""

    by_site: dict[Any, list[tuple[int, Any]]] = field(default_factory=lambda: defaultdict(list))


class _Sites:
    """Sites of one kind by code (and by Chinese name), checked against what the user manages."""

    def __init__(self, session, model, user):
        self.user = user
        rows = list(session.scalars(select(model)))
        self.by_code = {site.code: site for site in rows}
        self.by_name = {site.name_zh_hans: site for site in rows}

    def find(self, code: str, name: str = "") -> tuple[Any, str | None]:
        site = self.by_code.get(code) if code else self.by_name.get(name)
        if site is None:
            return None, _("Unknown site code %(code)s.", code=code or name or "∅")
        if not policy.can_manage(self.user, site):
            return None, _("Site %(code)s belongs to another bureau.", code=site.code)
        return site, None


def import_file(session, user, kind: ImportKind | str, data: bytes, *, state: DataState, filename: str = "",
                now: datetime | None = None) -> ImportResult:
    """Check every row of the file and, when all are valid, record them all (one audit entry with the counts);
    otherwise record nothing and return the errors. The caller commits or rolls back."""
    kind = ImportKind(kind)
    result = ImportResult(kind)
    now = now or datetime.now(aggregation.BEIJING)
    try:
        rows = read_table(data)
    except FileUnreadable:
        result.errors.append((0, _("The file is neither a readable XLSX workbook nor a CSV text file.")))
        return result
    rows = [row for row in rows if any(cell(row, key) for key in row if key)]
    if not rows:
        result.errors.append((0, _("The file has no rows.")))
        return result
    result.rows = len(rows)
    headers = [str(h) for h in rows[0] if h is not None]
    check = {ImportKind.AIR_HOURLY: _check_air_hours, ImportKind.AIR_DAILY: _check_air_days,
             ImportKind.WATER_MONTHLY: _check_water, ImportKind.DRINKING_QUARTERLY: _check_water}[kind]
    plan = check(session, user, kind, headers, rows, result, now)
    if result.errors or plan is None:
        return result
    by = services.by_user(user)
    origin = DataOrigin.IMPORT
    for site, items in plan.by_site.items():
        if kind in (ImportKind.AIR_HOURLY, ImportKind.AIR_DAILY):
            record = services.record_air_hours if kind is ImportKind.AIR_HOURLY else services.record_air_days
            outcome = record(session, by, site, [value for _n, value in items], state=state, origin=origin,
                             audit_it=False, refresh=False)
            result.errors.extend((items[r.index][0], r.message) for r in outcome.refusals)
            outcome.refusals.clear()
            result.outcome.add(outcome)
        else:
            for number, (period, sampled_on, values) in items:
                try:
                    services.record_water_sample(session, by, site, period, values, state=state, origin=origin,
                                                 sampled_on=sampled_on, outcome=result.outcome, audit_it=False)
                except ActionRefused as error:
                    result.errors.append((number, str(error)))
    if result.errors:
        result.errors.sort()
        return result
    aggregation.refresh(session, result.outcome.station_days)
    audit.record(session, "environment.import", None, actor=user, object_type="environment_import",
                 object_id=kind.value, after={"kind": kind.value, "file": filename[:200], "state": state,
                                              **result.outcome.counts()})
    return result


def _check_air_hours(session, user, kind, headers, rows, result: ImportResult, now: datetime) -> _Plan | None:
    layout = _layout(headers, (_STATION, _STATION_NAME, _TIME), (_TIME,), _AIR_HOUR_COLUMNS)
    if "station" not in layout.headers and "station_name" not in layout.headers:
        layout.errors.append(_("The column %(column)s is missing.", column=_STATION.label))
    if layout.errors:
        result.errors.extend((1, message) for message in layout.errors)
        return None
    sites = _Sites(session, AirStation, user)
    plan, seen = _Plan(), {}
    for number, row in enumerate(rows, start=2):
        problems: list[str] = []
        station, problem = sites.find(cell(row, layout.headers.get("station", "")),
                                      cell(row, layout.headers.get("station_name", "")))
        if problem:
            problems.append(problem)
        raw_time = row.get(layout.headers["observed_at"])
        at = _local_datetime(raw_time)
        if at is None:
            problems.append(_("%(header)s: “%(value)s” is not a date and time such as 2026-12-07 10:00.",
                              header=layout.headers["observed_at"], value=cell(row, layout.headers["observed_at"])))
        elif (at.minute, at.second) != (0, 0):
            problems.append(_("%(header)s: an hourly value is labelled by the full hour at its end (e.g. 10:00).",
                              header=layout.headers["observed_at"]))
        elif at > now + services.CLOCK_SLACK:
            problems.append(_("%(header)s: the time is in the future.", header=layout.headers["observed_at"]))
        values = _item_values(row, layout, problems, air=True)
        if station is not None and at is not None:
            key = (station.id, at)
            if key in seen:
                problems.append(_("The same station and hour are already in row %(row)d.", row=seen[key]))
            seen.setdefault(key, number)
        if problems:
            result.errors.extend((number, p) for p in problems)
        elif station is not None and at is not None:
            plan.by_site[station].append((number, services.HourRow(observed_at=at, **values)))
    return plan


def _item_values(row, layout: _Layout, problems: list[str], *, air: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in layout.items:
        header = layout.headers[key]
        measured, problem = _number(row.get(header), header, air=air)
        if problem:
            problems.append(problem)
        elif air:
            values[key] = None if measured is None else measured.value
            # CO is in mg/m³: above 150 (the top of the AQI's 1-hour scale) it was given in μg/m³.
            if key == "co" and measured is not None and measured.value > 150:
                problems.append(_("%(header)s: %(value)s is not plausible in mg/m³; was it given in μg/m³?",
                                  header=header, value=measured.text))
        elif measured is not None:
            values[key] = measured
    return values


def _check_air_days(session, user, kind, headers, rows, result: ImportResult, now: datetime) -> _Plan | None:
    layout = _layout(headers, (_STATION, _STATION_NAME, _DAY), (_DAY,), _AIR_DAY_COLUMNS)
    if "station" not in layout.headers and "station_name" not in layout.headers:
        layout.errors.append(_("The column %(column)s is missing.", column=_STATION.label))
    if layout.errors:
        result.errors.extend((1, message) for message in layout.errors)
        return None
    sites = _Sites(session, AirStation, user)
    plan, seen = _Plan(), {}
    today = now.astimezone(aggregation.BEIJING).date()
    for number, row in enumerate(rows, start=2):
        problems: list[str] = []
        station, problem = sites.find(cell(row, layout.headers.get("station", "")),
                                      cell(row, layout.headers.get("station_name", "")))
        if problem:
            problems.append(problem)
        day = _date(row.get(layout.headers["day"]))
        if day is None:
            problems.append(_("%(header)s: “%(value)s” is not a date such as 2026-12-07.",
                              header=layout.headers["day"], value=cell(row, layout.headers["day"])))
        elif day > today:
            problems.append(_("%(header)s: the date is in the future.", header=layout.headers["day"]))
        values = _item_values(row, layout, problems, air=True)
        if station is not None and day is not None:
            key = (station.id, day)
            if key in seen:
                problems.append(_("The same station and day are already in row %(row)d.", row=seen[key]))
            seen.setdefault(key, number)
        if problems:
            result.errors.extend((number, p) for p in problems)
        elif station is not None and day is not None:
            plan.by_site[station].append((number, services.DayRow(day=day, **values)))
    return plan


def _check_water(session, user, kind, headers, rows, result: ImportResult, now: datetime) -> _Plan | None:
    sections = kind is ImportKind.WATER_MONTHLY
    site_column, period_column = (_SECTION, _MONTH) if sections else (_SOURCE, _QUARTER)
    layout = _layout(headers, (site_column, period_column, _SAMPLED), (site_column, period_column),
                     _SECTION_ITEMS if sections else _SOURCE_ITEMS)
    if layout.errors:
        result.errors.extend((1, message) for message in layout.errors)
        return None
    sites = _Sites(session, WaterSection if sections else DrinkingSource, user)
    parse: Callable[[Any], str | None] = parse_month if sections else parse_quarter
    plan, seen = _Plan(), {}
    today = now.astimezone(aggregation.BEIJING).date()
    for number, row in enumerate(rows, start=2):
        problems: list[str] = []
        site, problem = sites.find(cell(row, layout.headers[site_column.key]))
        if problem:
            problems.append(problem)
        period_header = layout.headers[period_column.key]
        period = parse(row.get(period_header))
        if period is None:
            problems.append(_("%(header)s: “%(value)s” is not a period such as %(example)s.", header=period_header,
                              value=cell(row, period_header), example="2025-03" if sections else "2025Q1"))
        elif _period_start(period) > today:
            problems.append(_("%(header)s: the period is in the future.", header=period_header))
        sampled_on = None
        if "sampled_on" in layout.headers and cell(row, layout.headers["sampled_on"]):
            sampled_on = _date(row.get(layout.headers["sampled_on"]))
            if sampled_on is None:
                problems.append(_("%(header)s: “%(value)s” is not a date such as 2026-12-07.",
                                  header=layout.headers["sampled_on"], value=cell(row, layout.headers["sampled_on"])))
            elif sampled_on > today:
                problems.append(_("%(header)s: the date is in the future.", header=layout.headers["sampled_on"]))
        values = _item_values(row, layout, problems, air=False)
        if not values and not problems:
            problems.append(_("The row has no values."))
        if site is not None and period is not None:
            key = (site.id, period)
            if key in seen:
                problems.append(_("The same site and period are already in row %(row)d.", row=seen[key]))
            seen.setdefault(key, number)
        if problems:
            result.errors.extend((number, p) for p in problems)
        elif site is not None and period is not None:
            plan.by_site[site].append((number, (period, sampled_on, values)))
    return plan


def template_headers(kind: ImportKind | str) -> list[str]:
    """The headers of an empty file of this kind, as a centre would export it."""
    kind = ImportKind(kind)
    if kind is ImportKind.AIR_HOURLY:
        return ["站点编码", "站点名称", "监测时间", "SO2(μg/m³)", "NO2(μg/m³)", "CO(mg/m³)", "O3(μg/m³)",
                "PM10(μg/m³)", "PM2.5(μg/m³)"]
    if kind is ImportKind.AIR_DAILY:
        return ["站点编码", "站点名称", "日期", "SO2(μg/m³)", "NO2(μg/m³)", "CO(mg/m³)", "PM10(μg/m³)",
                "PM2.5(μg/m³)", "O3最大1小时(μg/m³)", "O3最大8小时滑动平均(μg/m³)"]
    if kind is ImportKind.WATER_MONTHLY:
        return ["断面编码", "监测月份", "采样日期", "水温(℃)", "pH", "溶解氧(mg/L)", "高锰酸盐指数(mg/L)",
                "化学需氧量(mg/L)", "五日生化需氧量(mg/L)", "氨氮(mg/L)", "总磷(mg/L)", "总氮(mg/L)"]
    return ["水源地编码", "季度", "采样日期", "pH", "溶解氧(mg/L)", "高锰酸盐指数(mg/L)", "氨氮(mg/L)",
            "总磷(mg/L)", "硫酸盐(mg/L)", "氯化物(mg/L)", "硝酸盐(以N计)(mg/L)", "铁(mg/L)", "锰(mg/L)"]

