"""The yearly bulletin: its figures are the evaluated tables', the DOCX carries them, the page reads in three
languages."""
import io
from datetime import date

import pytest
from docx import Document

from app.environment import aggregation, bulletin
from app.environment.air_evaluation import publish_ratio, publish_value
from app.environment.aqi import Pollutant
from app.environment.models import AirDay, AirPlacePeriod, DataOrigin, DataState
from app.extensions import db
from app.org.models import PlaceLevel
from tests import factories
from tests.environment import factories as env
from tests.environment.test_providers_indicators import sample

TODAY = date(2026, 3, 1)


def day(station, when, pm25, o3=100, **values):
    row = AirDay(station_id=station.id, day=when, so2=8, no2=30, co=0.8, pm10=round(pm25 * 1.5), pm25=pm25,
                 o3_1h_max=o3 * 1.2, o3_8h_max=o3, state=DataState.VALIDATED, origin=DataOrigin.IMPORT, **values)
    db.session.add(row)
    return row


@pytest.fixture
def world(app):
    session = db.session
    city = factories.place(session, level=PlaceLevel.CITY, code="city", name_zh_hans="测试市", name_en="Test City")
    east = factories.place(session, code="east", name_zh_hans="东区", name_en="East District")
    west = factories.place(session, code="west", name_zh_hans="西区", name_en="West District")
    b = factories.bureau(session)
    one = env.station(session, place=east, bureau=b, control_level="national")
    two = env.station(session, place=west, bureau=b, control_level="provincial")
    keys = []
    # Four days of 2025 (one heavily polluted) and two of 2024 at both stations.
    for when, pm25 in [(date(2025, 1, 12), 180), (date(2025, 3, 1), 30), (date(2025, 7, 1), 20),
                       (date(2025, 10, 1), 50), (date(2024, 5, 1), 40), (date(2024, 6, 1), 60)]:
        for station, factor in ((one, 1.0), (two, 0.8)):
            day(station, when, round(pm25 * factor))
            keys.append((station.id, when))
    session.flush()
    aggregation.refresh(session, keys)
    good = env.section(session, place=east, bureau=b, target_class=3, water_zh_hans="清河", water_en="Qing River")
    bad = env.section(session, place=west, bureau=b, target_class=3, water_zh_hans="清河", water_en="Qing River")
    lake = env.section(session, place=west, bureau=b, target_class=3, body="lake", water_zh_hans="东湖",
                       water_en="East Lake")
    for month in (1, 2):
        sample(good, period=f"2025-{month:02d}", nh3n="0.4", petroleum="0.01L")
        sample(bad, period=f"2025-{month:02d}", nh3n="2.3" if month == 1 else "1.9")
        sample(lake, period=f"2025-{month:02d}", nh3n="0.8", tp="0.04")
    river = env.source(session, place=east, bureau=b, kind="surface")
    well = env.source(session, place=west, bureau=b, kind="ground")
    for quarter in (1, 2):
        sample(source=river, period=f"2025Q{quarter}", nh3n="0.2")
        sample(source=well, period=f"2025Q{quarter}", mn="0.2" if quarter == 2 else "0.05")
    session.commit()
    return {"city": city, "east": east, "west": west, "sections": (good, bad, lake), "sources": (river, well)}


def period(place, name):
    return db.session.scalars(db.select(AirPlacePeriod).where(AirPlacePeriod.place_id == place.id,
                                                               AirPlacePeriod.period == name)).one()


def test_air_figures_are_the_evaluated_years(world):
    result = bulletin.build(db.session, 2025, TODAY)
    row, before = period(world["city"], "2025"), period(world["city"], "2024")
    air = result.city_air
    assert air.stations == 2 and air.row.id == row.id and air.previous.id == before.id
    assert air.good_ratio == publish_ratio(row.good_ratio)
    items = {item.pollutant: item for item in air.items}
    assert items[Pollutant.PM25].published == publish_value(Pollutant.PM25, row.pm25)
    assert items[Pollutant.O3].published == publish_value(Pollutant.O3, row.o3_8h_p90)
    assert items[Pollutant.CO].published == publish_value(Pollutant.CO, row.co_p95)
    assert [count for _c, _t, count in air.days_by_category] == [int(n) for n in row.days_by_level.split(",")]
    # The polluted January day is the one day above level 2, so 3 of 4 days are good.
    assert (row.good_days, row.valid_days) == (3, 4) and air.good_ratio == "75.0"
    assert air.good_ratio_change == 75.0 - float(publish_ratio(before.good_ratio))
    assert items[Pollutant.PM25].meets is False  # an annual mean far above 35
    assert [a.place.code for a in result.district_air] == ["east", "west"]
    assert result.district_air[0].row.id == period(world["east"], "2025").id


