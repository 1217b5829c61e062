"""A surface drinking-water source lies on a river or on a lake or reservoir: GB 3838-2002 gives lakes and
reservoirs the stricter total phosphorus limit (class Ⅲ 0.05 mg/L against 0.2), and every place that judges a
source uses its setting — recording, the yearly bulletin and indicator 25, the public page, the API."""
from datetime import date, datetime, timezone

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, text

from app import create_app
from app.accounts.permissions import Role
from app.audit import AuditEntry
from app.environment import bulletin, services
from app.environment.measured import parse_measured
from app.environment.models import DataOrigin, DataState, DrinkingSource, SourceKind, WaterBody
from app.errors import ActionRefused
from app.extensions import db
from app.org.models import PlaceLevel
from tests import factories
from tests.conftest import base_config, scratch_database
from tests.environment import factories as env

# Class Ⅲ everywhere except total phosphorus: 0.08 mg/L is within a river's 0.2 and beyond a reservoir's 0.05.
SAMPLE = {"ph": "7.4", "do": "6.8", "codmn": "2.6", "nh3n": "0.21", "tp": "0.08", "f": "0.3", "mn": "0.03"}


def values(**changes):
    return {key: parse_measured(text) for key, text in {**SAMPLE, **changes}.items()}


@pytest.fixture
def setup(app):
    city = factories.place(db.session, level=PlaceLevel.CITY)
    district = factories.place(db.session)
    editor = factories.user(db.session, role=Role.BUREAU_EDITOR)
    river = env.source(db.session, place=district, bureau=editor.bureau, code="RIVER1", name_en="Qing River intake",
                       body="river")
    reservoir = env.source(db.session, place=district, bureau=editor.bureau, code="RES1",
                           name_en="Qingshan Reservoir", body="lake")
    return {"city": city, "district": district, "editor": editor, "by": services.by_user(editor), "river": river,
            "reservoir": reservoir}


def record(setup, site, period, sample):
    return services.record_water_sample(db.session, setup["by"], site, period, sample, state=DataState.VALIDATED,
                                        origin=DataOrigin.IMPORT, sampled_on=date(2025, 2, 15))


def test_the_same_phosphorus_passes_a_river_source_and_fails_a_reservoir_source(setup):
    on_river = record(setup, setup["river"], "2025Q1", values())
    on_reservoir = record(setup, setup["reservoir"], "2025Q1", values())
    assert (on_river.compliant, on_river.failing) == (True, "")
    assert (on_reservoir.compliant, on_reservoir.failing) == (False, "tp")
    # At the reservoir's limit itself the sample complies; a thousandth above it does not.
    assert record(setup, setup["reservoir"], "2025Q2", values(tp="0.050")).compliant is True
    assert record(setup, setup["reservoir"], "2025Q3", values(tp="0.051")).compliant is False
    assert record(setup, setup["river"], "2025Q2", values(tp="0.2")).compliant is True
    assert record(setup, setup["river"], "2025Q3", values(tp="0.21")).compliant is False


def test_total_nitrogen_is_reported_at_a_reservoir_but_not_in_its_compliance(setup):
    sample = record(setup, setup["reservoir"], "2025Q1", values(tp="0.03", tn="1.8"))
    assert sample.compliant is True and {v.item for v in sample.values} >= {"tn"}


def test_the_bulletin_and_indicator_25_judge_each_source_by_its_water_body(setup):
    for quarter in (1, 2):
        record(setup, setup["river"], f"2025Q{quarter}", values())
        record(setup, setup["reservoir"], f"2025Q{quarter}", values(tp="0.04" if quarter == 1 else "0.08"))
    db.session.commit()
    years = {row.source.code: row for row in bulletin.source_years(db.session, 2025)}
    assert years["RIVER1"].result.compliant is True
    assert years["RES1"].result.compliant is False and years["RES1"].failing_periods == ("2025Q2",)
    assert bulletin.sources_share(list(years.values())) == 50.0


def test_changing_a_sources_water_body_judges_its_samples_again(setup):
    river = setup["river"]
    sample = record(setup, river, "2025Q1", values())
    assert sample.compliant is True
    services.update_site(db.session, setup["by"], river, {"body": WaterBody.LAKE})
    db.session.refresh(sample)
    assert (sample.compliant, sample.failing) == (False, "tp")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "environment.site_update",
                                                        AuditEntry.object_id == str(river.id))).one()
    assert (entry.before["body"], entry.after["body"]) == ("river", "lake")
    services.update_site(db.session, setup["by"], river, {"body": WaterBody.RIVER})
    db.session.refresh(sample)
    assert sample.compliant is True


def test_a_surface_source_needs_its_water_body_and_a_groundwater_source_has_none(setup):
    fields = {"code": "NEW1", "name_zh_hans": "新水源地", "place_id": setup["district"].id,
              "bureau_id": setup["editor"].bureau_id, "kind": SourceKind.SURFACE}
    with pytest.raises(ActionRefused) as refused:
        services.create_site(db.session, setup["by"], DrinkingSource, fields)
    assert refused.value.field == "body" and "lake or reservoir" in str(refused.value)
    well = services.create_site(db.session, setup["by"], DrinkingSource,
                                {**fields, "kind": SourceKind.GROUND, "body": WaterBody.LAKE})
    assert well.body is None
    with pytest.raises(ActionRefused):
        services.update_site(db.session, setup["by"], well, {"kind": SourceKind.SURFACE})
    services.update_site(db.session, setup["by"], setup["river"], {"kind": SourceKind.GROUND})
    assert setup["river"].body is None


