"""Catalogue versions with their years of application, unconfirmed cells, and a unit per sub-indicator.

The facts used here (copied, never read from outside the project):
- 《国家生态文明建设示范市县建设指标》, 环生态〔2019〕76号, issued 2019-09-11;
- 《国家生态文明建设示范区建设指标(修订版)》, 环办生态函〔2021〕353号, cited by city work plans from 2021 on;
- 《生态文明建设示范区(市)建设指标》 and 《…(县)建设指标》, 生态环境部办公厅 notice of 2024-02-01 (number not
  found), whose city table has no 约束性/参考性 column and whose row 1 is 生态文明建设工作占党政实绩考核的比例 ≥20;
- rows 1–17 of a city's 2023 指标任务分解表 drawn up under the 2021 revision: row 2 reads
  党委政府对生态文明建设重大目标任务研究部署情况, row 10 reads 生态环境状况指数 湿润地区 ≥60 (no other zone shown),
  row 12 reads 国家重点保护野生动植物保护率 ≥95 / 外来物种入侵 不明显 / 特有性或指示性水生物种保持率 不降低.
"""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.demo.indicators import load_catalogues, load_values
from app.demo.seed import BUREAUS
from app.indicators import queries
from app.indicators.catalogue_import import import_catalogue, parse_unconfirmed
from app.indicators.models import Indicator, IndicatorCatalogue, IndicatorValue
from app.indicators.rules import Status
from app.org.models import Bureau, PlaceLevel
from tests import factories


@pytest.fixture
def versions(session):
    for code, hans, hant, en in BUREAUS:
        session.add(Bureau(code=code, name_zh_hans=hans, name_zh_hant=hant, name_en=en))
    session.flush()
    catalogues = {c.code: c for c in load_catalogues(session)}
    session.commit()
    return catalogues


def indicator(session, catalogue, code) -> Indicator:
    return session.scalar(select(Indicator).where(Indicator.catalogue_id == catalogue.id, Indicator.code == code))


@pytest.mark.parametrize("year, code", [(2019, "2019"), (2020, "2019"), (2021, "2021"), (2023, "2021"),
                                        (2024, "2024-city"), (2025, "2024-city"), (2026, "2024-city")])
def test_each_year_is_judged_under_the_version_that_applied_then(session, versions, year, code):
    """环生态〔2019〕76号 applies until the 2021 revision (环办生态函〔2021〕353号), which applies until the 2024
    city table (生态环境部办公厅, 2024-02-01)."""
    assert queries.catalogue_for_year(session, year).code == code


def test_the_versions_carry_their_document_numbers_and_years(versions):
    """The 2019 and 2021 document numbers are known; the 2024 one was not found and is not invented."""
    found = {code: (c.document, c.first_year, c.last_year) for code, c in versions.items()}
    assert found == {"2019": ("环生态〔2019〕76号", 2019, 2020), "2021": ("环办生态函〔2021〕353号", 2021, 2023),
                     "2024-city": ("", 2024, None)}
    assert "未找到" in versions["2024-city"].note_zh_hans and "not found" in versions["2024-city"].note_en


def test_row_10_targets_come_from_a_source_and_none_is_invented(session, versions):
    """2019: the recalled ≥55且不降低 (Hunan 2018 table), unconfirmed. 2021: the task-breakdown table shows only
    湿润地区 ≥60, so no semi-humid or arid target is made up, and the target stays marked unconfirmed."""
    (old,) = indicator(session, versions["2019"], "10").measures
    assert old.target == ">= 55 且 不降低" and old.is_unconfirmed("target")
    (new,) = indicator(session, versions["2021"], "10").measures
    assert new.target == "湿润地区: >= 60" and new.is_unconfirmed("target")
    assert "半湿润" not in new.target and "干旱" not in new.target


def test_the_2021_rows_follow_the_task_breakdown_table(session, versions):
    """Row 2 is named …研究部署情况 in the 2021 revision; rows the table shows are confirmed but for their scope
    (the table has no 适用范围 column); rows it does not show (18 on) are unconfirmed in every cell."""
    row2 = indicator(session, versions["2021"], "2")
    assert row2.name_zh_hans == "党委政府对生态文明建设重大目标任务研究部署情况"
    assert row2.unconfirmed == "scope" and not row2.measures[0].unconfirmed
    row25 = indicator(session, versions["2021"], "25")
    assert row25.unconfirmed == "name,property,scope" and row25.measures[0].unconfirmed == "unit,target"


