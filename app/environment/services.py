"""Writes of the environment module: monitoring values with their revisions, sites and station keys.

Every write takes the session and `by`, who brings the change: "user:<id>", "key:<id>" or "demo". It flushes,
writes an audit entry where a person or a key acts, and never commits. Recording values follows one rule set:
the same values again change nothing; a validated value replaces a provisional one (the old values kept in
`measurement_revisions`); a provisional value never replaces a validated one; a validated correction replaces a
validated value, again with a revision. After values change, the evaluated tables are refreshed
(`aggregation.refresh`)."""
from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import insert, select
from sqlalchemy.orm import selectinload

from app import audit
from app.accounts.models import User
from app.db_types import utcnow
from app.environment import aggregation, policy
from app.environment.aqi import Pollutant, daily_aqi, hourly_aqi
from app.environment.measured import Measured
from app.environment.models import (AirDay, AirHour, AirStation, DataOrigin, DataState, DrinkingSource,
                                    MeasurementRevision, SourceKind, StationKey, WaterSample, WaterSection,
                                    WaterValue)
from app.environment.water import BodyKind, Item, WaterClass, evaluate_section
from app.errors import ActionRefused
from app.org.models import Bureau, Place, PlaceLevel

HOUR_ITEMS = ("so2", "no2", "co", "o3", "pm10", "pm25")
DAY_ITEMS = ("so2", "no2", "co", "pm10", "pm25", "o3_1h_max", "o3_8h_max")
# A station's clock may run a little ahead; an hour labelled further in the future than this is refused.
CLOCK_SLACK = timedelta(minutes=10)
_CHUNK = 400

Site = AirStation | WaterSection | DrinkingSource


# --- who acts -----------------------------------------------------------------------------------------------

def by_user(user) -> str:
    """The `by` of a signed-in person."""
    return f"user:{user.id}"


def by_key(key: StationKey) -> str:
    """The `by` of a station key."""
    return f"key:{key.id}"


def actor_of(session, by: str) -> User | None:
    """The person behind `by` (None for a key or the demo)."""
    kind, _sep, ident = by.partition(":")
    if kind == "user" and ident.isdigit():
        return session.get(User, int(ident))
    return None


def _audit(session, by: str, action: str, obj=None, **kwargs) -> None:
    if by == "demo":
        return
    actor = actor_of(session, by)
    note = kwargs.pop("note", "")
    audit.record(session, action, obj, actor=actor, note=(f"{by} {note}" if not actor else note).strip()[:500],
                 **kwargs)


# --- outcomes -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Refusal:
    """A value not recorded: the index of its row in the call and the reason, for the user."""

    index: int
    message: str
    field: str = ""


@dataclass
class RecordOutcome:
    """What recording did: rows inserted, replaced (with a revision), unchanged, and refused with reasons."""

    inserted: int = 0
    replaced: int = 0
    unchanged: int = 0
    refusals: list[Refusal] = field(default_factory=list)
    # The station-days whose values changed: what aggregation.refresh needs.
    station_days: set[tuple[int, date]] = field(default_factory=set)

    @property
    def refused(self) -> int:
        return len(self.refusals)

    def counts(self) -> dict[str, int]:
        return {"inserted": self.inserted, "replaced": self.replaced, "unchanged": self.unchanged,
                "refused": self.refused}

    def add(self, other: RecordOutcome) -> None:
        self.inserted += other.inserted
        self.replaced += other.replaced
        self.unchanged += other.unchanged
        self.refusals.extend(other.refusals)
        self.station_days |= other.station_days


@dataclass(frozen=True)
class HourRow:
    """One station-hour to record: the END of the hour (aware), the six 1-hour values (CO mg/m³, others μg/m³)."""

    observed_at: datetime
    so2: float | None = None
    no2: float | None = None
    co: float | None = None
    o3: float | None = None
    pm10: float | None = None
    pm25: float | None = None
    # Overrides the call's state for this row (the push API lets each hour say its own).
    state: DataState | None = None


