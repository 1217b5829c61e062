"""The public surface-water pages: sections by month, a section's history, drinking-water sources by quarter."""
import pytest

from app.org.models import PlaceLevel
from tests import factories
from tests.environment import factories as sites
from tests.environment import water_rows

HX = {"HX-Request": "true"}


@pytest.fixture
def district(session):
    return factories.place(session, code="hills", name_zh_hans="白河县", name_en="Baihe County")


@pytest.fixture
def sections(session, district):
    """Five sections on two rivers: one below target in 2025-03 (with ammonia 0.5 times over)."""
    made = [sites.section(session, place=district, code=f"S{n}", name_en=f"Bridge {n}", water_en="Clear River",
                          target_class=3) for n in range(1, 6)]
    for n, row in enumerate(made):
        water_rows.section_sample(session, row, "2025-02", water_class=2)
        if n == 0:
            water_rows.section_sample(session, row, "2025-03", water_class=4, exceeding="nh3n:0.5,do:",
                                      values={"nh3n": "1.5", "do": "4.1", "cu": "0.01L"})
        elif n == 1:
            water_rows.section_sample(session, row, "2025-03", water_class=6, state="provisional",
                                      exceeding="tp:1.25")
        else:
            water_rows.section_sample(session, row, "2025-03", water_class=n)
    session.commit()
    return made


def test_water_page_shows_the_newest_month_with_class_target_and_met_in_words(client, sections):
    html = client.get("/environment/water/?lang=en").get_data(as_text=True)
    assert "Surface water sections, 2025-03" in html
    assert "Bridge 1" in html and "Clear River" in html and "Baihe County" in html
    assert "Ⅳ" in html and "劣Ⅴ" in html
    assert "Not met" in html and ">Met<" in html  # in words, not colour alone
    assert "Ammonia nitrogen (0.5 times over)" in html
    assert "Dissolved oxygen" in html  # exceeding without a multiple
    assert "Total phosphorus (1.25 times over)" in html


def test_water_page_summarises_the_city_by_the_several_sections_rule(client, sections):
    html = client.get("/environment/water/?lang=en").get_data(as_text=True)
    # classes Ⅳ, 劣Ⅴ, Ⅱ, Ⅲ, Ⅳ → Ⅰ–Ⅲ 2 of 5 (40 %), 劣Ⅴ 1 of 5 (20 %) → moderately polluted
    assert "40.0%" in html and "2 of 5 sections" in html
    assert "20.0%" in html and "1 of 5 sections" in html
    assert "Moderately polluted" in html
    assert "2 / 5" in html  # two sections meet their target


def test_water_page_marks_provisional_samples(client, sections):
    html = client.get("/environment/water/?lang=en").get_data(as_text=True)
    assert html.count(">provisional<") == 1
    assert "have not been audited yet" in html


def test_water_page_chooses_a_month_and_answers_htmx_with_the_fragment(client, sections):
    full = client.get("/environment/water/?month=2025-02&lang=en")
    assert "Surface water sections, 2025-02" in full.get_data(as_text=True)
    part = client.get("/environment/water/?month=2025-02&lang=en", headers=HX)
    html = part.get_data(as_text=True)
    assert part.status_code == 200 and "HX-Request" in part.headers["Vary"]
    assert html.lstrip().startswith('<section id="water-sections">') and "<html" not in html
    assert "Excellent" in html  # all five class Ⅱ


def test_water_page_says_when_a_month_has_no_samples(client, sections):
    html = client.get("/environment/water/?month=2019-01&lang=en").get_data(as_text=True)
    assert "No section has a sample for 2019-01." in html


def test_water_page_without_any_sample_says_so(client, session):
    html = client.get("/environment/water/?lang=en").get_data(as_text=True)
    assert "No water samples have been published yet." in html


@pytest.mark.parametrize("month", ["2025-13", "2025-3", "march", "2025-03-01", "٢٠٢٥-٠٣", "0000-01"])
def test_water_page_refuses_a_bad_month_with_400(client, sections, month):
    response = client.get(f"/environment/water/?month={month}&lang=en")
    assert response.status_code == 400
    assert "for example 2025-03" in response.get_data(as_text=True)