def test_the_2024_city_table_has_no_property_and_carried_rows_are_marked(session, versions):
    """The 2024 city table has no 约束性/参考性 column; its row 1 (≥20) confirms our row 3; every other carried
    row is marked unconfirmed."""
    rows = session.scalars(select(Indicator).where(Indicator.catalogue_id == versions["2024-city"].id)).all()
    assert {r.property_type for r in rows} == {None}
    row3 = indicator(session, versions["2024-city"], "3")
    assert row3.measures[0].target == ">= 20" and not row3.measures[0].unconfirmed
    row25 = indicator(session, versions["2024-city"], "25")
    assert row25.measures[0].is_unconfirmed("target") and row25.is_unconfirmed("name")


def test_each_sub_indicator_has_its_own_unit(session, versions):
    """12.2 外来物种入侵 is judged as a state (不明显) and has no unit; 34.3 一次性消费品人均使用量 is a quantity
    per person, not a percentage, and its official unit was not found."""
    for code in ("2019", "2021", "2024-city"):
        units = [m.unit for m in indicator(session, versions[code], "12").measures]
        assert units == ["%", "", "%"]
        third = indicator(session, versions[code], "34").measures[2]
        assert third.unit != "%" and third.is_unconfirmed("unit")
        assert third.name_en == "disposable items per capita"  # each sub-indicator named, not the whole row


def rows_for(unit="%", target=">=95; 不明显; 不降低", **extra):
    return [{"domain": "生态安全", "task": "(三)生态系统保护", "code": "12", "unit": unit, "target": target,
             "name_zh_hans": "生物多样性保护(国家重点保护野生动植物保护率; 外来物种入侵; 特有性或指示性水生物种保持率)",
             "property": "参考性", "scope": "市县", **extra}]


def test_a_unit_count_that_does_not_match_the_sub_indicators_is_refused(session, app):
    """One unit per sub-indicator, in order, or one for all: two units for three sub-indicators is refused."""
    with app.test_request_context("/?lang=en"):
        result = import_catalogue(session, None, code="bad", name_zh_hans="测试", first_year=2021, last_year=None,
                                  rows=rows_for(unit="%; -"))
    assert result.catalogue is None
    assert result.errors == [(2, "The unit cell lists 2 units for 3 sub-indicators: give one unit for each, in "
                                 "order, or a single unit for all.")]
    assert session.scalar(select(func.count(IndicatorCatalogue.id))) == 0


def test_an_unknown_unconfirmed_cell_is_refused(session, app):
    with app.test_request_context("/?lang=en"):
        result = import_catalogue(session, None, code="bad", name_zh_hans="测试", first_year=2021, last_year=None,
                                  rows=rows_for(unconfirmed="target.4; colour"))
    assert result.catalogue is None and len(result.errors) == 1 and "target.4" in result.errors[0][1]


def test_unconfirmed_cells_are_read_per_row_and_per_sub_indicator():
    assert parse_unconfirmed("all", 2) == ({"name", "property", "scope"},
                                           {1: {"unit", "target"}, 2: {"unit", "target"}})
    assert parse_unconfirmed("scope; target.2", 3) == ({"scope"}, {1: set(), 2: {"target"}, 3: set()})
    with pytest.raises(ValueError):
        parse_unconfirmed("property.1", 2)


def two_versions(session):
    rows = [{"domain": "生态经济", "task": "(六)资源", "code": "21", "name_zh_hans": "单位地区生产总值用水量",
             "unit": "立方米/万元", "target": "保持稳定或持续改善", "property": "约束性", "scope": "市县",
             "higher_is_better": "0"},
            {"domain": "生态安全", "task": "(四)风险", "code": "14", "name_zh_hans": "危险废物利用处置率", "unit": "%",
             "target": "100", "property": "约束性", "scope": "市县"}]
    old = import_catalogue(session, None, code="old", name_zh_hans="旧版指标", name_en="Old version",
                           document="旧〔2021〕1号", first_year=2021, last_year=2023, rows=rows).catalogue
    carried = [dict(r, property="", unconfirmed="all") for r in rows]
    new = import_catalogue(session, None, code="new", name_zh_hans="新版指标", name_en="New version",
                           first_year=2024, last_year=None, rows=carried,
                           notes={"zh_hans": "新版全文未找到。", "en": "The new table was not found."}).catalogue
    return old, new


def test_a_trend_compares_with_the_previous_year_across_a_change_of_version(session):
    """“保持稳定或持续改善” is judged against the previous period; when that period was judged under the previous
    version, the same indicator's value there is the comparison, not “awaiting assessment”."""
    city = factories.place(session, level=PlaceLevel.CITY, code="city")
    old, new = two_versions(session)
    factories.approved_value(session, indicator(session, old, "21").measures[0], city, "2023",
                             numeric_value=Decimal("40"))
    water = indicator(session, new, "21")
    factories.approved_value(session, water.measures[0], city, "2024", numeric_value=Decimal("38"))
    assert queries.compliance(session, new, "2024", [city]).status(water, city).status == Status.MET
    factories.approved_value(session, water.measures[0], city, "2025", numeric_value=Decimal("45"))
    assert queries.compliance(session, new, "2025", [city]).status(water, city).status == Status.NOT_MET


