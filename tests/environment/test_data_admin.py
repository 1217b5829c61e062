"""The environment back office: sites per bureau, the import page, station keys, values with revisions."""
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.environment import services
from app.environment.models import AirHour, AirStation, DataOrigin, DataState, StationKey
from app.extensions import db
from app.org.models import PlaceLevel
from tests import factories
from tests.environment import factories as env

BEIJING = timezone(timedelta(hours=8))


@pytest.fixture
def sites(session, staff):
    factories.place(session, level=PlaceLevel.CITY)
    district = factories.place(session)
    home, other = staff["bureaus"]["home"], staff["bureaus"]["other"]
    result = {"district": district,
              "own": env.station(session, place=district, bureau=home, code="OWN01", name_zh_hans="本局站"),
              "foreign": env.station(session, place=district, bureau=other, code="FOR01", name_zh_hans="他局站"),
              "section": env.section(session, place=district, bureau=home, code="SEC01"),
              "source": env.source(session, place=district, bureau=home, code="SRC01")}
    session.commit()
    return result


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def station_form(token, sites, staff, **changes):
    return {"csrf_token": token, "code": "NEW01", "name_zh_hans": "新站", "name_zh_hant": "", "name_en": "New",
            "place_id": sites["district"].id, "bureau_id": staff["bureaus"]["home"].id, "latitude": "30.5",
            "longitude": "114.3", "sort_order": "1", "active": "y", "control_level": "national", **changes}


def test_editor_sees_only_own_bureaus_sites(client, auth, sites):
    auth.login("editor")
    html = client.get("/admin/environment/").get_data(as_text=True)
    assert "OWN01" in html and "SEC01" in html and "SRC01" in html and "FOR01" not in html


def test_admin_sees_every_bureau(client, auth, sites):
    auth.login("admin")
    html = client.get("/admin/environment/").get_data(as_text=True)
    assert "OWN01" in html and "FOR01" in html


@pytest.mark.parametrize("url", ["/admin/environment/stations/{id}", "/admin/environment/stations/{id}/edit"])
def test_another_bureaus_site_is_refused_and_audited(client, auth, sites, url):
    auth.login("editor")
    assert client.get(url.format(id=sites["foreign"].id)).status_code == 403
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "environment.denied")).one()
    assert entry.object_id == str(sites["foreign"].id)


def test_another_bureaus_site_cannot_be_changed_or_deactivated(client, auth, csrf, sites, staff):
    auth.login("editor")
    token = csrf.token(client, "/admin/environment/")
    foreign = sites["foreign"]
    response = client.post(f"/admin/environment/stations/{foreign.id}/edit",
                           data=station_form(token, sites, staff, code="FOR01"))
    assert response.status_code == 403
    assert client.post(f"/admin/environment/stations/{foreign.id}/deactivate",
                       data={"csrf_token": token}).status_code == 403
    db.session.refresh(foreign)
    assert foreign.active is True and foreign.name_zh_hans == "他局站"


def test_create_station_is_audited(client, auth, csrf, sites, staff):
    auth.login("editor")
    token = csrf.token(client, "/admin/environment/stations/new")
    response = client.post("/admin/environment/stations/new", data=station_form(token, sites, staff))
    assert response.status_code == 303
    station = db.session.scalars(select(AirStation).where(AirStation.code == "NEW01")).one()
    assert station.bureau_id == staff["bureaus"]["home"].id and station.latitude == 30.5
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "environment.site_create")).one()
    assert entry.actor_id == staff["bureau_editor"].id


def test_editor_cannot_create_a_site_for_another_bureau(client, auth, csrf, sites, staff):
    auth.login("editor")
    token = csrf.token(client, "/admin/environment/stations/new")
    response = client.post("/admin/environment/stations/new",
                           data=station_form(token, sites, staff, bureau_id=staff["bureaus"]["other"].id))
    assert response.status_code == 422
    assert count(AirStation, AirStation.code == "NEW01") == 0