def test_water_page_escapes_names(client, session, district):
    row = sites.section(session, place=district, name_zh_hans="<script>alert(1)</script>", water_zh_hans="<b>河</b>")
    water_rows.section_sample(session, row, "2025-03")
    session.commit()
    html = client.get("/environment/water/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<b>河</b>" not in html


def test_section_page_lists_24_months_of_classes_and_the_values_as_reported(client, session, district):
    row = sites.section(session, place=district, code="LONG", name_en="Long Bridge", target_class=2)
    for year in (2022, 2023, 2024):
        for month in range(1, 13):
            water_rows.section_sample(session, row, f"{year}-{month:02d}", water_class=2 if month != 7 else 3)
    session.commit()
    html = client.get("/environment/water/sections/LONG?lang=en").get_data(as_text=True)
    assert "2024-12" in html and "2023-01" in html and "2022-12" not in html  # 24 months back from the newest
    assert "Not met" in html  # July is class Ⅲ against target Ⅱ
    assert "Values reported for 2024-12" in html
    assert "0.01L" in html and "below the detection limit of 0.01" in html
    assert "Copper" in html and "mg/L" in html


def test_section_page_shows_another_month_as_a_fragment(client, session, district):
    row = sites.section(session, place=district, code="S9")
    water_rows.section_sample(session, row, "2025-01", values={"nh3n": "0.77"})
    water_rows.section_sample(session, row, "2025-02", values={"nh3n": "0.31"})
    session.commit()
    part = client.get("/environment/water/sections/S9?month=2025-01&lang=en", headers=HX)
    html = part.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="water-values"') and "<html" not in html
    assert "0.77" in html and "0.31" not in html


def test_section_page_bad_paths(client, session, district):
    row = sites.section(session, place=district, code="S10")
    session.commit()
    assert client.get("/environment/water/sections/NOPE").status_code == 404
    assert "No samples have been published" in client.get("/environment/water/sections/S10?lang=en").get_data(
        as_text=True)
    water_rows.section_sample(session, row, "2025-01")
    session.commit()
    assert client.get("/environment/water/sections/S10?month=2025-1").status_code == 400
    assert client.get("/environment/water/sections/S10?month=2020-01").status_code == 404


@pytest.fixture
def sources(session, district):
    city = factories.place(session, level=PlaceLevel.CITY, code="city")
    surface = sites.source(session, place=district, code="SRC-A", name_en="North Reservoir", kind="surface")
    ground = sites.source(session, place=city, code="SRC-B", name_en="East Wells", kind="ground")
    water_rows.source_sample(session, surface, "2025Q1")
    water_rows.source_sample(session, ground, "2025Q1", compliant=False, failing="mn,fe", state="provisional")
    water_rows.source_sample(session, surface, "2025Q2")
    water_rows.source_sample(session, ground, "2025Q2")
    session.commit()
    return surface, ground


def test_sources_page_shows_the_newest_quarter_and_the_years_share(client, sources):
    html = client.get("/environment/water/sources?lang=en").get_data(as_text=True)
    assert "Drinking-water sources, 2025Q2" in html
    # East Wells failed in Q1, so only one of the two sources counts for 2025 so far
    assert "50.0%" in html and "1 of 2 sources" in html
    assert "GB/T 14848-2017, class Ⅲ" in html and "GB 3838-2002, class Ⅲ" in html


def test_sources_page_names_failing_items_and_marks_provisional(client, sources):
    html = client.get("/environment/water/sources?quarter=2025q1&lang=en").get_data(as_text=True)
    assert "Does not meet the standard" in html and "Meets the standard" in html
    assert "Manganese, Iron" in html
    assert ">provisional<" in html


def test_sources_page_fragment_empty_state_and_bad_quarter(client, session, sources):
    part = client.get("/environment/water/sources?quarter=2025Q1", headers=HX).get_data(as_text=True)
    assert part.lstrip().startswith('<section id="sources-table">')
    assert "No source has a sample for 2024Q4." in client.get(
        "/environment/water/sources?quarter=2024Q4&lang=en").get_data(as_text=True)
    for bad in ("2025Q5", "2025-1", "Q1"):
        response = client.get(f"/environment/water/sources?quarter={bad}&lang=en")
        assert response.status_code == 400 and "2025Q1" in response.get_data(as_text=True)


def test_sources_page_without_samples(client, session):
    html = client.get("/environment/water/sources?lang=en").get_data(as_text=True)
    assert "No drinking-water source samples have been published yet." in html


def test_names_only_in_chinese_and_class_worse_than_v_are_marked_on_english_pages(client, session, district):
    row = sites.section(session, place=district, name_zh_hans="白河大桥", name_en="", water_zh_hans="白河",
                        water_en="")
    water_rows.section_sample(session, row, "2025-03", water_class=6)
    session.commit()
    html = client.get("/environment/water/?lang=en").get_data(as_text=True)
    assert '<span lang="zh-Hans">白河大桥</span>' in html and '<span lang="zh-Hans">白河</span>' in html
    assert '<span lang="zh-Hans">劣Ⅴ</span>' in html
    assert "not translated" in html
