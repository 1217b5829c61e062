"""The landing page and the figures page (with and without data, whole page and fragment, downloads), and the
participation figures beside indicator 38's value as evidence that never replaces it."""
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.indicators import queries as indicator_queries
from app.indicators.evidence import evidence_for
from app.i18n import local_today
from app.org.models import PlaceLevel
from app.participation.models import (ActivityState, Consultation, ConsultationState, SuggestionState)
from tests import factories
from tests.participation import figures_fixtures as make
from tests.participation.figures_fixtures import at


@pytest.fixture
def places(session):
    city = factories.place(session, level=PlaceLevel.CITY, code="city", name_zh_hans="云溪市", sort_order=0)
    district = factories.place(session, code="a", name_zh_hans="甲区", name_en="District A", sort_order=1)
    return {"city": city, "a": district, "bureau": factories.bureau(session)}


def held_2025(session, places, attendance=30):
    return make.activity(session, bureau=places["bureau"], place=places["a"], starts_at=at(2025, 6, 5),
                         attendance=attendance)


def test_the_landing_page_without_any_data_says_so(client, places, session):
    session.commit()
    page = client.get("/participation/?lang=en")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "No activity is open for sign-up at the moment." in text
    assert "No open day is scheduled at the moment." in text
    assert "No consultation is open at the moment." in text
    assert "/participation/figures?year=" in text


def test_the_landing_page_lists_what_comes_next_and_this_years_figures(client, places, session):
    today = local_today()
    bureau, district = places["bureau"], places["a"]
    make.activity(session, bureau=bureau, place=district, starts_at=at(today.year + 1, 6, 5, 9),
                  state=ActivityState.PUBLISHED, title_zh_hans="世界环境日河道清理")
    make.activity(session, bureau=bureau, place=district, starts_at=at(today.year + 1, 6, 6, 9),
                  state=ActivityState.DRAFT, title_zh_hans="草稿活动")
    make.activity(session, bureau=bureau, place=district, starts_at=at(today.year, 1, 1, 9), attendance=12)
    facility = make.facility(session, bureau=bureau, place=district, name_zh_hans="城东污水处理厂")
    make.slot(session, facility, date(today.year + 1, 3, 1), capacity=40, taken=15)
    make.slot(session, facility, date(today.year + 1, 3, 1), capacity=20, taken=0)
    session.add(Consultation(state=ConsultationState.PUBLISHED, bureau_id=bureau.id, title_zh_hans="我为生态建设献一计",
                             background_zh_hans="背景", how_to_submit_zh_hans="网上", contact="12345",
                             starts_on=today, ends_on=date(today.year + 1, 1, 31)))
    make.tallied(session)
    text = client.get("/participation/?lang=en").get_data(as_text=True)
    assert "世界环境日河道清理" in text and "草稿活动" not in text
    assert "城东污水处理厂" in text and "45 places left" in text
    assert "我为生态建设献一计" in text
    assert "Activities held <strong>1</strong>" in text and "Participants <strong>12</strong>" in text


def test_the_landing_page_is_in_the_public_menu(client, places, session):
    session.commit()
    text = client.get("/?lang=en").get_data(as_text=True)
    assert 'href="/participation/"' in text


def test_the_figures_page_shows_the_year_and_its_method(client, places, session):
    held_2025(session, places)
    make.tallied(session)
    page = client.get("/participation/figures?year=2025&lang=en")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Participation in 2025" in text and "District A" in text and "City total" in text
    assert "How these figures are counted" in text and "the due date itself counts" in text
    assert "<td>30</td>" in text


def test_the_figures_fragment_answers_an_htmx_request(client, places, session):
    held_2025(session, places)
    make.tallied(session)
    page = client.get("/participation/figures?year=2025&lang=en", headers={"HX-Request": "true"})
    text = page.get_data(as_text=True)
    assert text.lstrip().startswith("<div id=\"participation-figures\">") and "<html" not in text
    assert "HX-Request" in page.headers["Vary"]


