"""Admins manage districts (with the attributes targets depend on) and bureaus; changes are audited."""
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.org.models import Bureau, Place
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
    from app.org.models import PlaceLevel

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


def test_seed_demo_is_idempotent(runner, session):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "admin" in first.output
    counts = (session.scalar(select(func.count(Place.id))), session.scalar(select(func.count(Bureau.id))))
    assert counts[0] >= 7 and counts[1] >= 10
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert (session.scalar(select(func.count(Place.id))), session.scalar(select(func.count(Bureau.id)))) == counts
    terrains = {p.terrain for p in session.scalars(select(Place))}
    assert terrains == {"plain", "hilly", "mountain"}