@dataclass(frozen=True)
class DayRow:
    """One station-day as the centre publishes it: 24-hour means and the O3 daily maxima."""

    day: date
    so2: float | None = None
    no2: float | None = None
    co: float | None = None
    pm10: float | None = None
    pm25: float | None = None
    o3_1h_max: float | None = None
    o3_8h_max: float | None = None


def _values(obj, items: Sequence[str]) -> dict[str, float | None]:
    return {name: getattr(obj, name) for name in items}


def _same(old: Mapping[str, float | None], new: Mapping[str, float | None]) -> bool:
    return all((old[name] is None and new[name] is None) or
               (old[name] is not None and new[name] is not None and float(old[name]) == float(new[name]))
               for name in new)


def _negative(values: Mapping[str, float | None]) -> str | None:
    return next((name for name, value in values.items() if value is not None and value < 0), None)


def _revision(session, kind: str, record, previous: dict, new_state: DataState, by: str) -> None:
    session.add(MeasurementRevision(
        kind=kind, record_id=record.id, previous=json.dumps(previous, ensure_ascii=False, default=str),
        previous_state=record.state, new_state=new_state, replaced_by=by, replaced_at=utcnow()))


def _decide(existing_state: DataState, same: bool, new_state: DataState) -> str:
    """unchanged, refuse or replace: the rule set of the module docstring."""
    if same and (existing_state == new_state or new_state == DataState.PROVISIONAL):
        return "unchanged"
    if existing_state == DataState.VALIDATED and new_state == DataState.PROVISIONAL:
        return "refuse"
    return "replace"


def _provisional_over_validated() -> str:
    return _("A provisional value cannot replace a validated one; send a validated correction instead.")


# --- air hours and days -------------------------------------------------------------------------------------

def _hour_aqi(values: Mapping[str, float | None]) -> tuple[int | None, str]:
    result = hourly_aqi({Pollutant(name): values[name] for name in HOUR_ITEMS})
    return result.aqi, ",".join(p.value for p in result.primary)


def _check_hour(row: HourRow, now: datetime) -> tuple[str, str] | None:
    """(field, message) when the row cannot be recorded at all."""
    at = row.observed_at
    if at.tzinfo is None:
        return "observed_at", _("The time must say its time zone.")
    if (at.minute, at.second, at.microsecond) != (0, 0, 0):
        return "observed_at", _("An hourly value is labelled by the full hour at its end (e.g. 10:00).")
    if at > now + CLOCK_SLACK:
        return "observed_at", _("The time is in the future.")
    negative = _negative(_values(row, HOUR_ITEMS))
    if negative:
        return negative, _("A concentration cannot be negative.")
    return None


def _load_by(session, model, column, station_id: int, keys: list) -> dict:
    found = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start:start + _CHUNK]
        for obj in session.scalars(select(model).where(model.station_id == station_id, column.in_(chunk))):
            found[getattr(obj, column.key)] = obj
    return found


