"""A citizen applies for information on a phone; the bureau registers and answers with a document; the citizen
reads the answer on the tracking page. Public pages are checked with axe."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.tips.conftest import PDF

PHONE = {"width": 360, "height": 740}


def test_citizen_applies_on_a_phone_and_reads_the_answer(browser, base_url, tmp_path):
    citizen = browser.new_context(viewport=PHONE, base_url=base_url, is_mobile=True).new_page()
    citizen.goto("/disclosure-requests/new?lang=zh_Hans")
    assert_accessible(citizen)
    assert citizen.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    citizen.fill("#name", "李四")
    citizen.fill("#id_number", "420102199001011234")
    citizen.fill("#phone", "13900000000")
    citizen.fill("#address", "和平大道1号")
    citizen.fill("#email", "li@example.cn")
    citizen.select_option("#bureau_id", label="市生态环境局")
    citizen.fill("#description", "请公开2025年度本市重点排污单位名录")  # 排污 is not a complaint word
    citizen.get_by_role("button", name="提交申请").click()
    # The consent box was not ticked: the form comes back with the input kept and a clear message.
    expect(citizen.locator(".error-summary")).to_contain_text("请阅读")
    expect(citizen.locator("#description")).to_have_value("请公开2025年度本市重点排污单位名录")
    assert_accessible(citizen)
    citizen.check("#consent")
    citizen.get_by_role("button", name="提交申请").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("申请已收到")
    expect(citizen.locator("main")).to_contain_text("答复期限")
    assert_accessible(citizen)
    code = citizen.locator("#tracking-code").inner_text()
    number = re.search(r"YSQ-\d{4}-\d{5}", citizen.locator("main").inner_text()).group(0)

    staff = browser.new_context(base_url=base_url).new_page()
    sign_in(staff, "editor")
    staff.goto("/admin/disclosure-requests/?lang=zh_Hans")
    assert_accessible(staff)
    staff.get_by_role("link", name=number).click()
    assert_accessible(staff)
    staff.locator("#step-register").get_by_role("button", name="登记").click()
    expect(staff.locator("#flashes")).to_contain_text("登记")
    answer = staff.locator("#step-answer")
    answer.locator("#reply_type").select_option("disclosed")
    answer.locator("#reply_text").fill("经查，名录见附件。")
    document = tmp_path / "名录.pdf"
    document.write_bytes(PDF)
    answer.locator("#documents").set_input_files(str(document))
    answer.get_by_role("button", name="答复申请").click()
    expect(staff.locator("main")).to_contain_text("已答复")
    staff.get_by_role("button", name="查看申请人信息").click()
    expect(staff.locator("#applicant")).to_contain_text("420102199001011234")
    assert_accessible(staff)

    citizen.goto(f"/disclosure-requests/track/{code}")
    expect(citizen.locator("#reply")).to_contain_text("予以公开")
    expect(citizen.locator("#reply")).to_contain_text("经查，名录见附件。")
    expect(citizen.locator("#reply").get_by_role("link", name="名录.pdf")).to_be_visible()
    expect(citizen.locator("main")).not_to_contain_text("420102199001011234")
    assert_accessible(citizen)


def test_the_tracking_form_is_accessible(page):
    page.goto("/disclosure-requests/track?lang=zh_Hans")
    assert_accessible(page)
    page.fill("#code", "AAAA-BBBB-CCCC-DDDD")
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".error-summary")).to_contain_text("没有与此查询码对应的申请")
    assert_accessible(page)


def test_a_complaint_brings_the_tip_form_while_typing(page, page_errors):
    page.goto("/disclosure-requests/new?lang=zh_Hans")
    page.fill("#description", "我要举报化工厂夜间偷排污水")
    page.locator("#description").blur()
    notice = page.locator("#complaint-notice")
    expect(notice).to_contain_text("这是污染投诉举报吗？")
    expect(notice.get_by_role("link", name="通过污染举报表反映")).to_have_attribute("href", "/tips/new")
    assert_accessible(page)
    assert page_errors == []
