"""Which period the public indicator pages and the API open on, and how they show a period where little
or nothing has been judged (issue 12: many values last year, one computed value so far this year)."""
from decimal import Decimal

import pytest

from app.indicators import queries
from app.indicators.periods import Coverage, default_period
from app.org.models import PlaceLevel
from tests import factories


@pytest.fixture
def years(app):
    with app.test_request_context():
        from app.i18n import local_today
        this_year = local_today().year
    return str(this_year - 1), str(this_year)


def last_years_values(session, ind, place, year, *, failing=False):
    factories.approved_value(session, ind["1"].measures[0], place, period=year, state_value="制定实施")
    factories.approved_value(session, ind["2"].measures[0], place, period=year,
                             numeric_value=Decimal("92" if failing else "100"), evidence="年度报告")
    factories.approved_value(session, ind["3"].measures[0], place, period=year, numeric_value=Decimal("50"))
    factories.approved_value(session, ind["4"].measures[0], place, period=year, numeric_value=Decimal("30"))
    factories.approved_value(session, ind["5"].measures[0], place, period=year, not_applicable=True,
                             not_applicable_reason="非沿海地区")
    factories.approved_value(session, ind["6"].measures[0], place, period=year, numeric_value=Decimal("85"),
                             computed=True, method="抽样调查", source="test.satisfaction", sample_size=400)


@pytest.fixture
def sparse(session, staff, years):
    """Every indicator reported last year; this year only the city's computed satisfaction rate so far."""
    last, this = years
    city = factories.place(session, level=PlaceLevel.CITY, code="city", terrain="hilly", name_zh_hans="云溪市")
    hills = factories.place(session, code="hills", terrain="hilly", name_zh_hans="白河县", sort_order=1)
    plain = factories.place(session, code="plain", terrain="plain", name_zh_hans="梅溪县", sort_order=2)
    catalogue = factories.catalogue(session, lead_bureau=staff["bureaus"]["home"])
    ind = {i.code: i for i in queries.catalogue_indicators(session, catalogue)}
    for place in (city, hills, plain):
        last_years_values(session, ind, place, last, failing=place is hills)
    factories.approved_value(session, ind["6"].measures[0], city, period=this, numeric_value=Decimal("86"),
                             computed=True, method="抽样调查", source="test.satisfaction", sample_size=400)
    session.commit()
    return {"city": city, "hills": hills, "plain": plain, "ind": ind, "last": last, "this": this}


@pytest.mark.parametrize(("coverage", "expected"), [
    ([], None),
    ([Coverage("2026", 1, 34), Coverage("2025", 34, 34)], "2025"),
    ([Coverage("2026", 17, 34), Coverage("2025", 34, 34)], "2026"),  # exactly half is substantial
    ([Coverage("2026", 16, 34), Coverage("2025", 17, 34), Coverage("2024", 34, 34)], "2025"),
    ([Coverage("2026", 1, 34), Coverage("2025", 2, 34)], "2026"),  # none substantial: the newest
    ([Coverage("2026", 0, 0), Coverage("2025", 1, 2)], "2025"),  # nothing applicable is never substantial
])
def test_default_period_is_the_newest_substantially_reported(coverage, expected):
    chosen = default_period(coverage)
    assert (chosen.period if chosen else None) == expected


def test_overview_opens_on_last_year_and_says_why(client, sparse):
    body = client.get("/indicators/?lang=en").get_data(as_text=True)
    last, this = sparse["last"], sparse["this"]
    assert f"in {last}</h2>" in body
    assert f"Showing {last}, the newest period with substantial data. {this} has values for 1 of 5" in body
    assert f'<option value="{this}"' in body  # the current year stays selectable
    assert "4 / 5" in body and "80.0%" in body


def test_district_comparison_and_api_open_on_last_year_with_real_ranks(client, sparse):
    body = client.get("/indicators/districts?lang=en").get_data(as_text=True)
    assert f"Compliance by district, {sparse['last']}" in body and ">0.0%" not in body
    data = client.get("/api/v1/districts/compliance").get_json()
    assert data["period"] == sparse["last"]
    assert [(d["code"], d["rank"]) for d in data["districts"]] == [("plain", 1), ("hills", 2)]
    assert client.get("/api/v1/indicators").get_json()["period"] == sparse["last"]


def test_a_year_with_nothing_judged_shows_dashes_not_zero_percent_or_rank_one(client, sparse):
    this = sparse["this"]
    body = client.get(f"/indicators/districts?period={this}&lang=en").get_data(as_text=True)
    table = body.split('id="district-table"')[1]
    assert ">0.0%" not in table and "<td>1</td>" not in table and "<td>—</td>" in table
    assert f"{this} is not substantially reported yet: 1 of 5" in table
    data = client.get(f"/api/v1/districts/compliance?period={this}").get_json()
    assert {(d["rank"], d["rate"]) for d in data["districts"]} == {(None, None)}
    assert data["coverage"] == {"reported": 1, "applicable": 5, "substantial": False}
    overview = client.get(f"/indicators/?period={this}&place=hills&lang=en").get_data(as_text=True)
    assert ">0.0%" not in overview.split('id="indicator-results"')[1]
    assert "Changed since the previous period" not in overview  # not reported yet is no change
    assert "0 of 1 met" not in overview and "— (awaiting assessment: 1)" in overview


def test_gap_report_does_not_call_an_unjudged_year_free_of_failures(client, sparse):
    body = client.get(f"/indicators/report?period={sparse['this']}&lang=en").get_data(as_text=True)
    hills = body.split('id="place-hills"')[1]
    assert "No indicator is failing" not in hills
    assert "No indicator has been assessed yet in this period (awaiting assessment: 5)." in hills
    default = client.get("/indicators/report?lang=en").get_data(as_text=True)
    assert f"Gap report {sparse['last']}" in default and "危险废物利用处置率" in default.split('id="place-hills"')[1]


def test_default_moves_to_this_year_once_it_is_substantially_reported(client, session, sparse):
    assert client.get("/api/v1/indicators").get_json()["period"] == sparse["last"]
    city, ind, this = sparse["city"], sparse["ind"], sparse["this"]
    factories.approved_value(session, ind["2"].measures[0], city, period=this, numeric_value=Decimal("100"))
    factories.approved_value(session, ind["3"].measures[0], city, period=this, numeric_value=Decimal("51"))
    session.commit()  # 3 of 5 (the coastal one does not apply): substantial; the approval bumps the cache generation
    assert client.get("/api/v1/indicators").get_json()["period"] == this
    body = client.get("/indicators/?lang=en").get_data(as_text=True)
    assert f"in {this}</h2>" in body and "newest period with substantial data" not in body
