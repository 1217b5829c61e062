"""On a phone: the lead unit's editor sends a progress report (refused first for want of evidence, the text kept),
the office returns it, the unit sends it again with a file, the office accepts it; the office urges a late task on
the board, and the unit sees the urging; the monthly report. Every page is checked with axe, with and without
JavaScript."""
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.i18n import local_today
from app.org.models import Bureau, Place
from app.rectification.models import ProgressReport, ReportState
from app.rectification.months import month_of
from tests.browser.conftest import PHONE, assert_accessible, sign_in
from tests.rectification.conftest import make_round, make_task

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _tasks(app):
    """Two tasks of the editor's bureau: one due this month, one past its deadline."""
    with app.app_context():
        home = db.session.scalar(select(Bureau).where(Bureau.code == "eeb"))
        place = db.session.scalar(select(Place).where(Place.code == "hills"))
        round_ = make_round(db.session)
        today = local_today()
        due = make_task(db.session, round_, place, home, next_report_due=today + timedelta(days=20),
                        due_on=today + timedelta(days=300), problem_en="Sewage from the Baihe industrial park")
        late = make_task(db.session, round_, place, home, due_on=today - timedelta(days=5),
                         problem_en="Open burning of straw")
        db.session.commit()
        return due.id, late.id, late.code, month_of(today)


def test_a_report_sent_returned_sent_again_and_accepted_on_a_phone(browser, base_url, live_app, tmp_path,
                                                                   assert_accessible_without_js):
    task_id, late_id, late_code, month = _tasks(live_app)
    evidence = tmp_path / "验收意见.pdf"
    evidence.write_bytes(PDF)
    unit = browser.new_context(base_url=base_url, **PHONE).new_page()
    sign_in(unit, "editor")
    unit.goto(f"/admin/rectification/tasks/{task_id}/reports?lang=en")
    assert_accessible(unit)
    assert_accessible_without_js(unit)
    unit.select_option("#progress", "done")
    unit.fill("#text", "管网铺设完成")
    unit.get_by_role("button", name="Send the report").click()
    expect(unit.locator(".error-summary")).to_contain_text("needs at least one evidence file")
    expect(unit.locator("#text")).to_have_value("管网铺设完成")
    assert_accessible(unit)
    unit.select_option("#progress", "on_schedule")
    unit.get_by_role("button", name="Send the report").click()
    expect(unit.locator("#flashes")).to_contain_text("sent to the office")
    expect(unit.locator("#task-reports")).to_contain_text("Awaiting review")
    assert unit.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    office = browser.new_context(base_url=base_url, **PHONE).new_page()
    sign_in(office, "admin")
    office.goto("/admin/rectification/reports?lang=en")
    assert_accessible(office)
    office.get_by_role("link", name="Review the report").first.click()
    office.get_by_role("button", name="Return for correction").click()
    expect(office.locator(".error-summary")).to_contain_text("Say what the unit must correct or add.")
    assert_accessible(office)
    office.locator("textarea[name=note]").first.fill("请附管网验收照片")
    office.get_by_role("button", name="Return for correction").click()
    expect(office.locator("#flashes")).to_contain_text("returned to the unit")

    unit.reload()
    expect(unit.locator("#task-reports")).to_contain_text("请附管网验收照片")
    unit.select_option("#progress", "done")
    unit.fill("#text", "管网铺设完成，附验收意见")
    unit.set_input_files("#files", str(evidence))
    unit.get_by_role("button", name="Send the report").click()
    expect(unit.locator("#flashes")).to_contain_text("sent to the office")

    office.reload()
    office.get_by_role("button", name="Accept the report").click()
    expect(office.locator("#flashes")).to_contain_text("accepted")
    office.get_by_role("button", name="Clear for publication").click()
    expect(office.locator("#task-reports")).to_contain_text("cleared for publication")
    assert_accessible(office)
    with live_app.app_context():
        states = db.session.scalars(select(ProgressReport.state).where(ProgressReport.task_id == task_id)).all()
        assert sorted(states) == [ReportState.ACCEPTED, ReportState.RETURNED]

    office.goto("/admin/rectification/board?lang=en&colour=red")
    assert office.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(office)
    assert_accessible_without_js(office)
    office.fill(f"#urge-{late_id}", "请立即整改并报送进展")
    office.locator(f"#urge-{late_id}").locator("xpath=..").get_by_role("button", name="Urge").click()
    expect(office.locator("#flashes")).to_contain_text(f"task {late_code}")
    office.goto(f"/admin/rectification/monthly?lang=en&month={month}")
    expect(office.locator("#monthly-figures")).to_contain_text("By lead unit")
    assert_accessible(office)
    assert_accessible_without_js(office)

    unit.goto("/admin/rectification/reports/due?lang=en")
    expect(unit.locator("main")).to_contain_text("请立即整改并报送进展")
    assert_accessible(unit)
    unit.goto(f"/admin/rectification/tasks/{late_id}/reports?lang=en")
    expect(unit.locator("main")).to_contain_text("Urgings from the office: 1")
    assert_accessible(unit)