def test_the_database_refuses_a_surface_source_without_its_water_body(setup):
    setup["river"].body = None
    with pytest.raises(Exception, match="body_for_surface_only"):
        db.session.flush()
    db.session.rollback()


def source_form(token, setup, **changes):
    return {"csrf_token": token, "code": "NEWSRC", "name_zh_hans": "东湖水库水源地", "name_zh_hant": "",
            "name_en": "Donghu Reservoir", "place_id": setup["district"].id, "bureau_id": setup["editor"].bureau_id,
            "latitude": "", "longitude": "", "sort_order": "1", "active": "y", "kind": "surface", "body": "lake",
            **changes}


def test_the_source_form_offers_and_saves_the_water_body(client, auth, csrf, setup):
    db.session.commit()
    auth.login(setup["editor"].username)
    html = client.get("/admin/environment/sources/new").get_data(as_text=True)
    assert 'name="body"' in html and "Lake or reservoir" in html and "None (groundwater source)" in html
    token = csrf.token(client, "/admin/environment/sources/new")
    assert client.post("/admin/environment/sources/new", data=source_form(token, setup)).status_code == 303
    saved = db.session.scalars(select(DrinkingSource).where(DrinkingSource.code == "NEWSRC")).one()
    assert saved.kind == SourceKind.SURFACE and saved.body == WaterBody.LAKE


def test_a_surface_source_without_a_water_body_comes_back_422_with_the_input_kept(client, auth, csrf, setup):
    db.session.commit()
    auth.login(setup["editor"].username)
    token = csrf.token(client, "/admin/environment/sources/new")
    response = client.post("/admin/environment/sources/new", data=source_form(token, setup, body=""))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose whether the surface source lies on a river or on a lake or reservoir." in html
    assert 'value="东湖水库水源地"' in html
    assert db.session.scalars(select(DrinkingSource).where(DrinkingSource.code == "NEWSRC")).first() is None


def test_the_public_page_and_the_api_show_the_water_body(client, setup):
    record(setup, setup["river"], "2025Q1", values())
    record(setup, setup["reservoir"], "2025Q1", values())
    db.session.commit()
    html = client.get("/environment/water/sources?quarter=2025Q1&lang=en").get_data(as_text=True)
    river_row = html[html.index("Qing River intake"):html.index("</tr>", html.index("Qing River intake"))]
    reservoir_row = html[html.index("Qingshan Reservoir"):html.index("</tr>", html.index("Qingshan Reservoir"))]
    assert "Surface water (River)" in river_row and "total phosphorus ≤ 0.2 mg/L" in river_row
    assert "Meets the standard" in river_row
    assert "Surface water (Lake or reservoir)" in reservoir_row and "total phosphorus ≤ 0.05 mg/L" in reservoir_row
    assert "Does not meet the standard" in reservoir_row and "Total phosphorus" in reservoir_row
    data = client.get("/api/v1/water/sources?quarter=2025Q1").get_json()
    bodies = {row["code"]: (row["body"], row["sample"]["compliant"]) for row in data["sources"]}
    assert bodies == {"RIVER1": ("river", True), "RES1": ("lake", False)}


@pytest.fixture
def empty_database(tmp_path):
    """An empty database of its own (a SQLite file, or a PostgreSQL schema next to the test schema)."""
    with scratch_database(tmp_path, "body") as url:
        yield url


def test_the_migration_sets_the_sources_judged_before_as_rivers(empty_database):
    app = create_app(base_config(empty_database))
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    with app.app_context():
        upgrade(revision="0024")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO places (id, level, kind, code, name_zh_hans, name_zh_hant, name_en, terrain, region, "
                "moisture, coastal, plateau, has_grassland, sort_order, active, created_at) VALUES (1, 'district', "
                "'urban_district', 'east', '东区', '東區', 'East', 'plain', 'central', 'humid', :no, :no, :no, 1, "
                ":yes, :now)"), {"no": False, "yes": True, "now": now})
            connection.execute(text(
                "INSERT INTO bureaus (id, code, name_zh_hans, name_zh_hant, name_en, place_id, active, created_at) "
                "VALUES (1, 'eeb', '局', '局', 'Bureau', 1, :yes, :now)"), {"yes": True, "now": now})
            for number, kind in ((1, "surface"), (2, "ground")):
                connection.execute(text(
                    "INSERT INTO drinking_sources (id, kind, place_id, bureau_id, code, name_zh_hans, name_zh_hant, "
                    "name_en, sort_order, active, created_at) VALUES (:id, :kind, 1, 1, :code, '水源地', '', '', 0, "
                    ":yes, :now)"), {"id": number, "kind": kind, "code": f"S{number}", "yes": True, "now": now})
        upgrade()
        with db.engine.connect() as connection:
            bodies = dict(connection.execute(text("SELECT code, body FROM drinking_sources ORDER BY code")).all())
        db.engine.dispose()
    assert bodies == {"S1": "river", "S2": None}
