"""A volunteer looks up their record on a phone (a wrong pair first), sees the yearly total and downloads the
certificate; an organiser confirms hours in a row of the activity's page. Every page is checked with axe."""
from datetime import datetime, timezone

from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import User

from app.extensions import db
from app.participation import volunteers
from app.participation.models import Registration
from tests.browser.conftest import PHONE, assert_accessible, sign_in
from tests.participation.volunteer_fixtures import activity, registration


def _volunteer_with_hours(app):
    """A volunteer with 3 confirmed hours in 2026 and one more activity awaiting its hours; their code."""
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        editor = db.session.scalar(select(User).where(User.username == "editor"))
        reg = registration(db.session, activity(db.session, editor.bureau, title_en="Lake shore clean-up",
                                                starts_at=datetime(2026, 6, 5, 1, tzinfo=timezone.utc)),
                           name="陈九", phone="13100131000", enrol=False)
        code = volunteers.enrol(db.session, reg, app.config["SECRET_KEY"])
        volunteers.confirm_hours(db.session, admin, reg, 3)
        waiting = registration(db.session, activity(db.session, editor.bureau, title_en="Tree planting"),
                               name="陈九", phone="13100131000")
        db.session.commit()
        return code, waiting.activity_id, waiting.id


def test_a_volunteer_looks_up_the_record_on_a_phone(browser, base_url, live_app):
    code, activity_id, waiting_id = _volunteer_with_hours(live_app)
    context = browser.new_context(base_url=base_url, accept_downloads=True, **PHONE)
    page = context.new_page()
    page.goto("/participation/volunteers/?lang=en")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.fill("#phone", "131 0013 1000")
    page.fill("#code", "2222-2222-2222-2222")
    page.get_by_role("button", name="Show my record").click()
    expect(page.locator(".error-summary")).to_contain_text("No volunteer record matches")
    expect(page.locator("#phone")).to_have_value("131 0013 1000")
    assert_accessible(page)
    page.fill("#code", code)
    page.get_by_role("button", name="Show my record").click()
    page.wait_for_url("**/participation/volunteers/record")
    assert code not in page.url
    expect(page.get_by_role("heading", level=2)).to_contain_text("2026: 3 hours")
    expect(page.locator("main")).to_contain_text("Lake shore clean-up")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the certificate for 2026 (Word)").click()
    assert download.value.suggested_filename == "volunteer-hours-2026.docx"
    context.close()

    staff = browser.new_context(base_url=base_url, **PHONE).new_page()
    sign_in(staff, "editor")
    staff.goto(f"/admin/participation/volunteers/activities/{activity_id}?lang=en")
    assert_accessible(staff)
    row = staff.locator(f"#hours-{waiting_id}")
    row.locator("input[name$='-hours']").fill("99")
    row.get_by_role("button", name="Confirm the hours").click()
    expect(staff.locator(f"#hours-{waiting_id} .error-summary")).to_contain_text("at most 5 hours")
    assert_accessible(staff)
    staff.locator(f"#hours-{waiting_id} input[name$='-hours']").fill("2.5")
    staff.locator(f"#hours-{waiting_id}").get_by_role("button", name="Confirm the hours").click()
    expect(staff.locator(f"#hours-{waiting_id}")).to_contain_text("Correct the hours")
    expect(staff.locator("#flashes")).to_contain_text("Hours confirmed.")
    with live_app.app_context():
        assert db.session.get(Registration, waiting_id).hours == 2.5
