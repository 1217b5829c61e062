"""A resident sends a suggestion to an open consultation on a phone (title and text only), follows it by the
personal code; the office publishes it with the phone number masked, the bureau answers, and the answer is on the
public page. Every page is checked with axe."""
from playwright.sync_api import expect

from app.extensions import db
from app.participation import consultations
from app.participation.models import Consultation
from tests.browser.conftest import assert_accessible, sign_in
from tests.participation.consultations_fixtures import consultation_input

PHONE = {"width": 360, "height": 740}


def _open_consultation(app) -> int:
    with app.app_context():
        from app.accounts.models import User
        from sqlalchemy import select

        admin = db.session.scalar(select(User).where(User.username == "admin"))
        home = db.session.scalar(select(User).where(User.username == "editor")).bureau_id
        row = consultations.create_consultation(db.session, admin, consultation_input(
            home, title_zh_hans="湿地公园规划征求意见", title_en="Wetland park plan"))
        consultations.publish_consultation(db.session, admin, row)
        db.session.commit()
        return row.id


def test_resident_suggests_on_a_phone_and_reads_the_answer(browser, base_url, live_app):
    consultation_id = _open_consultation(live_app)
    person = browser.new_context(viewport=PHONE, base_url=base_url, is_mobile=True).new_page()
    person.goto("/participation/consultations/?lang=en")
    assert_accessible(person)
    person.get_by_role("link", name="Wetland park plan").click()
    assert_accessible(person)
    assert person.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    person.get_by_role("link", name="Send a suggestion on this site").click()
    assert_accessible(person)
    person.fill("#title", "增加湿地步道")
    person.get_by_role("button", name="Send the suggestion").click()
    # No text: the form comes back with the title kept and a clear message.
    expect(person.locator(".error-summary")).to_be_visible()
    expect(person.locator("#title")).to_have_value("增加湿地步道")
    assert_accessible(person)
    person.fill("#body", "建议沿河增加木栈道，方便老人散步。有问题请打13812345678。")
    person.get_by_role("button", name="Send the suggestion").click()
    expect(person.get_by_role("heading", level=1)).to_have_text("Suggestion received")
    assert_accessible(person)
    code = person.locator("#tracking-code").inner_text()
    assert code not in person.url
    person.get_by_role("button", name="Follow your suggestion").click()
    expect(person.locator("main")).to_contain_text("Awaiting moderation")
    assert code not in person.url
    assert_accessible(person)

    office = browser.new_context(base_url=base_url).new_page()
    sign_in(office, "admin")
    office.goto("/admin/participation/suggestions/moderation?lang=en")
    assert_accessible(office)
    office.get_by_role("link", name="增加湿地步道").click()
    expect(office.locator("#public_body")).to_contain_text("138****5678")
    assert_accessible(office)
    office.get_by_role("button", name="Publish", exact=True).click()
    expect(office.locator("main")).to_contain_text("Published, awaiting the answer")

    bureau = browser.new_context(base_url=base_url).new_page()
    sign_in(bureau, "editor")
    bureau.goto("/admin/participation/suggestions/?lang=en")
    assert_accessible(bureau)
    bureau.get_by_role("link", name="增加湿地步道").click()
    bureau.get_by_label("Partly adopted").check()
    bureau.fill("#answer", "明年在一期工程中建设木栈道，二期视预算而定。")
    bureau.get_by_role("button", name="Publish the answer").click()
    expect(bureau.locator("main")).to_contain_text("Partly adopted")

    person.goto(f"/participation/consultations/{consultation_id}")
    expect(person.locator("main")).to_contain_text("明年在一期工程中建设木栈道")
    expect(person.locator("main")).to_contain_text("138****5678")
    expect(person.locator("main")).not_to_contain_text("13812345678")
    assert_accessible(person)
    with live_app.app_context():
        assert db.session.get(Consultation, consultation_id) is not None
