"""What residents and staff meet on the demo city (built by the real seed-demo), walked on a phone as a person
does: one box ticked, optional fields left empty, the button pressed. Every page visited is checked with axe."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible

# A person reads "（选答）" / "（选填）" / "（可选）" as "I may skip this".
OPTIONAL = re.compile(r"选答|选填|可选")


def answer_like_a_person(page) -> int:
    """Answer every visible question not marked optional with its first choice (or a short text); returns how
    many were answered. Questions appear as earlier answers make them relevant, so look again after each."""
    answered = 0
    questions = page.locator("fieldset.question")
    for index in range(questions.count()):
        question = questions.nth(index)
        if not question.is_visible() or OPTIONAL.search(question.locator("legend").inner_text()):
            continue
        choice = question.locator("input[type=radio], input[type=checkbox]")
        if choice.count():
            choice.first.check()
        else:
            question.locator("textarea, input[type=text], input[type=number]").first.fill("5")
        answered += 1
    return answered


def assert_sent(page) -> None:
    """After pressing send: no error summary came back (name what it says if one did)."""
    page.wait_for_load_state("networkidle")
    summary = page.locator(".error-summary")
    assert summary.count() == 0, summary.first.inner_text()


def test_resident_answers_the_open_survey(demo_phone):
    page = demo_phone.new_page()
    page.goto("/surveys/")
    assert_accessible(page)
    page.locator("main h3 a").first.click()  # the open survey's title leads to its questionnaire
    expect(page.locator("#survey-form")).to_be_visible()
    assert_accessible(page)
    page.check("#consent")
    while True:
        assert answer_like_a_person(page) > 0
        next_step = page.get_by_role("button", name="下一步")
        if not next_step.count():
            break
        next_step.click()
    page.get_by_role("button", name="提交我的回答").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("感谢")
    assert_accessible(page)


def test_resident_requests_information_with_only_the_required_fields(demo_phone):
    page = demo_phone.new_page()
    page.goto("/")
    page.get_by_role("link", name="申请政府信息公开").first.click()
    expect(page).to_have_url(re.compile(r"/disclosure-requests/new"))
    assert_accessible(page)
    page.fill("#name", "王五")
    page.fill("#id_number", "420102199001011234")
    page.fill("#phone", "13900000000")
    page.fill("#address", "云溪区和平大道1号")
    # The answer comes by post unless the applicant picks e-mail, so the optional e-mail is left empty.
    expect(page.locator("label[for=email]")).to_contain_text("选填")
    page.select_option("#bureau_id", label="市生态环境局")
    page.fill("#description", "请公开2025年度本市饮用水水源地水质监测数据。")
    page.check("#consent")
    page.get_by_role("button", name="提交申请").click()
    assert_sent(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("申请已收到")
    expect(page.locator("#tracking-code")).to_have_text(re.compile(r"\S{8,}"))
    assert_accessible(page)


def test_resident_follows_a_demo_tip_by_its_tracking_code(demo_phone, demo_credentials):
    page = demo_phone.new_page()
    page.goto("/tips/track")
    assert_accessible(page)
    page.fill("#code", demo_credentials["tip-1"])
    page.get_by_role("button", name="查询进展").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("您的举报")
    # The first demo tip: factory smoke, investigated and concluded with the bureau's reply.
    expect(page.locator("main")).to_contain_text("工厂排放烟尘")
    expect(page.locator("main")).to_contain_text("已办结")
    assert_accessible(page)


def test_resident_reports_pollution_ticking_one_kind_and_leaving_the_optional_fields_empty(demo_phone):
    page = demo_phone.new_page()
    page.goto("/")
    page.get_by_role("link", name="举报污染").first.click()
    expect(page).to_have_url(re.compile(r"/tips/new"))
    assert_accessible(page)
    page.fill("#description", "小区旁边的工地每天晚上十点以后还在施工，噪声很大。")
    page.locator("input[name=categories]").first.check()
    page.select_option("#district", index=1)
    page.fill("#address", "云溪区和平大道88号工地")
    page.check("#consent")
    page.get_by_role("button", name="提交举报").click()
    assert_sent(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("举报已收到")
    expect(page.locator("#tracking-code")).to_have_text(re.compile(r"\S{8,}"))
    assert_accessible(page)


def test_demo_tip_handler_signs_in_and_opens_the_queue(demo_phone, demo_credentials):
    page = demo_phone.new_page()
    page.goto("/login")
    assert_accessible(page)
    page.fill("#username", "handler")
    page.fill("#password", demo_credentials["handler"])
    page.click("main button[type=submit]")
    page.wait_for_url("**/admin/")
    assert_accessible(page)
    page.goto("/admin/tips/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # The demo assigns the factory-smoke and the outfall tips to the environment bureau, the handler's own.
    expect(page.locator("main")).to_contain_text("偷排污水")
    assert_accessible(page)


def test_resident_reads_the_failing_precondition_before_the_indicators(demo_phone):
    """The demo city has one precondition not met (松岭县, inspection problems past their deadline): the gap report
    says it first, and the indicator-by-indicator view lists the districts failing each indicator."""
    page = demo_phone.new_page()
    page.goto("/indicators/report")
    alert = page.locator("main .callout-alert").first
    expect(alert).to_contain_text("松岭县")
    expect(alert).to_contain_text("督察")
    assert_accessible(page)
    page.get_by_role("link", name="逐项查看各区县未达标指标").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("各区县未达标指标对照")
    expect(page.locator("main .across").first).to_contain_text("本地适用的目标值")
    page.wait_for_load_state("load")  # measured once the stylesheet has arrived
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)


def test_office_records_a_precondition_finding(demo_phone, demo_credentials):
    page = demo_phone.new_page()
    page.goto("/login")
    page.fill("#username", "admin")
    page.fill("#password", demo_credentials["admin"])
    page.click("main button[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto("/admin/indicators/preconditions?place=qingshan")
    assert_accessible(page)
    condition = page.locator("ol.checklist > li").first
    expect(condition).to_contain_text("待核实")
    condition.locator("select").select_option("met")
    condition.locator("textarea").fill("县人大常委会已审议通过规划修编稿（演示）。")
    condition.locator("button[type=submit]").click()
    assert_sent(page)
    expect(page.locator("ol.checklist > li").first).to_contain_text("县人大常委会已审议通过规划修编稿")
    assert_accessible(page)