def record_air_hours(session, by: str, station: AirStation, rows: Sequence[HourRow], *, state: DataState,
                     origin: DataOrigin, audit_it: bool = True, refresh: bool = True) -> RecordOutcome:
    """Record a station's hours by the module's rules; refresh its days, the places' days and periods.

    Rows that cannot be recorded (a future or unlabelled hour, a negative value, the same hour twice, a
    provisional value over a validated one) are listed in the outcome's refusals; the others are recorded.
    refresh=False leaves the evaluated tables to the caller (`aggregation.refresh(outcome.station_days)`), who
    records several stations and refreshes once."""
    outcome = RecordOutcome()
    now = utcnow()
    seen: dict[datetime, int] = {}
    good: list[tuple[int, HourRow]] = []
    for index, row in enumerate(rows):
        problem = _check_hour(row, now)
        if problem is None and row.observed_at in seen:
            problem = "observed_at", _("The same hour is given twice (also in item %(index)s).",
                                       index=seen[row.observed_at])
        if problem:
            outcome.refusals.append(Refusal(index, problem[1], problem[0]))
            continue
        seen[row.observed_at] = index
        good.append((index, row))
    existing = _load_by(session, AirHour, AirHour.observed_at, station.id, [row.observed_at for _i, row in good])
    inserts: list[dict] = []
    touched: set[tuple[int, date]] = set()
    for index, row in good:
        row_state = row.state or state
        values = _values(row, HOUR_ITEMS)
        aqi, primary = _hour_aqi(values)
        old = existing.get(row.observed_at)
        if old is None:
            inserts.append({"station_id": station.id, "observed_at": row.observed_at, **values, "aqi": aqi,
                            "primary_pollutants": primary, "state": row_state, "origin": origin,
                            "updated_at": now})
            outcome.inserted += 1
        else:
            decision = _decide(old.state, _same(_values(old, HOUR_ITEMS), values), row_state)
            if decision == "unchanged":
                outcome.unchanged += 1
                continue
            if decision == "refuse":
                outcome.refusals.append(Refusal(index, _provisional_over_validated(), "state"))
                continue
            _revision(session, "air_hour", old, {**_values(old, HOUR_ITEMS), "state": old.state,
                                                 "origin": old.origin, "updated_at": old.updated_at},
                      row_state, by)
            for name, value in values.items():
                setattr(old, name, value)
            old.aqi, old.primary_pollutants, old.state, old.origin = aqi, primary, row_state, origin
            outcome.replaced += 1
        touched.add((station.id, aggregation.day_and_row(row.observed_at)[0]))
    for start in range(0, len(inserts), _CHUNK):
        session.execute(insert(AirHour), inserts[start:start + _CHUNK])
    session.flush()
    outcome.station_days = touched
    if refresh:
        aggregation.refresh(session, touched)
    if audit_it and (outcome.inserted or outcome.replaced or outcome.refused):
        _audit(session, by, "environment.air_hours_record", station,
               after={**outcome.counts(), "state": state, "origin": origin})
    return outcome


def record_air_days(session, by: str, station: AirStation, rows: Sequence[DayRow], *, state: DataState,
                    origin: DataOrigin, audit_it: bool = True, refresh: bool = True) -> RecordOutcome:
    """Record a station's daily values as the centre published them (kept as given, never recomputed from
    hours); the same rules as hours. An imported day replaces a day computed from hours, with a revision."""
    if origin == DataOrigin.COMPUTED:
        raise ValueError("computed days are written by aggregation only")
    outcome = RecordOutcome()
    today = utcnow().astimezone(aggregation.BEIJING).date()
    seen: dict[date, int] = {}
    good: list[tuple[int, DayRow]] = []
    for index, row in enumerate(rows):
        negative = _negative(_values(row, DAY_ITEMS))
        if row.day > today:
            outcome.refusals.append(Refusal(index, _("The date is in the future."), "day"))
        elif negative:
            outcome.refusals.append(Refusal(index, _("A concentration cannot be negative."), negative))
        elif row.day in seen:
            outcome.refusals.append(Refusal(index, _("The same day is given twice (also in item %(index)s).",
                                                     index=seen[row.day]), "day"))
        else:
            seen[row.day] = index
            good.append((index, row))
    existing = _load_by(session, AirDay, AirDay.day, station.id, [row.day for _i, row in good])
    touched: set[tuple[int, date]] = set()
    for index, row in good:
        values = _values(row, DAY_ITEMS)
        result = daily_aqi(
            {Pollutant(name): values[name] for name in ("so2", "no2", "co", "pm10", "pm25")},
            values["o3_8h_max"], values["o3_1h_max"])
        computed = {"aqi": result.aqi, "primary_pollutants": ",".join(p.value for p in result.primary)}
        old = existing.get(row.day)
        if old is None:
            session.add(AirDay(station_id=station.id, day=row.day, **values, **computed, state=state,
                               origin=origin))
            outcome.inserted += 1
        else:
            same = _same(_values(old, DAY_ITEMS), values) and old.origin != DataOrigin.COMPUTED
            decision = _decide(old.state, same, state)
            if decision == "unchanged":
                outcome.unchanged += 1
                continue
            if decision == "refuse":
                outcome.refusals.append(Refusal(index, _provisional_over_validated(), "state"))
                continue
            _revision(session, "air_day", old, {**_values(old, DAY_ITEMS), "state": old.state,
                                                "origin": old.origin, "updated_at": old.updated_at}, state, by)
            for name, value in {**values, **computed}.items():
                setattr(old, name, value)
            old.state, old.origin = state, origin
            outcome.replaced += 1
        touched.add((station.id, row.day))
    session.flush()
    outcome.station_days = touched
    if refresh:
        aggregation.refresh(session, touched)
    if audit_it and (outcome.inserted or outcome.replaced or outcome.refused):
        _audit(session, by, "environment.air_days_record", station,
               after={**outcome.counts(), "state": state, "origin": origin})
    return outcome


