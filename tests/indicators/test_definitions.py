"""Indicator definitions (指标解释): read from the catalogue rows in three languages and shown on the public page."""
import re

import pytest
from sqlalchemy import select

from app.demo.indicators import load_catalogues
from app.demo.seed import BUREAUS
from app.indicators import queries
from app.indicators.catalogue_import import import_catalogue
from app.indicators.models import Indicator
from app.org.models import Bureau, PlaceLevel
from tests import factories

HAZARDOUS = {
    "zh_hans": "指本地区产生的危险废物中得到综合利用或安全处置的比例。",
    "zh_hant": "指本地區產生的危險廢物中得到綜合利用或安全處置的比例。",
    "en": "The share of the hazardous waste generated in the area that is recovered or safely disposed of.",
}


def row(code, name, **values):
    return {"domain": "生态安全", "task": "(四)风险防范", "code": code, "name_zh_hans": name, "unit": "%",
            "target": "100", "property": "约束性", "scope": "市县", **values}


def load(session, rows, code="defs"):
    result = import_catalogue(session, None, code=code, name_zh_hans="测试指标体系", first_year=2019,
                              last_year=None, rows=rows)
    assert not result.errors, result.errors
    return {i.code: i for i in queries.catalogue_indicators(session, result.catalogue)}


def test_the_loader_stores_definitions_in_three_languages(session):
    indicators = load(session, [
        row("1", "危险废物利用处置率", **{f"definition_{lang}": text for lang, text in HAZARDOUS.items()}),
        row("2", "一般工业固体废物综合利用率"),  # no definition columns: still valid, left empty
    ])
    first, second = indicators["1"], indicators["2"]
    assert (first.definition_zh_hans, first.definition_zh_hant, first.definition_en) == (
        HAZARDOUS["zh_hans"], HAZARDOUS["zh_hant"], HAZARDOUS["en"])
    assert (second.definition_zh_hans, second.definition_zh_hant, second.definition_en) == ("", "", "")


def test_the_official_header_zhibiao_jieshi_is_the_simplified_definition(session):
    header = ["领域", "任务", "序号", "指标名称", "单位", "指标值", "指标属性", "适用范围", "指标解释"]
    rows = [dict(zip(header, ["生态安全", "(四)风险防范", "1", "危险废物利用处置率", "%", "100", "约束性", "市县",
                              f"  {HAZARDOUS['zh_hans']} "])),
            dict(zip(header, ["生态安全", "(四)风险防范", "2", "一般工业固体废物综合利用率", "%", ">=80", "参考性",
                              "市县", None]))]
    indicators = load(session, rows)
    assert indicators["1"].definition_zh_hans == HAZARDOUS["zh_hans"]  # trimmed like every other cell
    assert (indicators["1"].definition_zh_hant, indicators["1"].definition_en) == ("", "")
    assert indicators["2"].definition_zh_hans == ""


@pytest.fixture
def demo_catalogues(session):
    for code, hans, hant, en in BUREAUS:
        session.add(Bureau(code=code, name_zh_hans=hans, name_zh_hant=hant, name_en=en))
    session.flush()
    catalogues = load_catalogues(session)
    session.commit()
    return catalogues


@pytest.mark.parametrize("version", range(3))
def test_every_demo_indicator_has_a_definition_in_three_languages(session, demo_catalogues, version):
    indicators = session.scalars(select(Indicator).where(Indicator.catalogue_id == demo_catalogues[version].id)).all()
    assert len(indicators) == 38
    for indicator in indicators:
        texts = (indicator.definition_zh_hans, indicator.definition_zh_hant, indicator.definition_en)
        assert all(text.strip() for text in texts), indicator.code
        assert indicator.definition_zh_hant != indicator.definition_zh_hans, indicator.code
        assert not re.search(r"[\u3400-\u9fff]", indicator.definition_en), indicator.code  # no Chinese left
    water = next(i for i in indicators if i.code == "8")
    assert "达到或优于Ⅲ类水质的断面数 ÷ 评价断面总数 × 100%" in water.definition_zh_hans
    assert "達到或優於Ⅲ類水質的斷面數" in water.definition_zh_hant


@pytest.mark.parametrize("lang, label, text", [
    ("zh_Hans", "指标解释", "达到或优于Ⅲ类水质的断面数 ÷ 评价断面总数 × 100%"),
    ("zh_Hant", "指標解釋", "達到或優於Ⅲ類水質的斷面數 ÷ 評價斷面總數 × 100%"),
    ("en", "Definition", "sections of Class III or better ÷ all assessed sections × 100%"),
])
def test_the_public_indicator_page_shows_the_definition(client, session, demo_catalogues, lang, label, text):
    factories.place(session, level=PlaceLevel.CITY, code="city", name_zh_hans="云溪市")
    session.commit()
    body = client.get(f"/indicators/8?lang={lang}").get_data(as_text=True)
    assert f"<dt>{label}</dt><dd>" in body and text in body


def test_the_page_has_no_definition_row_when_there_is_none(client, session):
    factories.place(session, level=PlaceLevel.CITY, code="city")
    load(session, [row("1", "危险废物利用处置率")])
    session.commit()
    body = client.get("/indicators/1?lang=en").get_data(as_text=True)
    assert "危险废物利用处置率" in body and "<dt>Definition</dt>" not in body
