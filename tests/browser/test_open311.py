"""An admin issues an Open311 key, sees it once, and revokes it; a handler reads a citizen's comment sent
through Open311 and publishes it; axe on each page."""
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from tests.browser.conftest import assert_accessible, sign_in


def test_admin_issues_and_revokes_an_open311_key(page, page_errors):
    sign_in(page, "admin")
    page.goto("/admin/open311/keys?lang=en")
    assert_accessible(page)
    page.fill("#name", "12369 app (browser test)")
    page.click("main form.card button[type=submit]")
    key = page.locator(".callout .tracking-code strong")
    expect(key).to_be_visible()
    assert len(key.inner_text()) >= 40
    assert_accessible(page)
    row = page.locator("#open311-keys tr", has_text="12369 app (browser test)")
    row.get_by_role("button", name="Revoke").click()
    expect(page.locator("#open311-keys tr", has_text="12369 app (browser test)")).to_contain_text("Revoked")
    expect(page.locator(".callout .tracking-code")).to_have_count(0)
    assert_accessible(page)
    assert page_errors == []


def test_a_handler_publishes_a_comment_sent_through_open311(browser, base_url, live_app):
    from app.accounts.models import User
    from app.open311 import services as open311
    from app.org.models import Bureau, Place
    from app.tips import services as tips
    from app.tips.models import TipCategory

    with live_app.app_context():
        home = db.session.scalar(select(Bureau).where(Bureau.code == "eeb"))
        category = db.session.scalar(select(TipCategory).where(TipCategory.code == "browser-comment"))
        if category is None:
            category = TipCategory(code="browser-comment", name_zh_hans="噪声污染", bureau_id=home.id)
            db.session.add(category)
        district = db.session.scalar(select(Place).where(Place.code == "hills"))
        tip, _code = tips.submit_tip(db.session, tips.TipInput(
            categories=[category], description="工地夜间施工噪声", district=district, address="河堤路"),
            [], tips.Rules(), "")
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        key, _secret = open311.issue_key(db.session, admin, "FixMyStreet (browser test)")
        comment = open311.receive_comment(db.session, key, tip, open311.CommentInput(
            client_update_id="77", description="今晚十一点还在施工", first_name="Lei", last_name="Li",
            email="lilei@example.com"))
        db.session.commit()
        tip_id, number, update_id = tip.id, tip.public_number, comment.update_id

    page = browser.new_context(base_url=base_url).new_page()
    sign_in(page, "handler")
    page.goto(f"/admin/tips/{tip_id}?lang=en")
    page.get_by_role("link", name="Commenter and publishing").click()
    expect(page.locator("main")).to_contain_text("lilei@example.com")
    assert_accessible(page)
    page.fill("#text", "")
    page.get_by_role("button", name="Publish on the public timeline").click()
    expect(page.locator("#error-summary")).to_contain_text("Give the text to publish.")
    assert_accessible(page)
    page.fill("#text", "夜间23时仍在施工")
    page.get_by_role("button", name="Publish on the public timeline").click()
    expect(page.locator("#flashes")).to_contain_text("The comment is public")
    expect(page.locator("main")).to_contain_text("Comment from the public: 夜间23时仍在施工")
    assert_accessible(page)
    updates = page.request.get(f"{base_url}/open311/v2/servicerequestupdates.json").json()
    mine = [u for u in updates if u["service_request_id"] == number]
    assert mine[-1]["update_id"] == update_id and "lilei" not in str(mine)
