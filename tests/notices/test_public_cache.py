"""The notices' public pages kept per process under the `notices` generation, and the list read a page at a time."""
from datetime import timedelta

import pytest
from sqlalchemy import text, update

from app.db_types import utcnow
from app.notices import cache, queries, services, views
from app.notices.models import Notice
from app.notices.workflow import Step
from tests.notices.conftest import SCHEME, notice_input

HX = {"HX-Request": "true"}


@pytest.fixture
def published(session, draft, staff, city):
    """A notice published now (the real clock), through the services."""
    def make(**values):
        notice = draft(**values)
        services.take_step(session, staff["bureau_editor"], notice, Step.SUBMIT)
        services.take_step(session, staff["reviewer"], notice, Step.APPROVE, index_scheme=SCHEME)
        session.commit()
        return notice
    return make


def page(client, path: str, headers=None) -> str:
    response = client.get(path, headers=headers or {})
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def fresh(client, path: str, headers=None) -> str:
    """The page rendered with nothing kept (the uncached rendering)."""
    cache.generation.clear()
    return page(client, path, headers)


def test_a_published_notice_shows_on_the_next_request(client, session, published):
    first = published(title="第一份公告")
    before = page(client, "/notices/")
    assert "第一份公告" in before and cache.generation.kept()  # the list was kept
    generation = cache.generation.current(session)
    published(title="第二份公告")
    assert cache.generation.current(session) > generation
    assert "第二份公告" in page(client, "/notices/")
    assert "第一份公告" in page(client, f"/notices/{first.id}")


def test_a_correction_shows_on_the_list_and_the_notice(client, session, published, correct):
    notice = published(title="更正前的标题")
    for path in ("/notices/", f"/notices/{notice.id}", "/notices/?q=更正前的标题"):
        assert "更正前的标题" in page(client, path)
    correct(notice, notice_input(notice, titles={"zh_hans": "更正后的标题"}), "标题有误", now=utcnow())
    assert "更正后的标题" in page(client, "/notices/")
    detail = page(client, f"/notices/{notice.id}")
    assert "更正后的标题" in detail and "标题有误" in detail
    assert "没有符合条件的公告" in page(client, "/notices/?q=更正前的标题")  # the old title no longer matches


def test_a_withdrawn_notice_shows_as_withdrawn_at_once(client, session, published, withdraw):
    notice = published()
    assert "数据有误" not in page(client, f"/notices/{notice.id}")
    page(client, "/notices/?lang=en")
    withdraw(notice, "数据有误", now=utcnow())
    assert "数据有误" in page(client, f"/notices/{notice.id}")
    assert "Withdrawn" in page(client, "/notices/?lang=en")


def test_a_category_rename_shows_on_the_list_and_the_notice(client, session, published, city):
    notice = published()
    assert "空气质量" in page(client, f"/notices/{notice.id}")
    page(client, "/notices/")
    city.air.name_zh_hans = "大气环境质量"
    session.commit()
    assert "大气环境质量" in page(client, "/notices/")
    assert "大气环境质量" in page(client, f"/notices/{notice.id}")


def test_a_rolled_back_change_bumps_nothing(client, session, published):
    notice = published()
    before = cache.generation.current(session)
    notice.title_zh_hans = "从未保存的标题"
    session.flush()
    session.rollback()
    assert cache.generation.current(session) == before
    assert "从未保存的标题" not in page(client, f"/notices/{notice.id}")


def test_drafts_and_internal_steps_leave_the_kept_pages_alone(client, session, draft, staff, published):
    published()
    before = cache.generation.current(session)
    notice = draft(title="尚未公开的草稿")
    services.take_step(session, staff["bureau_editor"], notice, Step.SUBMIT)
    session.commit()
    assert cache.generation.current(session) == before
    services.take_step(session, staff["reviewer"], notice, Step.APPROVE, index_scheme=SCHEME)
    session.commit()
    assert cache.generation.current(session) == before + 1  # approving it changes the public list


def test_a_core_statement_on_the_notices_bumps_too(session, published):
    notice = published()
    before = cache.generation.current(session)
    session.execute(update(Notice).where(Notice.id == notice.id).values(title_en="Changed by a core statement"))
    session.commit()
    assert cache.generation.current(session) == before + 1


