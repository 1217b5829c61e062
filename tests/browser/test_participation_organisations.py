"""The office registers an organisation on a phone and gives it an organiser's account; the organiser signs in and
starts an activity with no bureau to choose; a volunteer downloads the PDF certificate. Every page is checked
with axe."""
from datetime import datetime, timezone

from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.participation import volunteers
from app.participation.models import Organisation
from tests.browser.conftest import PHONE, assert_accessible, sign_in
from tests.participation.volunteer_fixtures import activity, registration


def test_the_office_registers_an_organisation_whose_organiser_starts_an_activity(browser, base_url, live_app):
    office = browser.new_context(base_url=base_url, **PHONE).new_page()
    sign_in(office, "admin")
    office.goto("/admin/participation/organisations/new?lang=en")
    assert_accessible(office)
    office.get_by_role("button", name="Save").click()
    expect(office.locator(".error-summary")).to_contain_text("Give the name in simplified Chinese")
    assert_accessible(office)
    office.fill("#name_zh_hans", "白河县环保志愿者协会")
    office.fill("#name_en", "Baihe Environmental Volunteers")
    office.select_option("#kind", "volunteer")
    office.fill("#contact_name", "赵静")
    office.fill("#contact_phone", "13800000085")
    office.get_by_role("button", name="Save").click()
    expect(office.locator("#flashes")).to_contain_text("is registered")
    assert_accessible(office)
    # The list's table scrolls sideways on a phone: follow the link as a reader who scrolled to it would.
    office.goto(office.get_by_role("link", name="Baihe Environmental Volunteers").first.get_attribute("href"))
    expect(office.get_by_role("heading", level=1)).to_contain_text("Baihe Environmental Volunteers")
    assert_accessible(office)
    assert office.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    office.get_by_role("link", name="New account for this organisation").click()
    expect(office.locator("#role")).to_have_value("organisation_organiser")
    assert_accessible(office)
    office.fill("#username", "baihe-org")
    office.fill("#display_name", "白河协会组织员")
    office.fill("#new_password", "a-long-password-1")
    office.fill("#confirm", "a-long-password-1")
    office.get_by_role("button", name="Save").click()
    expect(office.locator("#flashes")).to_contain_text("baihe-org")
    with live_app.app_context():
        account = db.session.scalar(select(User).where(User.username == "baihe-org"))
        named = db.session.scalar(select(Organisation).where(Organisation.name_zh_hans == "白河县环保志愿者协会"))
        assert account.organisation_id == named.id

    organiser = browser.new_context(base_url=base_url, **PHONE).new_page()
    sign_in(organiser, "baihe-org", "a-long-password-1")
    organiser.goto("/admin/participation/activities/?lang=en")
    expect(organiser.get_by_role("heading", level=1)).to_contain_text("Baihe Environmental Volunteers")
    assert_accessible(organiser)
    organiser.get_by_role("link", name="New activity").click()
    expect(organiser.locator("#title_zh_hans")).to_be_visible()
    assert organiser.locator("#bureau_id").count() == 0 and organiser.locator("#organisation_id").count() == 0
    assert_accessible(organiser)


def test_a_volunteer_downloads_the_pdf_certificate(browser, base_url, live_app):
    with live_app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        editor = db.session.scalar(select(User).where(User.username == "editor"))
        reg = registration(db.session, activity(db.session, editor.bureau, title_en="River bank clean-up",
                                                starts_at=datetime(2026, 5, 9, 1, tzinfo=timezone.utc)),
                           name="孙伟", phone="13100131011", enrol=False)
        code = volunteers.enrol(db.session, reg, live_app.config["SECRET_KEY"])
        volunteers.confirm_hours(db.session, admin, reg, 2)
        db.session.commit()
    context = browser.new_context(base_url=base_url, accept_downloads=True, **PHONE)
    page = context.new_page()
    page.goto("/participation/volunteers/?lang=en")
    page.fill("#phone", "13100131011")
    page.fill("#code", code)
    page.get_by_role("button", name="Show my record").click()
    page.wait_for_url("**/participation/volunteers/record")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the certificate for 2026 (PDF)").click()
    assert download.value.suggested_filename == "volunteer-hours-2026.pdf"
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    context.close()