# --- water samples ------------------------------------------------------------------------------------------

def _evaluate_water(site, values: Mapping[str, Measured]) -> dict[str, Any]:
    if isinstance(site, WaterSection):
        unknown = sorted(key for key in values if key not in {item.value for item in Item})
        if unknown:
            raise ActionRefused(_("Unknown water quality item: %(items)s.", items=", ".join(unknown)))
        result = evaluate_section({Item(key): value for key, value in values.items()}, BodyKind(site.body.value))
        exceeding = ",".join(f"{e.item.value}:{'' if e.multiple is None else format(e.multiple, '.2f')}"
                             for e in result.exceeding)
        return {"water_class": None if result.water_class is None else int(result.water_class),
                "meets_target": None if result.water_class is None else result.meets(WaterClass(site.target_class)),
                "exceeding": exceeding[:400], "compliant": None, "failing": ""}
    try:
        found = site.evaluate(values)
    except ValueError as error:
        raise ActionRefused(_("Unknown drinking-water item: %(items)s.", items=str(error).split(": ")[-1])) \
            from error
    return {"water_class": None, "meets_target": None, "exceeding": "", "compliant": found.compliant,
            "failing": ",".join(f.key for f in found.failing)[:400]}


def _sample_state(sample: WaterSample) -> dict[str, Any]:
    return {"values": {value.item: value.reported for value in sample.values}, "sampled_on": sample.sampled_on,
            "state": sample.state, "origin": sample.origin, "water_class": sample.water_class,
            "compliant": sample.compliant, "updated_at": sample.updated_at}


def record_water_sample(session, by: str, site: WaterSection | DrinkingSource, period: str,
                        values: Mapping[str, Measured], *, state: DataState, origin: DataOrigin,
                        sampled_on: date | None = None, outcome: RecordOutcome | None = None,
                        audit_it: bool = True) -> WaterSample:
    """Record a section's month ("2025-03") or a source's quarter ("2025Q1") with its class or compliance.

    Values are kept as reported ("0.01L" stays below detection). Raises ActionRefused when a provisional sample
    would replace a validated one or an item is unknown; counts into `outcome` when given."""
    outcome = outcome if outcome is not None else RecordOutcome()
    if not values:
        raise ActionRefused(_("A sample needs at least one value."))
    evaluation = _evaluate_water(site, values)
    column = WaterSample.section_id if isinstance(site, WaterSection) else WaterSample.source_id
    sample = session.scalar(select(WaterSample).where(column == site.id, WaterSample.period == period))
    if sample is None:
        sample = WaterSample(period=period, sampled_on=sampled_on, state=state, origin=origin, **evaluation)
        if isinstance(site, WaterSection):
            sample.section_id = site.id
        else:
            sample.source_id = site.id
        sample.values = [WaterValue(item=key, reported=value.text, value=value.value,
                                    below_detection=value.below_detection) for key, value in values.items()]
        session.add(sample)
        outcome.inserted += 1
        action = "environment.water_record"
    else:
        old_values = {value.item: value.reported for value in sample.values}
        same = old_values == {key: value.text for key, value in values.items()} and \
            (sampled_on is None or sampled_on == sample.sampled_on)
        decision = _decide(sample.state, same, state)
        if decision == "unchanged":
            outcome.unchanged += 1
            return sample
        if decision == "refuse":
            raise ActionRefused(_provisional_over_validated())
        _revision(session, "water_sample", sample, _sample_state(sample), state, by)
        by_item = {value.item: value for value in sample.values}
        for key, value in values.items():
            row = by_item.pop(key, None)
            if row is None:
                sample.values.append(WaterValue(item=key, reported=value.text, value=value.value,
                                                below_detection=value.below_detection))
            else:
                row.reported, row.value, row.below_detection = value.text, value.value, value.below_detection
        for row in by_item.values():
            sample.values.remove(row)
        for name, value in evaluation.items():
            setattr(sample, name, value)
        sample.state, sample.origin = state, origin
        if sampled_on is not None:
            sample.sampled_on = sampled_on
        outcome.replaced += 1
        action = "environment.water_replace"
    session.flush()
    if audit_it:
        _audit(session, by, action, sample, after={"site": site.code, "period": period, "state": state,
                                                   "values": {k: v.text for k, v in values.items()},
                                                   "water_class": sample.water_class,
                                                   "compliant": sample.compliant})
    return sample


