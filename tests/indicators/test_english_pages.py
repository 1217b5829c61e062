"""Issue 12: what residents reading English meet on the indicator pages, downloads and API — targets and values
in plain words with their units, no internal keys, and Chinese only where a text has no translation, marked."""
import csv
import io
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.indicators import queries
from app.indicators.models import IndicatorEvidenceFile, IndicatorValue
from app.org.models import PlaceLevel
from tests import factories

HAN = re.compile(r"[\u3400-\u9fff]")
ENGLISH = {"1": "Eco-civilization plan", "2": "Hazardous waste disposal rate", "3": "Forest and grass cover",
           "5": "Natural shoreline retention", "6": "Public satisfaction"}  # 4 has no English name


class VisibleText(HTMLParser):
    """The text a reader sees, leaving out elements marked as another language (lang="zh-…"), scripts,
    and the language switcher's own names."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "area", "col", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack: list[bool] = []
        self.chunks: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        # <head> too: a <title> cannot mark a part of itself as another language.
        hidden = dict(attrs).get("lang", "").startswith("zh") or tag in ("script", "style", "head")
        self.stack.append(hidden or (bool(self.stack) and self.stack[-1]))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.chunks.append(data)


def unmarked_chinese(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return [chunk.strip() for chunk in parser.chunks if HAN.search(chunk)]


@pytest.fixture
def english(session, staff):
    city = factories.place(session, level=PlaceLevel.CITY, code="city", terrain="hilly", name_zh_hans="云溪市",
                           name_en="Yunxi City")
    hills = factories.place(session, code="hills", terrain="hilly", name_zh_hans="白河县", name_en="Baihe County")
    catalogue = factories.catalogue(session, lead_bureau=staff["bureaus"]["home"])
    catalogue.name_en = "Test indicators"
    ind = {i.code: i for i in queries.catalogue_indicators(session, catalogue)}
    for code, indicator in ind.items():
        indicator.name_en = ENGLISH.get(code, "")
        indicator.task_group.name_en = f"Task group {indicator.task_group.sort_order}"
        indicator.task_group.domain.name_en = f"Domain {indicator.task_group.domain.code}"
        for measure in indicator.measures:
            measure.name_en = indicator.name_en
    ind["6"].provider = "surveys.satisfaction"
    for place, waste in ((city, "100"), (hills, "92")):
        factories.approved_value(session, ind["1"].measures[0], place, state_value="制定实施", source="市发改委")
        factories.approved_value(session, ind["2"].measures[0], place, numeric_value=Decimal(waste),
                                 evidence="年度报告", source="市生态环境局")
        factories.approved_value(session, ind["3"].measures[0], place, numeric_value=Decimal("45"), source="林业局")
        factories.approved_value(session, ind["5"].measures[0], place, not_applicable=True,
                                 not_applicable_reason="非沿海地区")
        factories.approved_value(session, ind["6"].measures[0], place, numeric_value=Decimal("86.5"), computed=True,
                                 source="surveys.satisfaction", sample_size=400,
                                 method="抽样调查“年度满意度调查”（问卷 #3）：n=400，95%置信区间 83.1%–89.9%。")
    city_waste = session.scalar(select(IndicatorValue).where(IndicatorValue.measure_id == ind["2"].measures[0].id,
                                                              IndicatorValue.place_id == city.id))
    session.add(IndicatorEvidenceFile(value_id=city_waste.id, original_name="危废处置年报.pdf", stored_name="a" * 32,
                                      kind="pdf", size=10, sha256="0" * 64))
    for year, number in (("2024", "30"), ("2025", "28.5")):  # two points: a chart, captioned by the untranslated name
        factories.approved_value(session, ind["4"].measures[0], city, period=year, numeric_value=Decimal(number))
    session.commit()
    return {"city": city, "hills": hills, "ind": ind}


PAGES = ["/indicators/?period=2025", "/indicators/?period=2025&place=hills", "/indicators/districts?period=2025",
         "/indicators/report?period=2025", "/indicators/2?period=2025", "/indicators/6?period=2025",
         "/indicators/4?period=2025", "/indicators/3?period=2025"]


@pytest.mark.parametrize("url", PAGES)
def test_english_pages_show_chinese_only_where_marked_untranslated(client, english, url):
    body = client.get(url + "&lang=en").get_data(as_text=True)
    assert unmarked_chinese(body) == []
    for notation in (">=", "&gt;=", "(%)", "surveys.satisfaction", "notices.disclosure_rate", "<div> · ", "且"):
        assert notation not in body, notation


def test_evidence_file_names_in_chinese_are_marked(client, english):
    body = client.get("/indicators/2?period=2025&lang=en").get_data(as_text=True)
    assert '<span lang="zh-Hans">危废处置年报.pdf</span>' in body


def test_chart_of_an_untranslated_measure_is_marked_and_has_a_unique_title(client, english):
    body = client.get("/indicators/4?period=2025&lang=en").get_data(as_text=True)
    assert "<svg" in body and body.count('id="chart-title-') == 1
    assert '<title id="chart-title-' in body and 'lang="zh-Hans">单位地区生产总值用水量</title>' in body


def test_untranslated_names_carry_lang_and_a_visible_note(client, english):
    body = client.get("/indicators/?period=2025&lang=en").get_data(as_text=True)
    assert ('<span lang="zh-Hans">单位地区生产总值用水量</span> '
            '<span class="muted untranslated">(not translated)</span>' in body)
    hant = client.get("/indicators/?period=2025&lang=zh_Hant").get_data(as_text=True)
    assert '<span lang="zh-Hans">单位地区生产总值用水量</span> <span class="muted untranslated">(尚無繁體譯文)</span>' \
        in hant


def test_targets_and_values_are_plain_words_with_units(client, english):
    body = client.get("/indicators/?period=2025&place=hills&lang=en").get_data(as_text=True)
    assert "at least 100\u00a0%" in body and "92\u00a0%" in body and "short by 8\u00a0%" in body
    assert "mountain areas: at least 60\u00a0%; hilly areas: at least 40\u00a0%; plains: at least 18\u00a0%" in body
    assert "drawn up and implemented" in body and "stable or better than in the same period a year before" in body
    assert "not applicable: " in body and '<span lang="zh-Hans">非沿海地区</span>' in body
    chinese = client.get("/indicators/?period=2025&place=hills&lang=zh_Hans").get_data(as_text=True)
    assert "不低于100\u00a0%" in chinese and "山区：不低于60\u00a0%；丘陵地区：不低于40\u00a0%" in chinese


def test_computed_value_evidence_describes_the_method_not_the_provider_key(client, english):
    body = client.get("/indicators/6?period=2025&lang=en").get_data(as_text=True)
    assert "Computed by this site from the sampled survey" in body and "sample size 400" in body
    assert "surveys.satisfaction" not in body
    evidence = re.findall(r"<div>(.*?)\n", body.split("By place in 2025")[1])
    assert evidence and not any(line.lstrip().startswith("·") for line in evidence)


def test_downloads_and_api_carry_readable_words(client, english):
    text = client.get("/indicators/?period=2025&place=hills&format=csv&lang=en").get_data(as_text=True)
    rows = {row[0]: row for row in csv.reader(io.StringIO(text.lstrip("\ufeff")))}
    # A value that is only a number stays a number (its unit has a column of its own); others are in words.
    assert rows["2"][5:8] == ["%", "at least 100\u00a0%", "92"]
    assert (rows["1"][7] == "drawn up and implemented"
            and rows["4"][6] == "stable or better than in the same period a year before")
    sheet = load_workbook(io.BytesIO(client.get("/indicators/districts?period=2025&format=xlsx&lang=en").data)).active
    assert list(sheet.values)[1][1] == "Baihe County"
    data = client.get("/api/v1/indicators?period=2025").get_json()
    waste = next(i for i in data["indicators"] if i["code"] == "2")["measures"][0]
    assert waste["target"] == ">= 100" and waste["target_text"]["en"] == "at least 100\u00a0%"
    assert waste["target_text"]["zh_Hant"] == "不低於100\u00a0%" and waste["value"]["text"]["en"] == "100\u00a0%"
    satisfaction = next(i for i in data["indicators"] if i["code"] == "6")["measures"][0]["value"]
    assert satisfaction["method_text"]["en"].startswith("Computed by this site")
