"""A resident on a phone reads the rectification ledger: the counts, a status filter (htmx swaps the results and
pushes the address; without JavaScript the same form reloads the page), a task in public notice with its
objection link; and the office links a pollution tip to a task. Each page checked with axe and for a page that
never scrolls sideways."""
import itertools
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.i18n import local_today
from app.org.models import Bureau, Place
from app.rectification.workflow import TaskState
from tests import factories
from tests.browser.conftest import PHONE, assert_accessible, sign_in
from tests.rectification.conftest import make_round, make_task

_runs = itertools.count(1)


def _ledger(app) -> dict:
    """A published round in the district "hills": on schedule, behind, closed and one in public notice."""
    n = next(_runs)
    with app.app_context():
        hills = db.session.scalar(select(Place).where(Place.code == "hills"))
        lead = db.session.scalar(select(Bureau).where(Bureau.code == "eeb"))
        today = local_today()
        round_ = make_round(db.session, code=f"BR{n}", title_en=f"Central inspection (browser {n})")
        codes = {}
        for name, values in {
                "on_time": dict(due_on=today + timedelta(days=90)),
                "late": dict(due_on=today - timedelta(days=3)),
                "closed": dict(state=TaskState.CLOSED, closed_at=datetime.now(timezone.utc)),
                "notice": dict(state=TaskState.IN_NOTICE, notice_starts_on=today - timedelta(days=1),
                               notice_ends_on=today + timedelta(days=6), completion_zh_hans="管网已建成")}.items():
            codes[name] = make_task(db.session, round_, hills, lead, code=f"B{n}-{name}", **values).code
        tip = factories.tip(db.session, district=hills)
        codes["tip"] = tip.public_number
        db.session.commit()
        return {"round": round_.code, **codes}


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_resident_reads_the_ledger_on_a_phone(browser, base_url, live_app):
    ledger = _ledger(live_app)
    context = browser.new_context(base_url=base_url, **PHONE)
    page = context.new_page()
    page.goto(f"/rectification/?lang=en&round={ledger['round']}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rectification ledger")
    expect(page.locator("#ledger-results")).to_contain_text("4 tasks in all")
    assert_accessible(page)
    assert _fits(page)

    page.select_option("#f-status", "behind")  # htmx swaps the results and pushes the address
    page.wait_for_url("**status=behind*")
    expect(page.locator(".ledger-tasks li")).to_have_count(1)
    expect(page.locator(".ledger-tasks")).to_contain_text(ledger["late"])
    expect(page.locator(".ledger-tasks")).to_contain_text("Behind schedule")
    assert_accessible(page)

    page.goto(f"/rectification/tasks/{ledger['notice']}?lang=en")
    expect(page.locator("#notice")).to_contain_text("Public notice before closure")
    expect(page.get_by_role("link", name="Object to the closure")).to_have_attribute(
        "href", f"/rectification/tasks/{ledger['notice']}/objection")
    assert_accessible(page)
    assert _fits(page)
    context.close()


def test_the_ledger_filters_without_javascript(browser, base_url, live_app):
    ledger = _ledger(live_app)
    context = browser.new_context(base_url=base_url, java_script_enabled=False, **PHONE)
    page = context.new_page()
    page.goto(f"/rectification/?lang=en&round={ledger['round']}")
    page.select_option("#f-status", "done")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**status=done*")
    expect(page.locator(".ledger-tasks li")).to_have_count(2)
    expect(page.locator(".ledger-tasks")).to_contain_text(ledger["closed"])
    expect(page.locator(".ledger-tasks")).to_contain_text(ledger["notice"])
    context.close()


def test_the_office_links_a_tip_to_a_task(browser, base_url, live_app):
    ledger = _ledger(live_app)
    context = browser.new_context(base_url=base_url, **PHONE)
    page = context.new_page()
    sign_in(page, "admin")
    page.goto(f"/admin/rectification/tasks/{ledger['on_time']}/tips?lang=en")
    assert_accessible(page)
    page.fill("#tip", "not a number")
    page.get_by_role("button", name="Link the tip").click()
    expect(page.locator("#error-summary")).to_contain_text("Enter the number as shown")
    assert_accessible(page)
    page.fill("#tip", ledger["tip"])
    page.get_by_role("button", name="Link the tip").click()  # htmx swaps the panel
    expect(page.locator("#tip-links")).to_contain_text(f"Tip {ledger['tip']}")
    expect(page.locator("#tip-links")).to_contain_text(f"Remove link to {ledger['tip']}")
    assert_accessible(page)
    assert _fits(page)
    page.goto(f"/rectification/tasks/{ledger['on_time']}?lang=en")
    expect(page.locator("main")).to_contain_text(f"Report No. {ledger['tip']}")
    context.close()