def test_duplicate_code_comes_back_422_with_the_input_kept(client, auth, csrf, sites, staff):
    auth.login("editor")
    token = csrf.token(client, "/admin/environment/stations/new")
    response = client.post("/admin/environment/stations/new",
                           data=station_form(token, sites, staff, code="OWN01", name_zh_hans="重复的站"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Another site already has the code OWN01." in html and 'value="重复的站"' in html
    assert count(AirStation) == 2


def test_section_and_source_forms_save(client, auth, csrf, sites, staff):
    auth.login("editor")
    token = csrf.token(client, "/admin/environment/sections/new")
    data = {**station_form(token, sites, staff, code="SEC02"), "body": "lake", "water_zh_hans": "东湖",
            "target_class": "2"}
    assert client.post("/admin/environment/sections/new", data=data).status_code == 303
    section = sites["section"]
    data = {**station_form(token, sites, staff, code="SRC01", name_zh_hans="改名水源地"), "kind": "ground"}
    assert client.post(f"/admin/environment/sources/{sites['source'].id}/edit", data=data).status_code == 303
    db.session.refresh(sites["source"])
    assert sites["source"].name_zh_hans == "改名水源地" and sites["source"].kind == "ground"
    assert client.get(f"/admin/environment/sections/{section.id}").status_code == 200


def csv_upload(rows):
    headers = "站点编码,监测时间,SO2(μg/m³),NO2(μg/m³),CO(mg/m³),O3(μg/m³),PM10(μg/m³),PM2.5(μg/m³)"
    body = "\r\n".join([headers, *rows]).encode("utf-8")
    return (io.BytesIO(body), "hours.csv")


def test_import_with_a_bad_row_applies_nothing_and_lists_it(client, auth, csrf, sites):
    auth.login("editor")
    token = csrf.token(client, "/admin/environment/import")
    data = {"csrf_token": token, "kind": "air_hourly", "state": "provisional",
            "file": csv_upload(["OWN01,2026-12-01 10:00,8,30,0.6,40,50,30",
                                "FOR01,2026-12-01 10:00,8,30,0.6,40,50,30"])}
    response = client.post("/admin/environment/import", data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Site FOR01 belongs to another bureau." in html and "<td>3</td>" in html
    assert count(AirHour) == 0
    assert count(AuditEntry, AuditEntry.action == "environment.import") == 0


def test_import_applies_and_audits(client, auth, csrf, sites):
    auth.login("editor")
    token = csrf.token(client, "/admin/environment/import")
    data = {"csrf_token": token, "kind": "air_hourly", "state": "validated",
            "file": csv_upload(["OWN01,2026-12-01 10:00,8,30,0.6,40,50,30"])}
    response = client.post("/admin/environment/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    assert "1 new" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.scalars(select(AirHour)).one().state == DataState.VALIDATED
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "environment.import")).one()
    assert entry.after["inserted"] == 1 and entry.after["file"] == "hours.csv"


def test_import_without_a_file_is_422(client, auth, csrf, sites):
    auth.login("editor")
    token = csrf.token(client, "/admin/environment/import")
    response = client.post("/admin/environment/import", data={"csrf_token": token, "kind": "air_hourly",
                                                              "state": "provisional"})
    assert response.status_code == 422 and "Choose an XLSX or CSV file." in response.get_data(as_text=True)


def test_import_template_downloads(client, auth, sites):
    auth.login("editor")
    response = client.get("/admin/environment/import/template.xlsx?kind=water_monthly")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    assert client.get("/admin/environment/import/template.xlsx?kind=nope").status_code == 404


def test_station_key_is_shown_once_and_revoked(client, auth, csrf, sites, staff):
    auth.login("editor")
    token = csrf.token(client, "/admin/environment/keys")
    response = client.post("/admin/environment/keys", data={"csrf_token": token, "name": "站房 A",
                                                            "bureau_id": staff["bureaus"]["home"].id})
    assert response.status_code == 303
    html = client.get("/admin/environment/keys").get_data(as_text=True)
    key = re.search(r"esk_[A-Za-z0-9_-]+", html).group(0)
    row = db.session.scalars(select(StationKey)).one()
    assert row.key_digest == services.key_digest(key)
    assert key not in client.get("/admin/environment/keys").get_data(as_text=True)
    assert client.post(f"/admin/environment/keys/{row.id}/revoke", data={"csrf_token": token}).status_code == 303
    db.session.refresh(row)
    assert row.revoked_at is not None
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"environment.key_create", "environment.key_revoke"} <= actions


def test_keys_of_another_bureau_are_hidden_and_cannot_be_revoked(client, auth, csrf, sites, staff):
    admin_by = services.by_user(staff["admin"])
    row, _secret = services.create_station_key(db.session, admin_by, staff["bureaus"]["other"].id, "他局")
    db.session.commit()
    auth.login("editor")
    assert "他局" not in client.get("/admin/environment/keys").get_data(as_text=True)
    token = csrf.token(client, "/admin/environment/keys")
    assert client.post(f"/admin/environment/keys/{row.id}/revoke", data={"csrf_token": token}).status_code == 403
    response = client.post("/admin/environment/keys", data={"csrf_token": token, "name": "x",
                                                            "bureau_id": staff["bureaus"]["other"].id})
    assert response.status_code == 422
    assert count(StationKey) == 1


def test_values_page_shows_revisions(client, auth, sites, staff):
    by = services.by_user(staff["bureau_editor"])
    at = datetime(2026, 12, 1, 10, tzinfo=BEIJING)
    for state, pm25 in ((DataState.PROVISIONAL, 44), (DataState.VALIDATED, 41)):
        services.record_air_hours(db.session, by, sites["own"], [services.HourRow(observed_at=at, pm25=pm25)],
                                  state=state, origin=DataOrigin.IMPORT)
    db.session.commit()
    auth.login("editor")
    html = client.get(f"/admin/environment/stations/{sites['own'].id}").get_data(as_text=True)
    assert "1 earlier version" in html and "pm25=44" in html and ">41<" in html


def test_deactivate_station(client, auth, csrf, sites):
    auth.login("editor")
    token = csrf.token(client, "/admin/environment/")
    response = client.post(f"/admin/environment/stations/{sites['own'].id}/deactivate", data={"csrf_token": token})
    assert response.status_code == 303
    db.session.refresh(sites["own"])
    assert sites["own"].active is False


@pytest.mark.parametrize("role", ["tip_handler", "reviewer"])
def test_other_roles_are_refused(client, auth, staff, role):
    auth.login(staff[role].username)
    assert client.get("/admin/environment/").status_code == 403
    assert client.get("/admin/environment/import").status_code == 403


def test_rebuild_command(runner, sites, staff):
    services.record_air_hours(db.session, services.by_user(staff["admin"]), sites["own"],
                              [services.HourRow(observed_at=datetime(2026, 12, 1, h, tzinfo=BEIJING), pm25=30)
                               for h in range(1, 24)], state=DataState.VALIDATED, origin=DataOrigin.IMPORT)
    db.session.commit()
    result = runner.invoke(args=["environment-rebuild"])
    assert result.exit_code == 0 and "rebuilt" in result.output
