"""A resident signs up for an activity on a phone as a person does (name and phone, nothing optional), keeps
the personal code, then cancels with it; every page checked with axe."""
from datetime import timedelta

from playwright.sync_api import expect

from app.db_types import utcnow
from app.extensions import db
from app.org.models import Bureau
from tests import factories
from tests.browser.conftest import assert_accessible
from tests.participation.activity_fixtures import activity

PHONE = {"width": 360, "height": 740}


def test_a_resident_signs_up_on_a_phone_and_cancels_with_the_code(browser, base_url, live_app):
    with live_app.app_context():
        now = utcnow()
        bureau = db.session.query(Bureau).filter_by(code="eeb").one()
        target = activity(db.session, bureau, title_en="Tree planting on Environment Day",
                          starts_at=now + timedelta(days=4), signup_opens_at=now - timedelta(days=1),
                          signup_closes_at=now + timedelta(days=3), place=factories.place(db.session))
        db.session.commit()
        activity_id = target.id
    page = browser.new_context(viewport=PHONE, base_url=base_url, is_mobile=True).new_page()
    page.goto("/participation/activities/?lang=en")
    assert_accessible(page)
    page.get_by_role("link", name="Tree planting on Environment Day").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tree planting on Environment Day")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.fill("#name", "王小明")
    page.fill("#phone", "1391234567")  # one digit short
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".error-summary")).to_contain_text("mainland mobile number")
    expect(page.locator("#name")).to_have_value("王小明")
    assert_accessible(page)
    page.fill("#phone", "13912345678")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Signed up")
    expect(page.locator("main")).to_contain_text("Your place for")
    assert_accessible(page)
    code = page.locator("#tracking-code").inner_text()

    page.goto("/participation/activities/sign-up?lang=en")
    assert_accessible(page)
    page.fill("#code", code)
    page.get_by_role("button", name="Show my sign-up").click()
    expect(page.locator("#sign-up-state")).to_have_text("Place confirmed")
    expect(page.locator("main")).not_to_contain_text("13912345678")
    assert_accessible(page)
    page.get_by_role("button", name="Cancel my sign-up").click()
    expect(page.locator("#sign-up-state")).to_have_text("Cancelled")
    assert_accessible(page)
    page.goto(f"/participation/activities/{activity_id}?lang=en")
    expect(page.locator("main")).to_contain_text("10 of 10 places left")