def test_an_unusable_year_falls_back_to_this_year(client, places, session):
    session.commit()
    for asked in ("abc", "1066", "99999999999999999999"):
        text = client.get(f"/participation/figures?year={asked}&lang=en").get_data(as_text=True)
        assert f"Participation in {local_today().year}" in text


def test_the_figures_download_as_csv_and_xlsx(client, places, session):
    held_2025(session, places)
    make.tallied(session)
    csv = client.get("/participation/figures?year=2025&format=csv&lang=en")
    assert csv.status_code == 200 and csv.headers["Content-Type"].startswith("text/csv")
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Place,Activities held,Participants")
    assert lines[1].startswith("City total,1,30,") and lines[2].startswith("District A,1,30,")
    xlsx = client.get("/participation/figures?year=2025&format=XLSX&lang=en")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("City total", 1, 30) and isinstance(rows[1][1], int)


def test_an_unknown_download_format_is_a_400_naming_the_formats(client, places, session):
    session.commit()
    for query in ("format=pdf", "format=csv&format=xlsx", "format="):
        page = client.get(f"/participation/figures?year=2025&{query}&lang=en")
        assert page.status_code == 400
        assert "CSV / XLSX" in page.get_data(as_text=True)


@pytest.fixture
def indicator_38(session, places):
    """A catalogue whose computed indicator 6 is fed by the survey's participation provider, with its value."""
    catalogue = factories.catalogue(session)
    indicator = next(i for i in indicator_queries.catalogue_indicators(session, catalogue) if i.code == "6")
    indicator.provider = "surveys.participation"
    factories.approved_value(session, indicator.measures[0], places["city"], numeric_value=Decimal("86.4"),
                             evidence="抽样调查")
    session.commit()
    return indicator


def test_indicator_38s_page_shows_the_figures_as_evidence_beside_the_value(client, session, places, indicator_38):
    held_2025(session, places, attendance=37)
    make.suggestion(session, place=places["a"], submitted_at=at(2025, 3, 1), state=SuggestionState.ANSWERED,
                    answer_due=date(2025, 3, 20), answered_at=at(2025, 3, 20, 10))
    make.tallied(session)
    text = client.get("/indicators/6?period=2025&lang=en").get_data(as_text=True)
    assert "86.4" in text  # the survey's value is still the indicator's value
    assert "Evidence, not the indicator value." in text
    evidence = text[text.index("data-evidence"):]
    assert "Participation recorded on this site in 2025" in evidence and "<dd>37</dd>" in evidence
    assert "<dd>100.0%</dd>" in evidence
    assert 'href="/participation/figures?year=2025"' in evidence
    assert "86.4" not in evidence
    assert text.index("86.4") < text.index("data-evidence")


def test_the_evidence_is_never_as_stale_as_the_cached_page(client, session, places, indicator_38):
    held_2025(session, places, attendance=37)
    make.tallied(session)
    assert "<dd>37</dd>" in client.get("/indicators/6?period=2025&lang=en").get_data(as_text=True)
    held_2025(session, places, attendance=5)  # no indicator value changes: the cached fragment stays
    make.tallied(session)
    assert "<dd>42</dd>" in client.get("/indicators/6?period=2025&lang=en").get_data(as_text=True)


def test_other_indicators_and_empty_years_show_no_evidence(client, session, places, indicator_38):
    held_2025(session, places)
    make.tallied(session)
    assert "data-evidence" not in client.get("/indicators/2?period=2025&lang=en").get_data(as_text=True)
    assert evidence_for(session, None, 2025) == []
    assert evidence_for(session, "surveys.participation", 2019) == []


def test_the_landing_page_links_every_part(client, places, session):
    session.commit()
    text = client.get("/participation/?lang=en").get_data(as_text=True)
    for address in ("/participation/activities/", "/participation/open-days/", "/participation/consultations/",
                    "/participation/suggestions/", "/participation/suggestions/new", "/participation/volunteers/"):
        assert f'href="{address}"' in text, address
