"""Closing a rectification task in a real browser: the lead unit applies with its evidence, the office records the
acceptance, accepts and publishes the notice (the htmx panel replacing itself); a resident objects on a phone
without JavaScript and follows the objection by its code; the office looks at the objector's contact (recorded)
and answers. Every page is checked with axe."""
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.i18n import local_today
from app.rectification.models import Objection
from tests.browser.conftest import PHONE, assert_accessible, sign_in


def _task(app) -> tuple[int, str]:
    with app.app_context(), app.test_request_context():
        from app.accounts.models import User
        from app.org.models import Place
        from tests.rectification.conftest import make_round, make_task

        editor = db.session.scalar(select(User).where(User.username == "editor"))
        district = db.session.scalar(select(Place).where(Place.code == "hills"))
        round_ = make_round(db.session, code="BROWSER-CLOSURE", notice_days=7)
        task = make_task(db.session, round_, district, editor.bureau, code="2026-BC-001",
                         problem_zh_hans="白河工业园区污水直排", problem_en="Untreated waste water, Baihe park")
        db.session.commit()
        return task.id, task.code


def test_a_task_goes_from_application_to_notice_and_a_resident_objects(browser, base_url, live_app, tmp_path,
                                                                       assert_accessible_without_js):
    task_id, code = _task(live_app)
    with live_app.app_context():
        today = local_today()
    panel = f"/admin/rectification/tasks/{task_id}/closure?lang=en"
    evidence = tmp_path / "验收材料.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% evidence\n")

    unit = browser.new_context(base_url=base_url, **PHONE).new_page()
    sign_in(unit, "editor")
    unit.goto(panel)
    assert_accessible(unit)
    assert unit.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    unit.get_by_role("button", name="Apply for closure").click()
    # No text, no file: the panel comes back with the messages, in place.
    expect(unit.locator("#step-apply_closure .error-summary")).to_be_visible()
    assert_accessible(unit)
    unit.fill("#apply_closure-completion_zh_hans", "园区污水管网已建成，污水全部接入城市污水处理厂。")
    unit.set_input_files("#apply_closure-files", str(evidence))
    unit.get_by_role("button", name="Apply for closure").click()
    expect(unit.locator("#closure-panel")).to_contain_text("Closure applied for")
    expect(unit.locator("#closure-application")).to_contain_text("验收材料.pdf")
    assert_accessible(unit)

    office = browser.new_context(base_url=base_url).new_page()
    sign_in(office, "admin")
    office.goto(panel)
    office.get_by_role("button", name="Record the acceptance").click()
    # The hint above the step says the same words: wait for the refusal itself, or the fields below would be
    # filled on the panel that is about to be swapped out.
    expect(office.locator("#step-accept .error-summary")).to_contain_text(
        "not accepted for closure before its acceptance")
    office.select_option("#acceptance-level", "district")
    office.fill("#acceptance-accepted_on", today.isoformat())
    office.fill("#acceptance-body", "白河县生态环境分局验收组")
    office.fill("#acceptance-opinion", "已完成整改,同意销号")
    office.get_by_role("button", name="Add the record").click()
    # The panel is swapped in place by htmx: a loaded machine may take longer than the default 5 s.
    expect(office.locator("#closure-acceptance")).to_contain_text("this application", timeout=20_000)
    office.get_by_role("button", name="Record the acceptance").click()
    expect(office.locator("#closure-panel")).to_contain_text("Accepted, notice to follow")
    office.get_by_role("button", name="Publish the closure notice").click()
    expect(office.locator("#closure-panel")).to_contain_text("In public notice")
    end = today + timedelta(days=6)
    expect(office.locator("#closure-panel")).to_contain_text(f"{today.isoformat()} – {end.isoformat()}")
    assert_accessible(office)

    resident = browser.new_context(base_url=base_url, java_script_enabled=False, **PHONE).new_page()
    resident.goto(f"/rectification/tasks/{code}/objection?lang=en")
    assert_accessible_without_js(resident)
    resident.fill("#text", "园区东侧排口夜间仍有污水排出。")
    resident.get_by_role("button", name="Send the objection").click()
    expect(resident.locator(".error-summary")).to_contain_text("Give a phone number or an e-mail address")
    expect(resident.locator("#text")).to_have_value("园区东侧排口夜间仍有污水排出。")
    resident.fill("#name", "王小明")
    resident.fill("#contact", "138 1234 5678")
    resident.get_by_role("button", name="Send the objection").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text("Objection received")
    assert_accessible_without_js(resident)
    personal = resident.locator("#tracking-code").inner_text()
    resident.get_by_role("button", name="Follow your objection").click()
    expect(resident.locator("main")).to_contain_text("Received, being checked")
    expect(resident.locator("main")).not_to_contain_text("13812345678")
    assert personal not in resident.url
    assert_accessible_without_js(resident)

    office.goto(panel)
    objections = office.locator("#closure-objections")
    expect(objections).to_contain_text("园区东侧排口夜间仍有污水排出。")
    expect(objections).not_to_contain_text("13812345678")
    office.get_by_role("button", name="Show the objector's contact (recorded)").click()
    expect(objections).to_contain_text("13812345678")
    office.get_by_label("Not sustained").check()
    office.locator("textarea[id$='-answer']").fill("经核查,该排口为雨水排口。")
    office.get_by_role("button", name="Answer the objection").click()
    expect(objections).to_contain_text("经核查,该排口为雨水排口。")
    assert_accessible(office)
    office.goto("/admin/rectification/closures?show=notice&lang=en")
    expect(office.locator("main")).to_contain_text(code)
    assert_accessible(office)
    with live_app.app_context():
        assert db.session.scalar(select(Objection.state)).value == "dismissed"
