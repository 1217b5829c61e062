"""Recording values (idempotency, revisions, refusals), water samples, sites and station keys."""
import json
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from app.accounts.permissions import Role
from app.audit import AuditEntry
from app.environment import services
from app.environment.measured import parse_measured
from app.environment.models import (AirDay, AirHour, AirPlaceDay, AirStation, DataOrigin, DataState,
                                    MeasurementRevision, StationKey, WaterSample)
from app.environment.policy import SiteNotPermitted
from app.errors import ActionRefused
from app.extensions import db
from app.org.models import PlaceLevel
from tests import factories
from tests.environment import factories as env

BEIJING = timezone(timedelta(hours=8))
PROVISIONAL, VALIDATED = DataState.PROVISIONAL, DataState.VALIDATED


@pytest.fixture
def setup(app):
    city = factories.place(db.session, level=PlaceLevel.CITY)
    editor = factories.user(db.session, role=Role.BUREAU_EDITOR)
    station = env.station(db.session, bureau=editor.bureau)
    return {"city": city, "editor": editor, "by": services.by_user(editor), "station": station}


def hours(day=date(2026, 3, 10), n=24, **values):
    values = {"so2": 10, "no2": 40, "co": 1.0, "o3": 100, "pm10": 60, "pm25": 35, **values}
    start = datetime(day.year, day.month, day.day, tzinfo=BEIJING)
    return [services.HourRow(observed_at=start + timedelta(hours=r + 1), **values) for r in range(n)]


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def record(setup, rows, state=PROVISIONAL):
    return services.record_air_hours(db.session, setup["by"], setup["station"], rows, state=state,
                                     origin=DataOrigin.IMPORT)


def test_hours_are_recorded_with_their_aqi_and_the_day_is_built(setup):
    outcome = record(setup, hours())
    assert outcome.counts() == {"inserted": 24, "replaced": 0, "unchanged": 0, "refused": 0}
    first = db.session.scalars(select(AirHour).order_by(AirHour.observed_at)).first()
    assert first.observed_at == datetime(2026, 3, 9, 17, tzinfo=timezone.utc)
    # PM10 60 → 55 is the largest IAQI of the hour (O3 1h 100 → 32).
    assert first.aqi == 55 and first.primary_pollutants == "pm10"
    day = db.session.scalars(select(AirDay)).one()
    assert day.day == date(2026, 3, 10) and day.state == PROVISIONAL and day.aqi == 55
    assert db.session.scalars(select(AirPlaceDay).where(AirPlaceDay.place_id == setup["city"].id)).one().aqi == 55
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "environment.air_hours_record")).one()
    assert entry.actor_id == setup["editor"].id and entry.after["inserted"] == 24


def test_the_same_values_again_change_nothing(setup):
    record(setup, hours())
    again = record(setup, hours())
    assert again.counts() == {"inserted": 0, "replaced": 0, "unchanged": 24, "refused": 0}
    assert count(AirHour) == 24 and count(MeasurementRevision) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "environment.air_hours_record")) == 1


def test_validated_replaces_provisional_and_keeps_the_old_values(setup):
    record(setup, hours(pm25=40))
    outcome = record(setup, hours(pm25=35), state=VALIDATED)
    assert outcome.replaced == 24
    assert set(db.session.scalars(select(AirHour.pm25))) == {35}
    revision = db.session.scalars(select(MeasurementRevision)).first()
    assert revision.kind == "air_hour" and revision.previous_state == PROVISIONAL
    assert revision.new_state == VALIDATED and revision.replaced_by == setup["by"]
    assert json.loads(revision.previous)["pm25"] == 40
    assert db.session.scalars(select(AirDay)).one().state == VALIDATED


def test_provisional_never_replaces_validated(setup):
    record(setup, hours(pm25=35), state=VALIDATED)
    outcome = record(setup, hours(n=2, pm25=90))
    assert outcome.refused == 2 and outcome.replaced == 0
    assert "provisional value cannot replace a validated" in outcome.refusals[0].message
    assert set(db.session.scalars(select(AirHour.pm25))) == {35}
    # The same values sent again as provisional are not a change: nothing to refuse.
    assert record(setup, hours(n=2, pm25=35)).counts()["unchanged"] == 2