# --- sites --------------------------------------------------------------------------------------------------

COMMON_FIELDS = ("code", "name_zh_hans", "name_zh_hant", "name_en", "latitude", "longitude", "place_id",
                 "bureau_id", "sort_order", "active")
SITE_FIELDS: dict[type, tuple[str, ...]] = {
    AirStation: COMMON_FIELDS + ("control_level",),
    WaterSection: COMMON_FIELDS + ("control_level", "body", "water_zh_hans", "water_zh_hant", "water_en",
                                   "target_class"),
    DrinkingSource: COMMON_FIELDS + ("kind", "body"),
}


def _check_site_fields(session, model, fields: Mapping[str, Any], site=None) -> None:
    code = (fields.get("code") or "").strip()
    if not code:
        raise ActionRefused(_("Enter the site's code."), field="code")
    clash = session.scalar(select(model.id).where(model.code == code))
    if clash is not None and (site is None or clash != site.id):
        raise ActionRefused(_("Another site already has the code %(code)s.", code=code), field="code")
    place = session.get(Place, fields.get("place_id") or 0)
    if place is None or place.level != PlaceLevel.DISTRICT:
        raise ActionRefused(_("Choose the district the site lies in."), field="place_id")
    if session.get(Bureau, fields.get("bureau_id") or 0) is None:
        raise ActionRefused(_("Choose the bureau that runs the site."), field="bureau_id")
    if model is DrinkingSource and fields.get("kind") == SourceKind.SURFACE and not fields.get("body"):
        raise ActionRefused(_("Choose whether the surface source lies on a river or on a lake or reservoir."),
                            field="body")


def _source_fields(model, fields: Mapping[str, Any]) -> Mapping[str, Any]:
    """A groundwater source lies on no river or lake: a water body given with it, or kept from when it was a
    surface source, is dropped."""
    if model is DrinkingSource and fields.get("kind") == SourceKind.GROUND:
        return {**fields, "body": None}
    return fields


def _reevaluate_samples(session, site: WaterSection | DrinkingSource) -> None:
    """The site's stored samples judged again, after what they are judged by changed (a source's kind or water
    body, a section's water body or target class): what the public pages and the indicators read follows."""
    column = WaterSample.section_id if isinstance(site, WaterSection) else WaterSample.source_id
    for sample in session.scalars(select(WaterSample).options(selectinload(WaterSample.values))
                                  .where(column == site.id)):
        values = {value.item: Measured(value=value.value, below_detection=value.below_detection,
                                       text=value.reported) for value in sample.values}
        if values:
            for name, value in _evaluate_water(site, values).items():
                setattr(sample, name, value)
    session.flush()


def _refresh_station_places(session, station: AirStation) -> None:
    """A station moved, changed level or (de)activated: its places' days and periods follow."""
    days = set(session.scalars(select(AirDay.day).where(AirDay.station_id == station.id)))
    if days:
        aggregation.refresh_places(session, days)


