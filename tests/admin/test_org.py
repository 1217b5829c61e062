"""Admins manage districts (with the attributes targets depend on) and bureaus; changes are audited."""
from flask_babel import force_locale
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit import AuditEntry
from app.org.models import Bureau, DistrictKind, Place, PlaceLevel, Terrain
from tests import factories


def _district_form(token, **overrides):
    data = {"code": "newdist", "name_zh_hans": "新区", "name_zh_hant": "新區", "name_en": "New District",
            "kind": "county", "terrain": "mountain", "region": "west", "moisture": "arid", "size": "",
            "population": "120000", "sort_order": "3", "active": "y", "csrf_token": token}
    data.update(overrides)
    return data


def test_admin_adds_a_district_with_terrain(client, auth, csrf, session, staff):
    auth.login("admin")
    token = csrf.token(client, "/admin/places/new")
    response = client.post("/admin/places/new", data=_district_form(token))
    assert response.status_code == 303
    place = session.scalar(select(Place).where(Place.code == "newdist"))
    assert (place.terrain, place.region, place.moisture, place.population) == ("mountain", "west", "arid", 120000)
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "org.place_create")).after["code"] == "newdist"


def test_bad_district_input_is_explained_and_kept(client, auth, csrf, session, staff):
    auth.login("admin")
    token = csrf.token(client, "/admin/places/new?lang=en")
    response = client.post("/admin/places/new?lang=en",
                           data=_district_form(token, code="bad code!", terrain="swamp", population="lots"))
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Use letters, digits, dashes or underscores." in body
    assert "Not a valid choice" in body
    assert 'value="新区"' in body
    assert session.scalar(select(Place).where(Place.name_zh_hans == "新区")) is None


def test_duplicate_place_code_is_refused(client, auth, csrf, session, staff):
    factories.place(session, code="taken")
    session.commit()
    auth.login("admin")
    token = csrf.token(client, "/admin/places/new")
    response = client.post("/admin/places/new", data=_district_form(token, code="taken"))
    assert response.status_code == 422


def test_editing_a_place_audits_before_and_after(client, auth, csrf, session, staff):
    place = factories.place(session, terrain="plain")
    session.commit()
    auth.login("admin")
    url = f"/admin/places/{place.id}/edit"
    token = csrf.token(client, url)
    response = client.post(url, data=_district_form(token, code=place.code, terrain="hilly"))
    assert response.status_code == 303
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "org.place_update"))
    assert entry.before["terrain"] == "plain" and entry.after["terrain"] == "hilly"


def test_city_attributes_can_be_edited(client, auth, csrf, session, staff):
    city = factories.place(session, level=PlaceLevel.CITY, code="city")
    session.commit()
    auth.login("admin")
    url = f"/admin/places/{city.id}/edit"
    token = csrf.token(client, url)
    data = _district_form(token, code="city", size="large")
    response = client.post(url, data=data)
    assert response.status_code == 303
    session.refresh(city)
    assert city.size == "large" and city.kind is None


def test_admin_adds_a_bureau(client, auth, csrf, session, staff):
    auth.login("admin")
    token = csrf.token(client, "/admin/bureaus/new")
    response = client.post("/admin/bureaus/new", data={"code": "forestry", "name_zh_hans": "市林业局",
                                                       "name_zh_hant": "", "name_en": "", "place_id": "0",
                                                       "active": "y", "csrf_token": token})
    assert response.status_code == 303
    bureau = session.scalar(select(Bureau).where(Bureau.code == "forestry"))
    assert bureau.place_id is None
    body = client.get("/admin/bureaus?lang=en").get_data(as_text=True)
    assert "市林业局" in body  # falls back to the Simplified name when no English one is given


def test_seed_demo_is_idempotent(runner, session, demo_city):
    assert "admin" in demo_city
    counts = (session.scalar(select(func.count(Place.id))), session.scalar(select(func.count(Bureau.id))))
    assert counts[0] >= 7 and counts[1] >= 10
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert (session.scalar(select(func.count(Place.id))), session.scalar(select(func.count(Bureau.id)))) == counts
    terrains = {p.terrain for p in session.scalars(select(Place))}
    assert terrains == {"plain", "hilly", "mountain"}


def test_place_attributes_read_back_as_titled_members(app, session):
    place = factories.place(session, terrain="mountain")
    session.commit()
    session.expire_all()
    assert place.terrain is Terrain.MOUNTAIN and place.level is PlaceLevel.DISTRICT
    assert isinstance(place.kind, DistrictKind) and place.size is None
    place.terrain = "hilly"
    assert place.terrain is Terrain.HILLY
    with app.test_request_context("/"), force_locale("en"):
        assert str(place.terrain.title) == "Hilly"
    session.rollback()


def test_the_place_list_names_the_attributes_by_their_titles(client, auth, session, staff):
    factories.place(session, code="hills", terrain="mountain")
    session.commit()
    auth.login("admin")
    body = client.get("/admin/places?lang=en").get_data(as_text=True)
    assert "<td>Mountainous</td>" in body and "<td>mountain</td>" not in body


def test_a_duplicate_code_is_explained_beside_the_code_field(client, auth, csrf, session, staff):
    factories.bureau(session, code="taken")
    session.commit()
    auth.login("admin")
    token = csrf.token(client, "/admin/bureaus/new?lang=en")
    response = client.post("/admin/bureaus/new?lang=en", data={"code": "taken", "name_zh_hans": "重名局",
                                                               "place_id": "0", "csrf_token": token})
    assert response.status_code == 422
    assert '<p class="error" id="code-error">The code taken is already used.</p>' in response.get_data(as_text=True)
    assert 'value="重名局"' in response.get_data(as_text=True)


def test_a_renamed_bureau_is_announced_under_its_new_name(client, auth, csrf, session, staff):
    bureau = factories.bureau(session, code="old", name_zh_hans="旧名局", name_en="Old Bureau")
    session.commit()
    auth.login("admin")
    url = f"/admin/bureaus/{bureau.id}/edit?lang=en"
    token = csrf.token(client, url)
    response = client.post(url, data={"code": "old", "name_zh_hans": "新名局", "name_en": "New Bureau",
                                      "place_id": "0", "active": "y", "csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/bureaus"
    body = client.get("/admin/bureaus?lang=en").get_data(as_text=True)
    assert "New Bureau has been saved." in body


def test_place_constraints_keep_the_names_the_migrations_gave_them():
    names = {constraint.name for constraint in Place.__table__.constraints}
    columns = ("level", "kind", "terrain", "region", "moisture", "size")
    assert {f"ck_places_{column}_valid" for column in columns} <= names
    assert {"ck_users_role_valid", "ck_users_bureau_role_has_bureau"} <= {c.name for c in User.__table__.constraints}