def test_validated_correction_replaces_validated_with_a_revision(setup):
    record(setup, hours(n=1, pm25=35), state=VALIDATED)
    outcome = record(setup, hours(n=1, pm25=30), state=VALIDATED)
    assert outcome.replaced == 1
    revision = db.session.scalars(select(MeasurementRevision)).one()
    assert revision.previous_state == VALIDATED and json.loads(revision.previous)["pm25"] == 35


def test_bad_hours_are_refused_and_the_rest_recorded(setup):
    future = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0) + timedelta(hours=3)
    rows = [*hours(n=1), services.HourRow(observed_at=future, pm25=3),
            services.HourRow(observed_at=datetime(2026, 3, 10, 5, 30, tzinfo=BEIJING), pm25=3),
            services.HourRow(observed_at=datetime(2026, 3, 10, 6), pm25=3),
            services.HourRow(observed_at=datetime(2026, 3, 10, 7, tzinfo=BEIJING), pm25=-1),
            hours(n=1)[0]]
    outcome = record(setup, rows)
    assert outcome.inserted == 1
    assert [r.index for r in outcome.refusals] == [1, 2, 3, 4, 5]
    assert [r.field for r in outcome.refusals] == ["observed_at", "observed_at", "observed_at", "pm25",
                                                   "observed_at"]


def test_imported_day_is_kept_over_hours_and_replaces_a_computed_day(setup):
    record(setup, hours(pm25=35))
    outcome = services.record_air_days(db.session, setup["by"], setup["station"],
                                       [services.DayRow(day=date(2026, 3, 10), so2=10, no2=40, co=1.0, pm10=60,
                                                        pm25=20, o3_1h_max=100, o3_8h_max=100)],
                                       state=VALIDATED, origin=DataOrigin.IMPORT)
    assert outcome.replaced == 1
    day = db.session.scalars(select(AirDay)).one()
    assert (day.origin, day.pm25, day.aqi) == (DataOrigin.IMPORT, 20, 55)
    record(setup, hours(pm25=80), state=VALIDATED)
    db.session.refresh(day)
    assert day.pm25 == 20  # hours arriving later do not overwrite the imported day


def test_water_section_sample_class_exceeding_and_below_detection(setup):
    section = env.section(db.session, target_class=3, bureau=setup["editor"].bureau)
    values = {"nh3n": parse_measured("1.2"), "codmn": parse_measured("4.5"), "tp": parse_measured("0.01L"),
              "do": parse_measured("6.2")}
    sample = services.record_water_sample(db.session, setup["by"], section, "2026-03", values,
                                          state=PROVISIONAL, origin=DataOrigin.IMPORT, sampled_on=date(2026, 3, 5))
    assert sample.water_class == 4 and sample.meets_target is False
    assert sample.exceeding == "nh3n:0.20"
    tp = next(v for v in sample.values if v.item == "tp")
    assert (tp.reported, tp.value, tp.below_detection) == ("0.01L", 0.01, True)
    outcome = services.RecordOutcome()
    services.record_water_sample(db.session, setup["by"], section, "2026-03", values, state=PROVISIONAL,
                                 origin=DataOrigin.IMPORT, outcome=outcome)
    assert outcome.unchanged == 1 and count(MeasurementRevision) == 0
    better = {**values, "nh3n": parse_measured("0.8")}
    services.record_water_sample(db.session, setup["by"], section, "2026-03", better, state=VALIDATED,
                                 origin=DataOrigin.IMPORT, outcome=outcome)
    assert outcome.replaced == 1 and sample.water_class == 3 and sample.meets_target is True
    assert json.loads(db.session.scalars(select(MeasurementRevision)).one().previous)["values"]["nh3n"] == "1.2"
    with pytest.raises(ActionRefused, match="provisional"):
        services.record_water_sample(db.session, setup["by"], section, "2026-03", values, state=PROVISIONAL,
                                     origin=DataOrigin.IMPORT)


