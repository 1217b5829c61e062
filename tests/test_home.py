"""The home page: where the city stands, each figure linking on, read from caches and tallies; no script needed."""
import re
from decimal import Decimal

import pytest
from sqlalchemy import event

from app.db_types import utcnow
from app.extensions import db
from app.notices import services as notice_services
from app.notices.workflow import Step as NoticeStep
from app.org.models import PlaceLevel
from app.surveys import queries as survey_queries
from app.tips import services as tip_services
from app.tips.workflow import OFFICE_STEPS, Step as TipStep
from tests import factories

SCHEME = "{bureau_code}/{year}-{seq:05d}"


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("lang", "en")


@pytest.fixture
def city(session, staff):
    """The city with one district, a catalogue judged for 2025 (the district too), and a category of tips."""
    city = factories.place(session, level=PlaceLevel.CITY, code="city", terrain="hilly", name_en="Yunxi")
    district = factories.place(session, code="hills", terrain="hilly", name_zh_hans="白河县", name_en="Baihe County")
    catalogue = factories.catalogue(session, lead_bureau=staff["bureaus"]["home"])
    measures = {i.code: i.measures[0] for d in catalogue.domains for g in d.task_groups for i in g.indicators}
    factories.approved_value(session, measures["2"], city, numeric_value=Decimal("100"), evidence="年报")
    factories.approved_value(session, measures["1"], city, state_value="制定实施", evidence="规划文本")
    factories.approved_value(session, measures["2"], district, numeric_value=Decimal("91.5"), evidence="年报")
    session.commit()
    return district


def published_notice(session, staff, title):
    notice = factories.notice(session, staff["bureau_editor"], staff["bureaus"]["home"], title=title)
    notice.created_at = utcnow()
    notice_services.take_step(session, staff["bureau_editor"], notice, NoticeStep.SUBMIT)
    notice_services.take_step(session, staff["reviewer"], notice, NoticeStep.APPROVE, index_scheme=SCHEME)
    session.commit()
    return notice


def exposed_case(session, staff, district, title):
    tip = factories.tip(session, bureau_=staff["bureaus"]["home"], district=district)
    for step in (TipStep.ACCEPT, TipStep.ASSIGN, TipStep.INVESTIGATE, TipStep.CONCLUDE):
        actor = staff["admin"] if step in OFFICE_STEPS else staff["tip_handler"]
        extra = {"bureau": staff["bureaus"]["home"]} if step == TipStep.ASSIGN else {}
        if step == TipStep.CONCLUDE:
            extra = {"findings": "现场检查属实", "reply": "已责令整改", "measures_taken": "罚款五万元"}
        tip_services.take_step(session, actor, tip, step, tip_services.Rules(), **extra)
    tip_services.publish_exposure(session, staff["admin"], tip, title, "经查属实，责令停产整改。")
    session.commit()
    return tip


def test_home_shows_where_the_city_stands_with_links(client, session, staff, city):
    survey = factories.survey(session, staff["admin"], responses=30, state="closed", indicator_period="2025")
    notice = published_notice(session, staff, "九月空气质量月报")
    case = exposed_case(session, staff, city, "夜间偷排废气被查处")
    html = client.get("/").get_data(as_text=True)
    # Compliance in the period the indicator pages open on: two met of the five that apply (the coastal one does not).
    assert "Indicators met, 2025" in html and 'href="/indicators/?period=2025"' in html
    assert re.search(r"<strong>40\.0%</strong>\s*<span class=\"muted\">2 of 5 applicable indicators", html)
    # Satisfaction and participation from the survey's tallies, with n and the interval.
    assert "Public satisfaction, 2025" in html and "Public participation, 2025" in html
    results = survey_queries.survey_results(session, survey_queries.load_survey(session, survey.id))
    for measure in results.measures[:2]:
        e = measure.overall
        assert f"n = {e.n}, 95% confidence interval {e.low:.1%}–{e.high:.1%}" in html
    assert html.count(f'href="/surveys/{survey.id}/results"') == 2
    # The latest notice and exposure case, and this year's tips from the tallies.
    assert f'href="/notices/{notice.id}"' in html and "九月空气质量月报" in html
    assert f'href="/exposure#case-{case.id}"' in html and "夜间偷排废气被查处" in html
    assert re.search(r"Pollution reports in \d{4}</span>\s*<strong>1</strong>", html)
    assert 'href="/tips/stats"' in html


def test_home_figures_are_in_the_html_without_javascript(client, session, staff, city):
    html = client.get("/").get_data(as_text=True)
    standing = html[html.index('id="standing-heading"'):html.index('id="offer-heading"')]
    assert "hx-get" not in standing and "hx-trigger" not in standing  # nothing is loaded afterwards by script
    assert "<script" not in html.replace('<script src="/static/vendor/htmx-2.0.11.min.js" defer></script>', "") \
        .replace('<script src="/static/js/app.js" defer></script>', "")


def test_home_renders_on_an_empty_database(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "No indicator values have been published yet." in html
    assert "No notices have been published yet." in html and "No cases have been published yet." in html
    assert "confidence interval" not in html  # no survey: no made-up figure


def test_home_reads_tallies_and_caches_not_the_growing_tables(client, session, staff, city):
    factories.survey(session, staff["admin"], responses=5, state="closed", indicator_period="2025")
    factories.tip(session, bureau_=staff["bureaus"]["home"], district=city)
    session.commit()
    client.get("/")  # the indicator cache is filled once per process

    def statements_for_home() -> list[str]:
        seen = []
        listener = lambda *args: seen.append(" ".join(args[2].split()))  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return seen

    statements = statements_for_home()
    # Responses and indicator values are never read (tallies and the indicator cache are); tips only through
    # the exposure board's few newest cases.
    assert not [s for s in statements if re.search(r"\bFROM (survey_responses|survey_answers|indicator_values)\b", s)]
    assert all(" LIMIT " in s for s in statements if re.search(r"\bFROM tips\b", s))
    assert any(re.search(r"\bFROM (survey_tallies|tip_tallies)\b", s) for s in statements)
    for _ in range(5):
        factories.tip(session, bureau_=staff["bureaus"]["home"], district=city)
    session.commit()
    assert len(statements_for_home()) == len(statements)
