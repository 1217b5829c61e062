"""The yearly disclosure work report: notices by category in the city's calendar year, corrections and
withdrawals, the disclosure catalogue's occurrences, the requests' figures; the page and the XLSX."""
import io
from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook

from app.disclosure.annual_report import annual_report
from app.i18n import local_today, site_zone
from app.notices import services
from app.notices.workflow import Step
from tests import factories
from tests.notices.conftest import SCHEME, notice_input


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.fixture
def year_of_notices(session, staff, city, draft, publish, correct, withdraw):
    """2026 in the city: three notices published (one at 00:30 on 1 January Beijing time, still 2025 in UTC),
    one corrected and one withdrawn; one published in 2025; and a monthly catalogue item met once on time
    and once late."""
    new_year = draft(title="元旦空气质量快报")
    publish(new_year, now=utc(2025, 12, 31, 16, 30))
    corrected = publish(draft(title="2026年3月空气质量月报"), now=utc(2026, 4, 2))
    correct(corrected, notice_input(corrected, summaries={"zh_hans": "更正后的摘要"}),
            "更正优良天数", now=utc(2026, 4, 3))
    withdrawn = publish(draft(category=city.penalties, title="行政处罚决定书"), now=utc(2026, 5, 1))
    withdraw(withdrawn, "当事人已履行", now=utc(2026, 6, 1))
    publish(draft(title="2025年12月空气质量月报"), now=utc(2025, 12, 20))
    item = factories.disclosure_item(session, staff["admin"], city.home, starts_on=date(2026, 1, 1), due_day=15)
    for published in (utc(2026, 1, 10), utc(2026, 2, 20)):
        notice = services.create_notice(session, staff["bureau_editor"], services.NoticeInput(
            category=city.air, bureau=city.home, created_on=published.date(), titles={"zh_hans": "空气质量月报"},
            disclosure_item=item), now=published)
        services.take_step(session, staff["bureau_editor"], notice, Step.SUBMIT, now=published)
        services.take_step(session, staff["reviewer"], notice, Step.APPROVE, index_scheme=SCHEME, now=published)
    session.commit()


def report_for(session, year, today=date(2027, 1, 10)):
    return annual_report(session, year, now=utc(2027, 1, 10), today=today, zone=site_zone(), overrides={})


def test_notices_are_counted_in_the_citys_calendar_year_by_category(app, session, city, year_of_notices):
    with app.test_request_context():
        report = report_for(session, 2026)
        rows = {row.category.code: (row.published, row.corrected, row.withdrawn) for row in report.categories}
    # air: the new-year notice, the corrected one and the two catalogue notices; penalties: the withdrawn one
    assert rows["quality-air"] == (4, 1, 0) and rows["penalties"] == (1, 0, 1) and rows["quality"] == (0, 0, 0)
    assert (report.totals.published, report.totals.corrected, report.totals.withdrawn) == (5, 1, 1)
    assert report.complete
    with app.test_request_context():
        previous = report_for(session, 2025)
    assert previous.totals.published == 1


def test_the_catalogue_counts_the_occurrences_due_in_the_year(app, session, year_of_notices):
    with app.test_request_context():
        catalogue = report_for(session, 2026).catalogue
    assert (catalogue.due, catalogue.on_time, catalogue.late, catalogue.missing) == (12, 1, 1, 10)
    assert catalogue.rate == pytest.approx(1 / 12)


def test_a_running_year_says_so_and_an_empty_year_has_no_rates(app, session, city):
    with app.test_request_context():
        report = report_for(session, 2026, today=date(2026, 6, 1))
        empty = report_for(session, 2021)
    assert not report.complete
    assert empty.totals.published == 0 and empty.catalogue.rate is None and empty.requests.on_time_rate is None


def test_the_report_page_and_its_xlsx(app, client, session, staff, city, year_of_notices):
    factories.disclosure_request(session, bureau_=city.home)
    session.commit()
    year = date.today().year - 1
    assert client.get("/disclosure/annual-report/").headers["Location"].endswith(f"/disclosure/annual-report/{year}")
    html = client.get("/disclosure/annual-report/2026?lang=en").get_data(as_text=True)
    assert "Government information disclosure work report 2026" in html
    assert "Applications for government information received and handled" in html
    assert "Environmental quality" in html and "(1) Disclosed" in html
    response = client.get("/disclosure/annual-report/2026.xlsx?lang=en")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0] == ("Section", "Item", "Number", "Corrected", "Withdrawn")
    assert ("Notices published proactively", "Total", 5, 1, 1) in rows
    with app.test_request_context():  # December's item is due only once the 15th has come
        due = report_for(session, 2026, today=local_today()).catalogue.due
    assert ("Disclosure catalogue", "Due", due, None, None) in rows and due in (11, 12)


@pytest.mark.parametrize("year", [1999, 2999])
def test_a_year_outside_the_record_is_not_found(client, year):
    assert client.get(f"/disclosure/annual-report/{year}").status_code == 404
    assert client.get(f"/disclosure/annual-report/{year}.xlsx").status_code == 404
