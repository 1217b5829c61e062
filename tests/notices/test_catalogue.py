"""The disclosure catalogue: due dates, matching publications, three colours and the disclosure rate (pure), then
against the database, the indicator provider and the pages."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.db_types import utcnow
from app.i18n import local_today
from app.indicators.providers import registered_providers
from app.notices import catalogue, queries, services
from app.notices.catalogue import Schedule, Status
from app.notices.indicator_feed import PROVIDER_KEY, computed_result
from app.notices.models import Notice
from app.notices.workflow import Step
from tests.notices.conftest import SCHEME

NATIONAL_DAY = {date(2026, 10, d): False for d in range(1, 8)} | {date(2026, 9, 27): True, date(2026, 10, 10): True}


def statuses(occurrences):
    return [(o.label, o.status, o.colour) for o in occurrences]


def test_month_due_dates_clip_to_the_end_of_short_months():
    assert catalogue.month_due(2026, 2, 31) == date(2026, 2, 28)
    assert catalogue.month_due(2028, 2, 30) == date(2028, 2, 29)
    assert catalogue.month_due(2026, 10, 15) == date(2026, 10, 15)


def test_months_run_across_the_new_year():
    assert catalogue.months(date(2026, 11, 20), date(2027, 2, 1)) == [(2026, 11), (2026, 12), (2027, 1), (2027, 2)]


def test_monthly_items_on_time_late_missing_and_upcoming():
    today = date(2026, 11, 20)
    published = [("2026-08", date(2026, 8, 14)), ("2026-09", date(2026, 9, 20)), ("2026-11", date(2026, 11, 10))]
    result = catalogue.monthly(date(2026, 8, 1), today, 15, published, warn_days=3)
    assert statuses(result) == [
        ("2026-08", Status.ON_TIME, "green"),
        ("2026-09", Status.LATE, "red"),      # published on the 20th, due the 15th
        ("2026-10", Status.MISSING, "red"),    # nothing was published for October: 36 days overdue
        ("2026-11", Status.ON_TIME, "green"),  # November's own publication, on the 10th
        ("2026-12", Status.UPCOMING, "green"),
    ]
    assert result[2].days_left == -36 and result[4].days_left == 25


def test_an_upcoming_month_turns_yellow_near_its_due_date():
    [october, november] = catalogue.monthly(date(2026, 10, 1), date(2026, 10, 13), 15, [], warn_days=3)
    assert (october.status, october.colour, october.days_left) == (Status.UPCOMING, "yellow", 2)
    assert november.colour == "green"


def test_one_publication_satisfies_one_month_only():
    result = catalogue.monthly(date(2026, 10, 1), date(2026, 10, 30), 15,
                               [("2026-10", date(2026, 10, 3)), ("2026-10", date(2026, 10, 4))])
    assert [o.published_on for o in result] == [date(2026, 10, 3), None]  # the earlier counts; November has none
    assert [o.status for o in result] == [Status.ON_TIME, Status.UPCOMING]


def test_a_missed_month_does_not_shift_the_months_after_it():
    """Each publication counts for the period it is for (主动公开目录: every month's bulletin by the 15th; the
    disclosure rate, 2019 table 环生态〔2019〕76号 row 5, 生态环境信息公开率 = published on time ÷ due). January
    missing and February–April published on the 10th is 3 on time of 4 due, not 0 of 4."""
    published = [(f"2026-{m:02d}", date(2026, m, 10)) for m in (2, 3, 4)]
    result = catalogue.monthly(date(2026, 1, 1), date(2026, 4, 30), 15, published)
    assert [(o.label, o.status) for o in result[:4]] == [
        ("2026-01", Status.MISSING), ("2026-02", Status.ON_TIME), ("2026-03", Status.ON_TIME),
        ("2026-04", Status.ON_TIME)]
    assert catalogue.disclosure_rate(result) == (3, 4)


def test_a_publication_without_a_period_counts_for_its_own_month_and_outside_months_for_none():
    result = catalogue.monthly(date(2026, 3, 1), date(2026, 4, 30), 15,
                               [date(2026, 3, 12), ("2025-12", date(2026, 4, 1))])
    assert [(o.label, o.status) for o in result] == [
        ("2026-03", Status.ON_TIME), ("2026-04", Status.MISSING), ("2026-05", Status.UPCOMING)]


def test_event_items_count_working_days_on_the_holiday_calendar():
    # Created on Wednesday 30 September 2026: the National Day week does not count, Saturday 10 October does,
    # so the twentieth working day is Tuesday 3 November.
    on_time = catalogue.event("公告", date(2026, 9, 30), date(2026, 11, 3), date(2026, 11, 5), 20,
                              overrides=NATIONAL_DAY)
    assert on_time.due == date(2026, 11, 3) and on_time.status == Status.ON_TIME
    late = catalogue.event("公告", date(2026, 9, 30), date(2026, 11, 4), date(2026, 11, 5), 20,
                           overrides=NATIONAL_DAY)
    assert late.status == Status.LATE and late.colour == "red"
    waiting = catalogue.event("公告", date(2026, 9, 30), None, date(2026, 11, 2), 20, warn_days=3,
                              overrides=NATIONAL_DAY)
    assert (waiting.status, waiting.days_left, waiting.colour) == (Status.UPCOMING, 1, "yellow")
    missing = catalogue.event("公告", date(2026, 9, 30), None, date(2026, 11, 5), 20, overrides=NATIONAL_DAY)
    assert (missing.status, missing.days_left, missing.colour) == (Status.MISSING, -2, "red")


def test_the_rate_counts_on_time_over_due_and_leaves_upcoming_out():
    result = catalogue.monthly(date(2026, 8, 1), date(2026, 11, 20), 15,
                               [("2026-08", date(2026, 8, 14)), ("2026-09", date(2026, 9, 20)),
                                ("2026-11", date(2026, 11, 10))])
    assert catalogue.disclosure_rate(result) == (2, 4)
    early = catalogue.monthly(date(2026, 12, 1), date(2026, 12, 2), 15, [("2026-12", date(2026, 12, 1))])
    assert catalogue.disclosure_rate(early) == (1, 1)  # published before its due date: counts already
    assert catalogue.disclosure_rate([]) == (0, 0)


def test_every_schedule_and_status_has_a_title(app):
    assert all(str(s.title) for s in Schedule) and all(str(s.title) for s in Status)


# Against the database.

@pytest.fixture
def monthly_item(session, staff, city):
    item = services.save_disclosure_item(session, staff["admin"], None, services.ItemInput(
        code="air-monthly", bureau=city.home, names={"zh_hans": "空气质量月报"}, schedule=Schedule.MONTHLY,
        starts_on=local_today().replace(day=1), due_day=15, category=city.air))
    session.commit()
    return item


def test_only_admins_define_items_with_the_rules_checked(session, staff, city):
    def data(**changes):
        values = dict(code="x", bureau=city.home, names={"zh_hans": "事项"}, schedule=Schedule.MONTHLY,
                      starts_on=date(2026, 1, 1), due_day=15)
        values.update(changes)
        return services.ItemInput(**values)
    with pytest.raises(services.NoticeError) as error:
        services.save_disclosure_item(session, staff["bureau_editor"], None, data())
    assert error.value.refused == "notices.catalogue_denied"
    for bad in (data(due_day=None), data(due_day=32), data(names={"zh_hans": ""}),
                data(schedule=Schedule.EVENT, working_days=0)):
        with pytest.raises(services.NoticeError):
            services.save_disclosure_item(session, staff["admin"], None, bad)
    item = services.save_disclosure_item(session, staff["admin"], None, data(schedule=Schedule.EVENT, due_day=9))
    assert item.due_day is None and item.working_days == 20
    with pytest.raises(services.NoticeError):
        services.save_disclosure_item(session, staff["admin"], None, data())
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "notices.catalogue_save")).all()


def test_a_notice_fulfils_only_its_own_bureaus_items(session, draft, staff, city, monthly_item):
    data = services.NoticeInput(category=city.air, bureau=city.other, created_on=date(2026, 9, 1),
                                titles={"zh_hans": "水利局"}, disclosure_item=monthly_item)
    with pytest.raises(services.NoticeError):
        services.create_notice(session, staff["admin"], data)


def _publish_for(session, staff, city, item, title="月报"):
    notice = services.create_notice(session, staff["bureau_editor"], services.NoticeInput(
        category=city.air, bureau=city.home, created_on=local_today(), titles={"zh_hans": title},
        disclosure_item=item))
    services.take_step(session, staff["bureau_editor"], notice, Step.SUBMIT)
    services.take_step(session, staff["reviewer"], notice, Step.APPROVE, index_scheme=SCHEME)
    session.commit()
    return notice


def test_catalogue_status_matches_published_notices_of_the_item(session, staff, city, monthly_item):
    _publish_for(session, staff, city, monthly_item)
    [status] = queries.catalogue_status(session, [monthly_item], utcnow(), local_today())
    published = [o for o in status.occurrences if o.published_on is not None]
    assert len(published) == 1 and published[0].published_on == local_today()
    assert published[0].label == f"{local_today():%Y-%m}" and len(status.occurrences) == 2  # this month and next


def test_event_items_follow_each_notice_from_its_date_created(session, staff, city):
    item = services.save_disclosure_item(session, staff["admin"], None, services.ItemInput(
        code="penalties", bureau=city.home, names={"zh_hans": "行政处罚决定"}, schedule=Schedule.EVENT,
        starts_on=date(2020, 1, 1), working_days=20))
    old = services.create_notice(session, staff["bureau_editor"], services.NoticeInput(
        category=city.penalties, bureau=city.home, created_on=local_today() - timedelta(days=60),
        titles={"zh_hans": "处罚决定一"}, disclosure_item=item))
    session.commit()
    _publish_for(session, staff, city, item, title="处罚决定二")
    [status] = queries.catalogue_status(session, [item], utcnow(), local_today())
    by_label = {o.label: o for o in status.occurrences}
    assert by_label["处罚决定一"].status == Status.MISSING and by_label["处罚决定二"].status == Status.ON_TIME
    assert old.id


def test_the_provider_reports_the_rate_with_its_method(session, staff, city, monthly_item):
    from app.org.models import PlaceLevel
    from tests import factories

    the_city = factories.place(session, level=PlaceLevel.CITY, code="city")
    _publish_for(session, staff, city, monthly_item)
    year = local_today().year
    after_the_year = date(year + 1, 1, 5)
    result = computed_result(session, the_city, str(year), today=after_the_year)
    on_time, due = catalogue.disclosure_rate([o for s in queries.catalogue_status(
        session, [monthly_item], utcnow(), date(year, 12, 31)) for o in s.occurrences if o.due.year == year])
    assert result.sample_size == due and result.value == (Decimal(on_time * 100) / due).quantize(Decimal("0.01"))
    assert "按时公开" in result.method and "应公开" in result.method
    assert computed_result(session, city.district, str(year), today=after_the_year) is None  # no items there
    assert computed_result(session, the_city, "1999") is None
    assert computed_result(session, the_city, "2025-Q1") is None
    assert registered_providers()[PROVIDER_KEY] is computed_result


def test_the_rate_of_a_year_still_running_is_not_recorded(session, staff, city, monthly_item):
    """A computed value is recorded as approved (app.indicators.providers); the year's rate (2019 table
    环生态〔2019〕76号, row 5) is only final once every occurrence of the year has fallen due."""
    from app.org.models import PlaceLevel
    from tests import factories

    the_city = factories.place(session, level=PlaceLevel.CITY, code="city")
    _publish_for(session, staff, city, monthly_item)
    year = local_today().year
    assert computed_result(session, the_city, str(year), today=date(year, 12, 31)) is None
    assert computed_result(session, the_city, str(year), today=date(year + 1, 1, 1)) is not None


def test_a_district_without_catalogue_items_is_not_applicable_rather_than_pending(session, staff, city,
                                                                                monthly_item):
    """Indicator 5 (生态环境信息公开率, 2019 table 环生态〔2019〕76号, 适用范围 市县) is computed from the bureaus'
    catalogues: where no bureau of a district has items, nobody can ever report it there, so it does not apply."""
    from app.indicators import queries as indicator_queries
    from app.indicators.rules import Status as Judged
    from app.org.models import Bureau, PlaceLevel
    from tests import factories

    the_city = factories.place(session, level=PlaceLevel.CITY, code="city")
    indicators = factories.catalogue(session)
    rate = next(i for i in indicator_queries.catalogue_indicators(session, indicators) if i.code == "6")
    rate.provider = PROVIDER_KEY
    session.commit()
    result = indicator_queries.compliance(session, indicators, "2025", [the_city, city.district])
    assert result.status(rate, the_city).status == Judged.PENDING
    assert result.status(rate, city.district).status == Judged.NOT_APPLICABLE
    branch = Bureau(code="branch", name_zh_hans="分局", place_id=city.district.id)
    session.add(branch)
    session.flush()
    services.save_disclosure_item(session, staff["admin"], None, services.ItemInput(
        code="branch-monthly", bureau=branch, names={"zh_hans": "分局月报"}, schedule=Schedule.MONTHLY,
        starts_on=date(2025, 1, 1), due_day=15))
    session.commit()
    result = indicator_queries.compliance(session, indicators, "2025", [the_city, city.district])
    assert result.status(rate, city.district).status == Judged.PENDING


def test_a_notice_says_which_month_it_is_for_with_the_month_created_by_default(session, staff, city, monthly_item):
    base = dict(category=city.air, bureau=city.home, created_on=date(2026, 3, 2), titles={"zh_hans": "2月月报"},
                disclosure_item=monthly_item)
    by_default = services.create_notice(session, staff["bureau_editor"], services.NoticeInput(**base))
    assert by_default.period == "2026-03"
    stated = services.create_notice(session, staff["bureau_editor"], services.NoticeInput(**base, period="2026-02"))
    assert stated.period == "2026-02"
    plain = services.create_notice(session, staff["bureau_editor"], services.NoticeInput(
        **(base | {"disclosure_item": None}), period="2026-02"))
    assert plain.period is None  # only publications of a monthly item are for a month
    with pytest.raises(services.NoticeError):
        services.create_notice(session, staff["bureau_editor"], services.NoticeInput(**base, period="2026-13"))


def test_the_supervision_page_shows_each_bureau_its_items(client, auth, session, staff, city, monthly_item):
    services.save_disclosure_item(session, staff["admin"], None, services.ItemInput(
        code="water-monthly", bureau=city.other, names={"zh_hans": "水质月报"}, schedule=Schedule.MONTHLY,
        starts_on=date(2026, 1, 1), due_day=10))
    session.commit()
    auth.login("editor")
    html = client.get("/admin/notices/disclosure?lang=zh_Hans").get_data(as_text=True)
    assert "空气质量月报" in html and "水质月报" not in html and "supervision-" in html
    auth.logout()
    auth.login("admin")
    response = client.get("/admin/notices/disclosure?bureau=water", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="disclosure-rows"') and "水质月报" in html and "空气质量月报" not in html


def test_the_catalogue_page_refuses_bad_input_with_422(client, auth, csrf, session, city):
    auth.login("admin")
    token = csrf.token(client, "/admin/notices/catalogue")
    base = {"csrf_token": token, "code": "air", "bureau_id": city.home.id, "category_id": "0",
            "name_zh_hans": "空气质量月报", "schedule": "monthly", "starts_on": "2026-01-01", "active": "y"}
    response = client.post("/admin/notices/catalogue?lang=zh_Hans", data=base | {"due_day": ""})
    assert response.status_code == 422 and 'value="空气质量月报"' in response.get_data(as_text=True)
    assert client.post("/admin/notices/catalogue", data=base | {"due_day": "15"}).status_code == 303
    item = queries.disclosure_items(session)[0]
    assert item.due_day == 15
    response = client.post(f"/admin/notices/catalogue/{item.id}", data=base | {"due_day": "20"})
    assert response.status_code == 303


def test_the_notice_form_asks_which_month_with_this_month_as_default(client, auth, csrf, session, staff, city,
                                                                    monthly_item):
    auth.login("editor")
    html = client.get("/admin/notices/new").get_data(as_text=True)
    assert f'name="period" type="month" value="{local_today():%Y-%m}"' in html
    token = csrf.token(client, "/admin/notices/new")
    base = {"csrf_token": token, "category_id": city.air.id, "bureau_id": city.home.id, "created_on": "2026-03-02",
            "title_zh_hans": "2月空气质量月报", "disclosure_item_id": monthly_item.id}
    bad = client.post("/admin/notices/new?lang=zh_Hans", data=base | {"period": "2026-13"})
    assert (bad.status_code == 422
            and session.scalar(select(Notice).where(Notice.title_zh_hans == "2月空气质量月报")) is None)
    assert client.post("/admin/notices/new", data=base | {"period": "2026-02"}).status_code == 303
    assert session.scalar(select(Notice).where(Notice.title_zh_hans == "2月空气质量月报")).period == "2026-02"