def create_site(session, by: str, model: type[Site], fields: Mapping[str, Any]) -> Site:
    """A new station, section or source (audited as environment.site_create)."""
    actor = actor_of(session, by)
    if by != "demo":
        policy.check_manage(actor, fields.get("bureau_id"))
    fields = _source_fields(model, fields)
    _check_site_fields(session, model, fields)
    site = model(**{name: fields[name] for name in SITE_FIELDS[model] if name in fields})
    site.code = site.code.strip()
    session.add(site)
    session.flush()
    _audit(session, by, "environment.site_create", site, after=site.audit_state())
    return site


def update_site(session, by: str, site: Site, fields: Mapping[str, Any]) -> Site:
    """Change a site (an editor may not move it to another bureau); audited as environment.site_update."""
    actor = actor_of(session, by)
    if by != "demo":
        policy.check_manage(actor, site)
        policy.check_manage(actor, fields.get("bureau_id", site.bureau_id))
    fields = _source_fields(type(site), {**({"kind": site.kind} if isinstance(site, DrinkingSource) else {}),
                                         **fields})
    merged = {**{name: getattr(site, name) for name in SITE_FIELDS[type(site)]}, **fields}
    _check_site_fields(session, type(site), merged, site)
    before = site.audit_state()
    for name in SITE_FIELDS[type(site)]:
        if name in fields:
            setattr(site, name, fields[name].strip() if name == "code" else fields[name])
    session.flush()
    after = site.audit_state()
    if after != before:
        _audit(session, by, "environment.site_update", site, before=before, after=after)
        if isinstance(site, AirStation) and any(before[k] != after[k] for k in ("place_id", "control_level",
                                                                                 "active")):
            _refresh_station_places(session, site)
        judged_by = {WaterSection: ("body", "target_class"), DrinkingSource: ("kind", "body")}.get(type(site), ())
        if any(before[k] != after[k] for k in judged_by):
            _reevaluate_samples(session, site)
    return site


def deactivate_site(session, by: str, site: Site) -> Site:
    """A site that no longer reports: kept with its values, left out of the city's and districts' means."""
    actor = actor_of(session, by)
    if by != "demo":
        policy.check_manage(actor, site)
    if not site.active:
        return site
    before = site.audit_state()
    site.active = False
    session.flush()
    _audit(session, by, "environment.site_deactivate", site, before=before, after=site.audit_state())
    if isinstance(site, AirStation):
        _refresh_station_places(session, site)
    return site


# --- station keys -------------------------------------------------------------------------------------------

KEY_PREFIX = "esk_"


def key_digest(key: str) -> str:
    """The SHA-256 of a key, as stored."""
    return hashlib.sha256(key.strip().encode()).hexdigest()


def create_station_key(session, by: str, bureau_id: int, name: str) -> tuple[StationKey, str]:
    """A key the bureau's automatic stations push with; the key is returned once and stored only as a digest."""
    actor = actor_of(session, by)
    policy.check_manage(actor, bureau_id)
    name = name.strip()
    if not name:
        raise ActionRefused(_("Give the key a name."), field="name")
    if session.get(Bureau, bureau_id) is None:
        raise ActionRefused(_("Choose the bureau that runs the site."), field="bureau_id")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = StationKey(name=name, bureau_id=bureau_id, key_digest=key_digest(key), prefix=key[:10],
                     created_by_id=getattr(actor, "id", None), created_at=utcnow())
    session.add(row)
    session.flush()
    _audit(session, by, "environment.key_create", row, after=row.audit_state())
    return row, key


def revoke_station_key(session, by: str, key: StationKey) -> None:
    """A revoked key is refused from now on; the row stays, so past pushes still name it."""
    policy.check_manage(actor_of(session, by), key.bureau_id)
    if key.revoked_at is not None:
        return
    before = key.audit_state()
    key.revoked_at = utcnow()
    session.flush()
    _audit(session, by, "environment.key_revoke", key, before=before, after=key.audit_state())


def find_station_key(session, key: str | None) -> StationKey | None:
    """The stored key matching `key` (revoked or not), or None."""
    if not key or not key.strip():
        return None
    return session.scalar(select(StationKey).where(StationKey.key_digest == key_digest(key)))