def test_drinking_source_compliance_and_failing_items(setup):
    source = env.source(db.session, kind="ground", bureau=setup["editor"].bureau)
    sample = services.record_water_sample(
        db.session, setup["by"], source, "2026Q1",
        {"ph": parse_measured("7.2"), "nh3n": parse_measured("0.8"), "fe": parse_measured("0.05L")},
        state=VALIDATED, origin=DataOrigin.IMPORT)
    assert sample.compliant is False and sample.failing == "nh3n" and sample.source_id == source.id
    assert count(WaterSample) == 1


def test_unknown_water_item_is_refused(setup):
    section = env.section(db.session)
    with pytest.raises(ActionRefused, match="Unknown water quality item"):
        services.record_water_sample(db.session, "demo", section, "2026-03", {"gold": parse_measured("1")},
                                     state=PROVISIONAL, origin=DataOrigin.DEMO)


def site_fields(setup, **changes):
    district = setup["station"].place
    return {"code": "NEW01", "name_zh_hans": "新站", "name_zh_hant": "新站", "name_en": "New", "latitude": None,
            "longitude": None, "place_id": district.id, "bureau_id": setup["editor"].bureau_id, "sort_order": 0,
            "active": True, "control_level": "national", **changes}


def test_sites_are_created_updated_and_deactivated_with_audit(setup):
    station = services.create_site(db.session, setup["by"], AirStation, site_fields(setup))
    services.update_site(db.session, setup["by"], station, {"name_en": "Renamed"})
    services.deactivate_site(db.session, setup["by"], station)
    actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "air_stations")
                                      .order_by(AuditEntry.id)))
    assert actions == ["environment.site_create", "environment.site_update", "environment.site_deactivate"]
    assert station.active is False and station.name_en == "Renamed"


def test_site_of_another_bureau_and_duplicate_code_are_refused(setup):
    other = factories.bureau(db.session)
    with pytest.raises(SiteNotPermitted):
        services.create_site(db.session, setup["by"], AirStation, site_fields(setup, bureau_id=other.id))
    with pytest.raises(SiteNotPermitted):
        services.update_site(db.session, setup["by"], setup["station"], {"bureau_id": other.id})
    with pytest.raises(ActionRefused) as refused:
        services.create_site(db.session, setup["by"], AirStation, site_fields(setup, code=setup["station"].code))
    assert refused.value.field == "code"
    admin = factories.user(db.session, role=Role.ADMIN)
    created = services.create_site(db.session, services.by_user(admin), AirStation,
                                   site_fields(setup, bureau_id=other.id))
    assert created.bureau_id == other.id


def test_deactivating_a_station_takes_it_out_of_the_place_means(setup):
    second = env.station(db.session, place=setup["station"].place, bureau=setup["editor"].bureau)
    record(setup, hours(pm25=20))
    services.record_air_hours(db.session, setup["by"], second, hours(pm25=60), state=PROVISIONAL,
                              origin=DataOrigin.IMPORT)
    city_day = db.session.scalars(select(AirPlaceDay).where(AirPlaceDay.place_id == setup["city"].id)).one()
    assert city_day.pm25 == 40
    services.deactivate_site(db.session, setup["by"], second)
    db.session.refresh(city_day)
    assert city_day.pm25 == 20 and city_day.stations == 1


def test_station_key_is_shown_once_stored_as_digest_and_revoked(setup):
    key, secret = services.create_station_key(db.session, setup["by"], setup["editor"].bureau_id, "站房 1")
    assert secret.startswith("esk_") and key.key_digest == services.key_digest(secret)
    assert secret not in json.dumps([e.after for e in db.session.scalars(select(AuditEntry))], ensure_ascii=False)
    assert services.find_station_key(db.session, secret) == key
    services.revoke_station_key(db.session, setup["by"], key)
    assert key.active is False
    assert count(StationKey) == 1
    with pytest.raises(SiteNotPermitted):
        services.create_station_key(db.session, setup["by"], factories.bureau(db.session).id, "x")