def test_water_figures_are_the_sections_annual_classes(world):
    result = bulletin.build(db.session, 2025, TODAY)
    classes = {s.section.id: s.label for s in result.sections}
    good, bad, lake = world["sections"]
    # NH3-N annual means: 0.4 → Ⅱ; (2.3 + 1.9) / 2 = 2.1 → 劣Ⅴ; 0.8 → Ⅲ (lake TP 0.04 is Ⅲ too).
    assert classes == {good.id: "Ⅱ", bad.id: "劣Ⅴ", lake.id: "Ⅲ"}
    assert result.city_water.n == 3
    assert (result.city_water.share_good, result.city_water.share_worse_v) == ("66.7", "33.3")
    by_failing = {s.section.id: (s.months_failing, s.months) for s in result.sections}
    assert by_failing[good.id] == (0, 2)
    assert [(g.name, g.n) for g in result.waters] == [("清河", 2), ("东湖", 1)]


def test_drinking_sources_are_judged_on_every_sample(world):
    result = bulletin.build(db.session, 2025, TODAY)
    river, well = world["sources"]
    verdicts = {s.source.id: (s.result.compliant, s.failing_periods) for s in result.sources}
    assert verdicts == {river.id: (True, ()), well.id: (False, ("2025Q2",))}
    assert result.sources_share_text == "50.0" and result.compliant_sources == 1


def test_a_year_without_data_is_said_to_have_none(world):
    result = bulletin.build(db.session, 2020, TODAY)
    assert not result.has_data and not result.city_air.has_data and result.sources_share is None


def text_of(body: bytes) -> str:
    document = Document(io.BytesIO(body))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_the_docx_opens_and_carries_the_figures(world, client):
    client.set_cookie("lang", "en")
    response = client.get("/environment/bulletin/2025.docx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert 'filename="environment-bulletin-2025.docx"' in response.headers["Content-Disposition"]
    text = text_of(response.data)
    result = bulletin.build(db.session, 2025, date.today())
    assert "Test City ecological environment bulletin 2025" in text
    assert f"share of {result.city_air.good_ratio}%" in text
    assert f"{result.city_air.items[0].published} μg/m³" in text
    assert "66.7% were of class Ⅰ–Ⅲ and 33.3% worse than class Ⅴ" in text
    assert "1 of 2 centralised drinking-water sources met the standard in every sample: 50.0%" in text
    assert "Manganese (2025Q2)" in text
    for section in world["sections"]:
        assert section.name_en in text


@pytest.mark.parametrize("lang, html_lang, name", [("zh_Hans", "zh-Hans", "测试断面"),
                                                    ("zh_Hant", "zh-Hant", "測試斷面"), ("en", "en", "Test Section")])
def test_the_page_reads_in_each_language(world, client, lang, html_lang, name):
    client.set_cookie("lang", lang)
    page = client.get("/environment/bulletin/2025").get_data(as_text=True)
    assert f'lang="{html_lang}"' in page
    assert name in page
    assert "2025Q2" in page and "劣Ⅴ" in page
    assert '/environment/bulletin/2025.docx' in page


def test_the_english_page_says_the_figures(world, client):
    client.set_cookie("lang", "en")
    page = client.get("/environment/bulletin/2025").get_data(as_text=True)
    assert "3 of 4 valid days were good or excellent, a share of 75.0%" in page
    # Fewer than 5 sections: the means of their annual NH3-N (0.4, 2.1, 0.8 → 1.1, class Ⅳ) decide the status.
    assert "overall status: Lightly polluted." in page
    assert "Demonstration data" not in page  # imported values, not the demo's
    assert '<span lang="zh-Hans">劣Ⅴ</span>' in page  # the class is Chinese in every language


def test_years_outside_the_site_are_not_found(world, client):
    assert client.get(f"/environment/bulletin/{date.today().year + 1}").status_code == 404
    assert client.get("/environment/bulletin/1999").status_code == 404
    assert client.get("/environment/bulletin/1999.docx").status_code == 404
    response = client.get("/environment/bulletin/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/environment/bulletin/{date.today().year - 1}")


def test_a_running_year_is_marked_provisional(world, client):
    client.set_cookie("lang", "en")
    page = client.get(f"/environment/bulletin/{date.today().year}").get_data(as_text=True)
    assert "The year has not ended: every figure is provisional." in page
