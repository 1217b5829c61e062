"""The judged-compliance cache: never stale after an approval, a correction or a place change, in any worker;
judged once per catalogue and period; a warm page's queries do not grow with the years stored."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event

from app import create_app
from app.extensions import db
from app.indicators import cache, queries, services
from app.org.models import PlaceLevel
from tests import factories
from tests.conftest import IsolatedClient, base_config

TODAY = date(2026, 11, 23)


@pytest.fixture
def world(session, staff):
    city = factories.place(session, level=PlaceLevel.CITY, code="city", terrain="hilly", name_zh_hans="云溪市")
    hills = factories.place(session, code="hills", terrain="hilly", name_zh_hans="白河县")
    catalogue = factories.catalogue(session, lead_bureau=staff["bureaus"]["home"])
    ind = {i.code: i for i in queries.catalogue_indicators(session, catalogue)}
    factories.approved_value(session, ind["2"].measures[0], city, numeric_value=Decimal("90"), evidence="年报")
    factories.approved_value(session, ind["2"].measures[0], hills, numeric_value=Decimal("92"), evidence="年报")
    factories.approved_value(session, ind["3"].measures[0], city, numeric_value=Decimal("50"), evidence="年报")
    session.commit()
    return {"city": city, "hills": hills, "catalogue": catalogue, "ind": ind, **staff}


def city_status(client, code: str) -> str:
    indicators = client.get("/api/v1/indicators?period=2025").get_json()["indicators"]
    return next(i["status"] for i in indicators if i["code"] == code)


def correct(session, world, place, code: str, number: str, period: str = "2025"):
    """A bureau correction of an approved value, submitted and approved by the reviewer, committed."""
    draft = services.save_draft(session, world["bureau_editor"], world["ind"][code].measures[0], place, period,
                                services.ValueInput(numeric_value=Decimal(number), evidence="复核",
                                                    correction_reason="复核更正"), today=TODAY)
    services.submit_value(session, world["bureau_editor"], draft)
    services.approve_value(session, world["reviewer"], draft)
    session.commit()


def test_an_approved_correction_shows_on_the_very_next_page(client, session, world):
    assert city_status(client, "2") == "not_met"
    overview = client.get("/indicators/?period=2025&lang=en").get_data(as_text=True)
    assert "short by 10" in overview
    correct(session, world, world["city"], "2", "100")
    assert city_status(client, "2") == "met"
    overview = client.get("/indicators/?period=2025&lang=en").get_data(as_text=True)
    assert "short by 10" not in overview


def test_the_district_comparison_follows_an_approval(client, session, world):
    before = client.get("/indicators/districts?period=2025").get_data(as_text=True)
    assert "2 危险废物利用处置率" in before
    correct(session, world, world["hills"], "2", "100")
    after = client.get("/indicators/districts?period=2025").get_data(as_text=True)
    assert "2 危险废物利用处置率" not in after
    rows = client.get("/api/v1/districts/compliance?period=2025").get_json()["districts"]
    assert rows[0]["failing"] == []


def test_a_first_approval_turns_pending_into_a_status(client, session, world):
    assert city_status(client, "1") == "pending"
    draft = services.save_draft(session, world["bureau_editor"], world["ind"]["1"].measures[0], world["city"], "2025",
                                services.ValueInput(state_value="制定实施", evidence="规划文件"), today=TODAY)
    services.submit_value(session, world["bureau_editor"], draft)
    session.commit()
    assert city_status(client, "1") == "pending"  # submitted is not yet published
    services.approve_value(session, world["reviewer"], draft)
    session.commit()
    assert city_status(client, "1") == "met"


def test_another_worker_process_never_serves_a_stale_status(client, session, world, database_url, tmp_path):
    other = create_app({**base_config(database_url), "UPLOAD_DIR": str(tmp_path / "other")})
    other.test_client_class = IsolatedClient
    try:
        second_worker = other.test_client()
        assert city_status(second_worker, "2") == "not_met"  # its cache is now warm
        assert "short by 10" in second_worker.get("/indicators/?period=2025&lang=en").get_data(as_text=True)
        correct(session, world, world["city"], "2", "100")  # approved through the first worker's app
        assert city_status(second_worker, "2") == "met"
        assert "short by 10" not in second_worker.get("/indicators/?period=2025&lang=en").get_data(as_text=True)
        assert "复核更正" in second_worker.get("/indicators/2?period=2025").get_data(as_text=True)
        assert "2 危险废物利用处置率" in second_worker.get(
            "/indicators/districts?period=2025&lang=zh_Hans").get_data(as_text=True)
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_change_of_place_attributes_rejudges_place_variants(client, session, world):
    assert city_status(client, "3") == "met"  # hilly: >= 40
    world["city"].terrain = "mountain"  # mountainous: >= 60
    session.commit()
    assert city_status(client, "3") == "not_met"


def test_a_change_of_target_rejudges(client, session, world):
    assert city_status(client, "2") == "not_met"
    world["ind"]["2"].measures[0].target = ">= 90"
    session.commit()
    assert city_status(client, "2") == "met"


def test_generation_moves_with_watched_writes_only_and_only_when_committed(session, world):
    start = cache.generation(session)
    factories.user(session, role="reviewer")
    session.commit()
    assert cache.generation(session) == start  # accounts do not change any status
    world["hills"].terrain = "plain"
    session.flush()
    session.rollback()
    assert cache.generation(session) == start
    factories.approved_value(session, world["ind"]["2"].measures[0], world["hills"], period="2024",
                             numeric_value=Decimal("80"))
    session.commit()
    assert cache.generation(session) == start + 1


def test_drafts_submissions_and_returns_leave_the_cache_alone(session, world):
    start = cache.generation(session)
    draft = services.save_draft(session, world["bureau_editor"], world["ind"]["1"].measures[0], world["city"], "2025",
                                services.ValueInput(state_value="制定实施", evidence="规划文件"), today=TODAY)
    services.submit_value(session, world["bureau_editor"], draft)
    services.return_value(session, world["reviewer"], draft, "补充证明材料")
    services.submit_value(session, world["bureau_editor"], draft)
    session.commit()
    assert cache.generation(session) == start
    services.approve_value(session, world["reviewer"], draft)
    session.commit()
    published = cache.generation(session)
    assert published == start + 1  # once per transaction, however many flushes it made
    second = services.save_draft(session, world["bureau_editor"], world["ind"]["1"].measures[0], world["city"], "2025",
                                 services.ValueInput(state_value="制定", evidence="修订", correction_reason="更正"),
                                 today=TODAY)
    services.submit_value(session, world["bureau_editor"], second)
    session.commit()
    assert cache.generation(session) == published  # a correction waiting for review is not public yet
    services.approve_value(session, world["reviewer"], second)  # supersedes the first version
    session.commit()
    assert cache.generation(session) > published


def test_each_period_is_judged_once_until_something_changes(client, session, world, monkeypatch):
    calls = []
    judge = queries.compliance
    monkeypatch.setattr(queries, "compliance", lambda *args, **kwargs: calls.append(args[2]) or judge(*args, **kwargs))
    client.get("/indicators/?period=2025")
    assert sorted(calls) == ["2024", "2025"]  # the period and the one its trends and changes compare with
    client.get("/indicators/?period=2025&place=hills&status=not_met", headers={"HX-Request": "true"})
    client.get("/indicators/districts?period=2025")
    client.get("/indicators/2?period=2025")
    client.get("/api/v1/districts/compliance?period=2025")
    assert sorted(calls) == ["2024", "2025"]
    correct(session, world, world["city"], "2", "100")
    client.get("/indicators/districts?period=2025")
    assert sorted(calls) == ["2024", "2025", "2025"]


def _statements(client, url: str) -> int:
    client.get(url)  # warm
    count = []
    listener = lambda *args: count.append(1)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(count)


@pytest.mark.parametrize("url", ["/indicators/", "/indicators/districts", "/api/v1/districts/compliance"])
def test_a_warm_page_reads_as_much_whatever_the_years_stored(client, session, world, url):
    few = _statements(client, url)
    for year in range(2015, 2025):
        for place in (world["city"], world["hills"]):
            factories.approved_value(session, world["ind"]["3"].measures[0], place, period=str(year),
                                     numeric_value=Decimal(year - 1975))
    session.commit()
    assert _statements(client, url) == few


def test_rendered_fragments_are_kept_per_language_and_query(client, world):
    english = client.get("/indicators/?period=2025&lang=en").get_data(as_text=True)
    traditional = client.get("/indicators/?period=2025&lang=zh_Hant").get_data(as_text=True)
    assert "indicators met" in english and "short by 10" in english
    assert "項指標達標" in traditional and "差距 10" in traditional and "indicators met" not in traditional
    fragment = client.get("/indicators/?period=2025&lang=en&place=hills",
                          headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "short by 8" in fragment and "short by 10" not in fragment
    assert "place=hills" in fragment  # the download links keep the page's own query
    again = client.get("/indicators/?period=2025&lang=en&domain=d2").get_data(as_text=True)
    assert "domain=d2" in again.split('id="indicator-results"')[1]


def test_the_indicator_page_follows_a_correction(client, session, world):
    page = client.get("/indicators/2?period=2025&lang=en").get_data(as_text=True)
    assert "复核" not in page
    correct(session, world, world["city"], "2", "100")
    page = client.get("/indicators/2?period=2025&lang=en").get_data(as_text=True)
    assert "复核更正" in page and "Superseded" in page  # the history shows the correction


def test_attaching_evidence_moves_the_generation(session, world, app):
    value = services.save_draft(session, world["bureau_editor"], world["ind"]["1"].measures[0], world["city"], "2025",
                                services.ValueInput(state_value="制定实施", evidence="规划文件"), today=TODAY)
    session.commit()
    start = cache.generation(session)
    png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
           b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")
    checked = services.check_evidence_files([("photo.png", png)], 5 * 1024 * 1024)
    services.attach_evidence(session, world["bureau_editor"], value, checked, app.config["UPLOAD_DIR"])
    session.commit()
    assert cache.generation(session) > start


def test_a_request_overtaken_by_a_change_neither_reads_nor_files_entries(session, world):
    old = cache.snapshot(session)
    assert old.fragment(("page",), lambda: "before") == "before"
    world["hills"].terrain = "plain"
    session.commit()
    new = cache.snapshot(session)  # another request, after the change: the store moves on
    assert old.fragment(("page",), lambda: "rendered again") == "rendered again"
    assert new.fragment(("page",), lambda: "after") == "after"  # the older request filed nothing
    assert new.fragment(("page",), lambda: "not called") == "after"