def test_a_scheduled_notice_appears_when_its_time_comes(client, session, draft, staff, published, monkeypatch):
    published(title="已公开的公告")
    later = draft(title="定时发布的公告", publish_at=utcnow() + timedelta(days=1))
    services.take_step(session, staff["bureau_editor"], later, Step.SUBMIT)
    services.take_step(session, staff["reviewer"], later, Step.APPROVE, index_scheme=SCHEME)
    session.commit()
    generation = cache.generation.current(session)
    for _ in range(2):  # the second request is served from what the first kept
        assert "定时发布的公告" not in page(client, "/notices/")
        assert "定时发布的公告" not in page(client, "/notices/", HX)
        assert client.get(f"/notices/{later.id}").status_code == 404
    monkeypatch.setattr(views, "utcnow", lambda: later.published_at + timedelta(seconds=1))
    assert "定时发布的公告" in page(client, "/notices/")  # no write moved the generation: the time did
    assert "定时发布的公告" in page(client, "/notices/", HX)
    assert "定时发布的公告" in page(client, f"/notices/{later.id}")
    assert cache.generation.current(session) == generation


PATHS = ("/notices/", "/notices/?category=quality&year=2026", "/notices/?q=空气质量", "/notices/?q=水质",
         "/notices/?bureau=eeb&district=wuchang", "/notices/?page=2", "/notices/?lang=en")


@pytest.mark.parametrize("path", PATHS)
def test_kept_pages_are_the_uncached_rendering(app, client, published, city, path):
    app.config["NOTICE_PAGE_SIZE"] = 1
    published(places=[city.district])
    published(title="地表水水质月报")
    for headers in ({}, HX):
        uncached = fresh(client, path, headers)
        assert page(client, path, headers) == uncached


def test_the_notice_page_kept_is_the_uncached_rendering(client, published, city):
    notice = published(places=[city.district])
    uncached = fresh(client, f"/notices/{notice.id}")
    assert page(client, f"/notices/{notice.id}") == uncached and "武昌区" in uncached


def test_the_htmx_fragment_is_kept_apart_from_the_page(client, published):
    published()
    full = page(client, "/notices/?category=quality")
    response = client.get("/notices/?category=quality", headers=HX)
    fragment = response.get_data(as_text=True)
    assert "<html" in full and "<html" not in fragment
    assert fragment.lstrip().startswith('<section id="notice-results"') and "空气质量月报" in fragment
    assert "HX-Request" in response.headers["Vary"]
    assert "<html" in page(client, "/notices/?category=quality")  # the page is still the page


def test_the_signed_in_user_and_csrf_token_never_enter_a_kept_page(client, published, staff, auth):
    notice = published()
    admin = staff["admin"]
    auth.login(admin.username)
    served = page(client, "/notices/") + page(client, f"/notices/{notice.id}") + page(client, "/notices/", HX)
    assert admin.username in served  # the signed-in user is on the pages served…
    kept = repr(cache.generation.kept())
    assert "空气质量月报" in kept
    assert "csrf" not in kept.lower() and admin.username not in kept  # …but not in what was kept


def test_an_unknown_or_unpublished_notice_is_a_404_and_nothing_is_kept(client, draft):
    notice = draft()
    assert client.get(f"/notices/{notice.id}").status_code == 404
    assert client.get("/notices/999999").status_code == 404
    assert cache.generation.kept() == []


def test_a_page_of_the_list_is_the_same_window_of_the_full_list(session, published, city, correct):
    notices = [published(title=f"第{n}号空气质量通报", places=[city.district] if n % 2 else []) for n in range(5)]
    notices.append(published(category=city.penalties, title="行政处罚决定书"))
    now = utcnow() + timedelta(seconds=1)
    for filters in (queries.Filters(), queries.Filters(category=city.quality, year=2026),
                    queries.Filters(district=city.district), queries.Filters(q="空气质量"),
                    queries.Filters(q="通报", bureau=city.home), queries.Filters(q="没有这个词"),
                    queries.Filters(year=2020)):
        whole = session.scalars(queries.public_list(session, now, filters)).all()
        windows = [queries.public_page(session, now, filters, limit=2, offset=offset) for offset in range(0, 8, 2)]
        assert [n for window in windows for n in window] == whole, filters
    assert len(session.scalars(queries.public_list(session, now, queries.Filters())).all()) == 6
    assert queries.public_page(session, now, queries.Filters(district=city.district), limit=10, offset=0) == [
        notices[3], notices[1]]


def test_a_page_of_ids_is_read_from_the_list_index_alone(app, session, published):
    published()
    statement = (queries.public(utcnow()).with_only_columns(Notice.id)
                 .order_by(Notice.published_at.desc(), Notice.id.desc()).limit(21).offset(400))
    compiled = statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    if session.get_bind().dialect.name == "sqlite":
        plan = " ".join(str(row[-1]) for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
        assert "COVERING INDEX ix_notices_public_order" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
    else:
        session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = " ".join(row[0] for row in session.execute(text(f"EXPLAIN {compiled}")))
        assert "Index Only Scan" in plan and "using ix_notices_public_order" in plan, plan
    session.rollback()