@pytest.mark.parametrize("lang, marker, judged, years", [
    ("zh_Hans", "未经核实", "评价依据：新版指标", "自2024年起适用"),
    ("en", "unconfirmed", "Judged under: New version", "applies from 2024"),
])
def test_the_public_pages_say_which_version_a_year_is_judged_under(client, session, lang, marker, judged, years):
    """A past year stays judged under the version that applied then, and the pages name it with its document
    number and years; unconfirmed cells carry a visible marker."""
    city = factories.place(session, level=PlaceLevel.CITY, code="city")
    old, new = two_versions(session)
    factories.approved_value(session, indicator(session, old, "14").measures[0], city, "2023",
                             numeric_value=Decimal("100"))
    factories.approved_value(session, indicator(session, new, "14").measures[0], city, "2025",
                             numeric_value=Decimal("100"))
    session.commit()
    past = client.get(f"/indicators/?period=2023&lang={lang}").get_data(as_text=True)
    assert "旧〔2021〕1号" in past and "2021–2023" in past and marker not in past
    now = client.get(f"/indicators/?period=2025&lang={lang}").get_data(as_text=True)
    assert judged in now and years in now and f'<span class="unconfirmed">{marker}</span>' in now
    page = client.get(f"/indicators/14?period=2025&lang={lang}").get_data(as_text=True)
    assert judged in page and f'<span class="unconfirmed">{marker}</span>' in page
    assert ("新版全文未找到。" if lang == "zh_Hans" else "The new table was not found.") in page


def test_demo_values_are_stored_under_the_version_of_their_year(session, versions):
    """The demo judges 2023 under the 2021 revision and 2024–2025 under the 2024 city table."""
    factories.place(session, level=PlaceLevel.CITY, code="yunxi", moisture="humid")
    editor = factories.user(session)
    load_values(session, editor, editor, years=(2023, 2024, 2025))
    rows = session.execute(select(IndicatorValue.period, IndicatorCatalogue.code).distinct()
                           .join(IndicatorValue.measure).join(Indicator).join(IndicatorCatalogue)).all()
    assert sorted(rows) == [("2023", "2021"), ("2024", "2024-city"), ("2025", "2024-city")]


def test_an_indicator_page_shows_past_years_judged_under_their_own_version(client, session):
    """The values over time of an indicator carried over from the previous version include the years judged
    under that version (the same indicator by name and unit), not “not reported”."""
    city = factories.place(session, level=PlaceLevel.CITY, code="city")
    old, new = two_versions(session)
    factories.approved_value(session, indicator(session, old, "21").measures[0], city, "2023",
                             numeric_value=Decimal("41.5"))
    factories.approved_value(session, indicator(session, new, "21").measures[0], city, "2025",
                             numeric_value=Decimal("39.25"))
    session.commit()
    body = client.get("/indicators/21?period=2025&lang=en").get_data(as_text=True)
    assert "<td>2023</td><td>41.5" in body and "<td>2025</td><td>39.25" in body


def test_the_api_names_the_version_and_the_unconfirmed_cells(client, session):
    """The open-data API says which version a period is judged under and which cells are unconfirmed."""
    city = factories.place(session, level=PlaceLevel.CITY, code="city")
    _old, new = two_versions(session)
    factories.approved_value(session, indicator(session, new, "14").measures[0], city, "2025",
                             numeric_value=Decimal("100"))
    session.commit()
    data = client.get("/api/v1/indicators?period=2025").get_json()
    assert data["catalogue_version"]["code"] == "new" and data["catalogue_version"]["first_year"] == 2024
    assert data["catalogue_version"]["last_year"] is None and data["catalogue_version"]["document"] is None
    row = next(i for i in data["indicators"] if i["code"] == "14")
    assert (row["unconfirmed"] == ["name", "property", "scope"]
            and row["measures"][0]["unconfirmed"] == ["unit", "target"])


def test_the_downloaded_table_lists_the_unconfirmed_cells(client, session):
    """The CSV of the overview carries, per sub-indicator, which cells are unconfirmed."""
    factories.place(session, level=PlaceLevel.CITY, code="city")
    two_versions(session)
    session.commit()
    text = client.get("/indicators/?period=2025&lang=en&format=csv").get_data(as_text=True)
    header, first = text.lstrip("\ufeff").splitlines()[:2]
    assert header.endswith(",Unconfirmed")
    assert first.endswith('"indicator name, unit, target value, property, scope"')
    text = client.get("/indicators/?period=2023&lang=en&format=csv").get_data(as_text=True)
    assert text.lstrip("\ufeff").splitlines()[1].endswith(",")
