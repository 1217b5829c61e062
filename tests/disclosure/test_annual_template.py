"""The yearly report follows the official template of 国办公开办函〔2021〕30号 (政府信息公开工作年度报告格式): the
applicant columns, the fixed result rows with their reasons, 结转下年度, and the table of administrative reviews
and lawsuits; the balance rules hold; the reasons and cases are recorded as data by staff."""
import io
from datetime import date, datetime, timezone

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.disclosure import appeals, report_template as template, services
from app.disclosure.annual_report import application_table
from app.disclosure.models import DisclosureAppeal, DisclosureRequest
from app.disclosure.report_template import AppealKind, AppealResult, Outcome
from app.disclosure.services import DisclosureError, Reply, Rules
from app.disclosure.workflow import ReplyType, RequestState, Step

# Table 三 of the template, copied from 淮安市人民政府2024年政府信息公开工作年度报告 (a 2021-format report), with
# its "1、2、3、" under （六） written "1." like every other sub-row.
TABLE3_LABELS = [
    ("一、本年新收政府信息公开申请数量", "", ""),
    ("二、上年结转政府信息公开申请数量", "", ""),
    ("三、本年度办理结果", "（一）予以公开", ""),
    ("三、本年度办理结果", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ""),
    ("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"),
    ("三、本年度办理结果", "（三）不予公开", "2.其他法律行政法规禁止公开"),
    ("三、本年度办理结果", "（三）不予公开", "3.危及“三安全一稳定”"),
    ("三、本年度办理结果", "（三）不予公开", "4.保护第三方合法权益"),
    ("三、本年度办理结果", "（三）不予公开", "5.属于三类内部事务信息"),
    ("三、本年度办理结果", "（三）不予公开", "6.属于四类过程性信息"),
    ("三、本年度办理结果", "（三）不予公开", "7.属于行政执法案卷"),
    ("三、本年度办理结果", "（三）不予公开", "8.属于行政查询事项"),
    ("三、本年度办理结果", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("三、本年度办理结果", "（四）无法提供", "2.没有现成信息需要另行制作"),
    ("三、本年度办理结果", "（四）无法提供", "3.补正后申请内容仍不明确"),
    ("三、本年度办理结果", "（五）不予处理", "1.信访举报投诉类申请"),
    ("三、本年度办理结果", "（五）不予处理", "2.重复申请"),
    ("三、本年度办理结果", "（五）不予处理", "3.要求提供公开出版物"),
    ("三、本年度办理结果", "（五）不予处理", "4.无正当理由大量反复申请"),
    ("三、本年度办理结果", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
    ("三、本年度办理结果", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("三、本年度办理结果", "（六）其他处理",
     "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("三、本年度办理结果", "（六）其他处理", "3.其他"),
    ("三、本年度办理结果", "（七）总计", ""),
    ("四、结转下年度继续办理", "", ""),
]
TABLE3_COLUMNS = ["申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
                  "其他", "总计"]
BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
TABLE4_HEADERS = ["行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉"]
TABLE4_RESULTS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]

# The numbers of that report's tables 三 and 四 (published 2025-02-25).
HUAIAN_TABLE3 = [
    [3001, 53, 0, 0, 61, 4, 3119], [34, 0, 0, 0, 0, 0, 34], [1288, 21, 0, 0, 50, 3, 1362],
    [447, 7, 0, 0, 0, 0, 454], [2, 0, 0, 0, 0, 0, 2], [30, 1, 0, 0, 0, 0, 31], [5, 0, 0, 0, 0, 0, 5],
    [6, 0, 0, 0, 0, 0, 6], [7, 1, 0, 0, 0, 0, 8], [12, 0, 0, 0, 0, 0, 12], [9, 0, 0, 0, 0, 0, 9],
    [105, 0, 0, 0, 0, 0, 105], [746, 12, 0, 0, 10, 1, 769], [11, 0, 0, 0, 0, 0, 11], [1, 0, 0, 0, 0, 0, 1],
    [56, 6, 0, 0, 0, 0, 62], [25, 0, 0, 0, 0, 0, 25], [0] * 7, [0] * 7, [1, 0, 0, 0, 0, 0, 1],
    [67, 3, 0, 0, 1, 0, 71], [6, 0, 0, 0, 0, 0, 6], [108, 2, 0, 0, 0, 0, 110], [2932, 53, 0, 0, 61, 4, 3050],
    [103, 0, 0, 0, 0, 0, 103],
]
HUAIAN_TABLE4 = [72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20]


def at(year, month, day) -> datetime:
    return datetime(year, month, day, 2, 0, tzinfo=timezone.utc)  # 10:00 in the city


def huaian_cells():
    keys = [key for *_labels, key in template.table3_rows()]
    cells = {key: dict(zip(template.COLUMNS, numbers)) for key, numbers in zip(keys, HUAIAN_TABLE3, strict=True)}
    results = [*AppealResult, template.TOTAL_COLUMN]
    appeal_cells = {kind: dict(zip(results, HUAIAN_TABLE4[5 * i:5 * i + 5])) for i, kind in enumerate(AppealKind)}
    return cells, appeal_cells


def test_table3_has_the_templates_rows_in_order(app):
    """国办公开办函〔2021〕30号, table 三: 25 number rows in three label levels, in this order and these words."""
    with app.app_context(), force_locale("zh_Hans"):
        rows = [tuple(str(label) for label in row[:3]) for row in template.table3_rows()]
        assert rows == TABLE3_LABELS
        labels = {key: str(value) for key, value in template.labels().items()}
        kinds = [str(kind.title) for kind in template.OrganisationKind]
        appeal_columns = [str(title) for title in template.appeal_columns()]
    assert [labels["applicants"], labels["citizen"], labels["organisations"], *kinds, labels["total"]] == TABLE3_COLUMNS
    assert labels["balance_note"] == BALANCE_NOTE
    assert [labels[k] for k in ("review", "litigation", "lawsuit_direct", "lawsuit_after_review")] == TABLE4_HEADERS
    assert appeal_columns == TABLE4_RESULTS


def test_the_balance_rules_hold_for_a_real_report_and_catch_a_wrong_figure():
    """国办公开办函〔2021〕30号: 第一项加第二项之和，等于第三项加第四项之和; （七）总计 is the sum of the result rows;
    总计 the sum of the applicant columns; in table 四 each 总计 the sum of its four results (all hold in
    淮安市人民政府2024年报)."""
    cells, appeal_cells = huaian_cells()
    assert template.balance_problems(cells, appeal_cells) == []
    cells[Outcome.DISCLOSED]["citizen"] += 1
    cells[template.ROW_CARRIED_OUT]["research"] += 1
    appeal_cells[AppealKind.REVIEW][AppealResult.PENDING] += 1
    problems = template.balance_problems(cells, appeal_cells)
    assert "research: new + carried in != total + carried out" in problems
    assert "citizen: total != sum of results" in problems
    assert "disclosed: total column != sum of applicant columns" in problems
    assert "review: total != sum of results" in problems


@pytest.mark.parametrize("reply_type, partial, chosen, expected", [
    (ReplyType.DISCLOSED, False, "", Outcome.DISCLOSED),
    (ReplyType.DISCLOSED, True, "", Outcome.PARTLY_DISCLOSED),  # 区分处理的，只计这一情形
    (ReplyType.DISCLOSED, True, "disclosed", Outcome.PARTLY_DISCLOSED),
    (ReplyType.DISCLOSED, False, "partly_disclosed", Outcome.DISCLOSED),
    (ReplyType.DISCLOSED, False, "withheld_query", None),
    (ReplyType.ALREADY_PUBLIC, False, "", Outcome.DISCLOSED),
    (ReplyType.ALREADY_PUBLIC, False, "not_handled_publication", Outcome.NOT_HANDLED_PUBLICATION),
    (ReplyType.NOT_DISCLOSED, False, "", None),
    (ReplyType.NOT_DISCLOSED, False, "withheld_process", Outcome.WITHHELD_PROCESS),
    (ReplyType.NOT_DISCLOSED, False, "unavailable_not_held", None),
    (ReplyType.NOT_EXIST, False, "", Outcome.UNAVAILABLE_NOT_HELD),
    (ReplyType.NOT_EXIST, False, "unavailable_needs_making", Outcome.UNAVAILABLE_NEEDS_MAKING),
    (ReplyType.NOT_THIS_AGENCY, False, "", Outcome.UNAVAILABLE_NOT_HELD),
    (ReplyType.NOT_THIS_AGENCY, False, "withheld_query", None),
    (ReplyType.DUPLICATE, False, "", Outcome.NOT_HANDLED_REPEATED),
    (ReplyType.DUPLICATE, False, "not_handled_confirm", Outcome.NOT_HANDLED_CONFIRM),
    (ReplyType.SPECIAL_REGIME, False, "", Outcome.OTHER),
    (ReplyType.SPECIAL_REGIME, False, "nonsense", None),
])
def test_each_reply_type_counts_in_the_rows_that_fit_it(reply_type, partial, chosen, expected):
    """国办公开办函〔2021〕30号 table 三 rows against 政府信息公开条例 art. 36 reply types: a refusal (art. 36 (三))
    must name one of the eight 不予公开 reasons; other replies have their usual row."""
    assert template.reply_outcome(reply_type, partial=partial, chosen=chosen) == expected


def test_every_outcome_belongs_to_one_group_in_the_template_order():
    flat = [outcome for members in template.OUTCOME_GROUPS.values() for outcome in members]
    assert flat == list(Outcome) and Outcome.WITHHELD_QUERY.group == template.OutcomeGroup.WITHHELD


def _answered(session, admin, apply, received, answered, reply, **values):
    created, _ = apply(now=received, **values)
    services.take_step(session, admin, created, Step.REGISTER, Rules(), now=received)
    services.take_step(session, admin, created, Step.ANSWER, Rules(), now=answered, reply=reply)
    return created


@pytest.fixture
def year_of_requests(session, apply, staff):
    """2026 in the city: requests from citizens and organisations of three kinds ending in several rows; one
    carried in from 2025, one carried on to 2027; two cases against a refusal."""
    admin = staff["admin"]
    _answered(session, admin, apply, at(2025, 12, 22), at(2026, 1, 5), Reply(ReplyType.DISCLOSED, "见附件"))
    _answered(session, admin, apply, at(2026, 3, 2), at(2026, 3, 4),
              Reply(ReplyType.DISCLOSED, "部分公开", partial=True, legal_ground="第十五条"),
              applicant_type="organisation", organisation_kind="commercial")
    refused = _answered(session, admin, apply, at(2026, 5, 4), at(2026, 6, 3),
                        Reply(ReplyType.NOT_DISCLOSED, "不予公开", legal_ground="第十四条",
                              outcome="withheld_security"),
                        applicant_type="organisation", organisation_kind="legal_service")
    _answered(session, admin, apply, at(2026, 7, 1), at(2026, 7, 3), Reply(ReplyType.DUPLICATE, "已答复"),
              applicant_type="organisation", organisation_kind="research")
    withdrawn, _ = apply(now=at(2026, 6, 1))
    services.withdraw(session, withdrawn, Rules(), now=at(2026, 6, 2))
    redirected, _ = apply(now=at(2026, 6, 1), description="举报偷排")
    services.take_step(session, admin, redirected, Step.REDIRECT, Rules(), now=at(2026, 6, 2))
    abandoned, _ = apply(now=at(2026, 9, 1))
    services.take_step(session, admin, abandoned, Step.REGISTER, Rules(), now=at(2026, 9, 1))
    services.take_step(session, admin, abandoned, Step.REQUEST_COMPLETION, Rules(), note="请写明文件名称",
                       days=10, now=at(2026, 9, 2))
    services.take_step(session, admin, abandoned, Step.ABANDON, Rules(), now=at(2026, 9, 30))
    apply(now=at(2026, 12, 28))
    apply(now=at(2027, 1, 5))
    appeals.record_appeal(session, admin, refused, appeals.AppealInput(
        AppealKind.REVIEW, date(2026, 6, 20), result=AppealResult.CORRECTED, decided_on=date(2026, 8, 1)),
        today=date(2027, 2, 1))
    appeals.record_appeal(session, admin, refused, appeals.AppealInput(
        AppealKind.LAWSUIT_AFTER_REVIEW, date(2026, 9, 1), result=AppealResult.UPHELD, decided_on=date(2027, 1, 20)),
        today=date(2027, 2, 1))
    session.commit()


def test_the_year_is_counted_into_the_templates_cells(session, year_of_requests):
    """国办公开办函〔2021〕30号 table 三 by applicant kind and result row, and table 四: a lawsuit decided only
    after the year's end counts as 尚未审结 in the year it was filed."""
    table = application_table(session, 2026)
    assert table.row(template.ROW_NEW) == [4, 1, 1, 0, 1, 0, 7]  # citizen, commercial, research, public, legal, other
    assert table.row(template.ROW_CARRIED_IN) == [1, 0, 0, 0, 0, 0, 1]
    assert table.row(Outcome.DISCLOSED) == [1, 0, 0, 0, 0, 0, 1]
    assert table.row(Outcome.PARTLY_DISCLOSED) == [0, 1, 0, 0, 0, 0, 1]
    assert table.row(Outcome.WITHHELD_SECURITY) == [0, 0, 0, 0, 1, 0, 1]
    assert table.row(Outcome.NOT_HANDLED_REPEATED) == [0, 0, 1, 0, 0, 0, 1]
    assert table.row(Outcome.NOT_HANDLED_COMPLAINT) == [1, 0, 0, 0, 0, 0, 1]
    assert table.row(Outcome.OTHER_NOT_COMPLETED) == [1, 0, 0, 0, 0, 0, 1]
    assert table.row(Outcome.OTHER) == [1, 0, 0, 0, 0, 0, 1]  # the withdrawal
    assert table.row(template.ROW_TOTAL) == [4, 1, 1, 0, 1, 0, 7]
    assert table.row(template.ROW_CARRIED_OUT) == [1, 0, 0, 0, 0, 0, 1]
    assert table.appeal_row() == [0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]
    assert table.problems == [] and table.unclassified == 0


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_every_year_balances(session, year_of_requests, year):
    """国办公开办函〔2021〕30号: 第一项加第二项之和，等于第三项加第四项之和, in every column of every year."""
    table = application_table(session, year)
    assert table.problems == []
    new, carried_in = table.row(template.ROW_NEW), table.row(template.ROW_CARRIED_IN)
    total, carried_out = table.row(template.ROW_TOTAL), table.row(template.ROW_CARRIED_OUT)
    assert [a + b for a, b in zip(new, carried_in)] == [a + b for a, b in zip(total, carried_out)]


def test_an_answer_from_before_reasons_were_recorded_is_counted_and_said(session, apply, staff):
    """A refusal stored without its reason (before this version) still counts once, under （六）3 其他, and is
    reported as such, so the balance of 国办公开办函〔2021〕30号 table 三 holds."""
    created = _answered(session, staff["admin"], apply, at(2026, 3, 2), at(2026, 3, 4),
                        Reply(ReplyType.NOT_DISCLOSED, "不予公开", legal_ground="第十四条", outcome="withheld_query"))
    created.outcome = None
    session.commit()
    table = application_table(session, 2026)
    assert table.row(Outcome.OTHER)[-1] == 1 and table.unclassified == 1 and table.problems == []


def test_a_refusal_without_its_reason_is_refused_and_nothing_saved(session, apply, staff):
    """国办公开办函〔2021〕30号 table 三 （三）不予公开 counts each refusal under one of eight reasons."""
    created, _ = apply()
    services.take_step(session, staff["admin"], created, Step.REGISTER, Rules())
    for outcome in ("", "disclosed"):
        with pytest.raises(DisclosureError) as refused:
            services.take_step(session, staff["admin"], created, Step.ANSWER, Rules(),
                               reply=Reply(ReplyType.NOT_DISCLOSED, "不予公开", legal_ground="第十四条",
                                           outcome=outcome))
        assert refused.value.field == "outcome"
        assert created.state == RequestState.REGISTERED and created.reply_type is None and created.outcome is None
    services.take_step(session, staff["admin"], created, Step.ANSWER, Rules(),
                       reply=Reply(ReplyType.NOT_DISCLOSED, "不予公开", legal_ground="第十四条",
                                   outcome="withheld_internal"))
    assert created.outcome == "withheld_internal"


def test_the_answer_form_asks_for_the_reason_and_keeps_the_input(client, auth, csrf, session, apply, staff):
    created, _ = apply()
    services.take_step(session, staff["admin"], created, Step.REGISTER, Rules())
    session.commit()
    auth.login("editor")
    url = f"/admin/disclosure-requests/{created.id}"
    page = client.get(url + "?lang=zh_Hans").get_data(as_text=True)
    assert '<optgroup label="（三）不予公开">' in page and "8.属于行政查询事项" in page
    data = {"csrf_token": csrf.token(client, url), "reply_type": "not_disclosed", "reply_text": "不予公开",
            "legal_ground": "第十四条"}
    response = client.post(url + "/step/answer?lang=en", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Choose the reason this answer counts under in the yearly report." in html
    response = client.post(url + "/step/answer?lang=en", data=data | {"outcome": "not_handled_repeated"})
    assert response.status_code == 422
    assert "This row of the yearly report does not fit the reply type." in response.get_data(as_text=True)
    response = client.post(url + "/step/answer", data=data | {"outcome": "withheld_third_party"})
    assert response.status_code == 303
    session.expire_all()
    assert session.get(DisclosureRequest, created.id).outcome == "withheld_third_party"


def _form(staff, **changes):
    data = {"applicant_type": "organisation", "organisation_name": "绿色环保协会", "credit_code": "51420100MJ0000000X",
            "legal_representative": "王五", "phone": "13900000000", "address": "和平大道1号",
            "bureau_id": str(staff["bureaus"]["home"].id), "description": "请公开2025年度本市重点排污单位名录",
            "delivery_form": "paper", "delivery_method": "post", "consent": "y"}
    data.update(changes)
    return data


def test_an_organisation_must_say_its_kind(client, csrf, session, staff):
    """国办公开办函〔2021〕30号 table 三 counts 法人或其他组织 by kind:
    商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他."""
    data = _form(staff, csrf_token=csrf.token(client, "/disclosure-requests/new"))
    response = client.post("/disclosure-requests/new?lang=en", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Choose the kind of organisation." in html and "绿色环保协会" in html
    assert session.scalar(select(func.count(DisclosureRequest.id))) == 0
    page = client.get("/disclosure-requests/new?lang=zh_Hans").get_data(as_text=True)
    assert page.index("商业企业") < page.index("科研机构") < page.index("社会公益组织") < page.index("法律服务机构")
    response = client.post("/disclosure-requests/new", data=data | {"organisation_kind": "research"})
    assert response.status_code == 303
    assert session.scalars(select(DisclosureRequest)).one().organisation_kind == "research"


def test_a_citizen_is_not_asked_for_a_kind(session, apply):
    created, _ = apply(organisation_kind="research")
    assert created.organisation_kind is None


def test_staff_record_a_review_and_its_result(client, auth, csrf, session, apply, staff):
    """The records behind 国办公开办函〔2021〕30号 table 四: a case with its kind, filing date and result."""
    created = _answered(session, staff["admin"], apply, at(2026, 3, 2), at(2026, 3, 4),
                        Reply(ReplyType.NOT_DISCLOSED, "不予公开", legal_ground="第十四条", outcome="withheld_process"))
    session.commit()
    auth.login("editor")
    url = f"/admin/disclosure-requests/{created.id}"
    token = csrf.token(client, url)
    response = client.post(url + "/appeals", data={"csrf_token": token, "appeal-csrf_token": token,
                                                   "appeal-kind": "review", "appeal-filed_on": "2026-04-01",
                                                   "appeal-reference": "云复〔2026〕3号", "appeal-result": "pending"})
    assert response.status_code == 303, response.get_data(as_text=True)
    appeal = session.scalars(select(DisclosureAppeal)).one()
    assert (appeal.kind, appeal.filed_on, appeal.result, appeal.decided_on) == ("review", date(2026, 4, 1), "pending",
                                                                                 None)
    response = client.post(f"/admin/disclosure-requests/appeals/{appeal.id}",
                           data={"csrf_token": token, "result": "corrected", "decided_on": "2026-05-20"})
    assert response.status_code == 303
    session.expire_all()
    appeal = session.get(DisclosureAppeal, appeal.id)
    assert (appeal.result, appeal.decided_on) == ("corrected", date(2026, 5, 20))
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"disclosure.appeal_record", "disclosure.appeal_decide"} <= actions
    html = client.get(url + "?lang=zh_Hans").get_data(as_text=True)
    assert "行政复议" in html and "云复〔2026〕3号" in html and "结果纠正" in html


@pytest.mark.parametrize("changes, message", [
    ({"appeal-result": "upheld"}, "Give the date of the decision or judgment."),
    ({"appeal-decided_on": "2026-05-01"}, "A case not yet concluded has no decision date."),
    ({"appeal-result": "upheld", "appeal-decided_on": "2026-03-01"},
     "The decision date lies between the filing date and today."),
    ({"appeal-filed_on": "2026-01-01"}, "The filing date lies between the date the request was received and today."),
    ({"appeal-filed_on": ""}, "Give the date."),
    ({"appeal-kind": "appeal"}, "Not a valid choice"),
])
def test_a_wrong_case_is_refused_with_a_message_and_nothing_saved(client, auth, csrf, session, apply, staff,
                                                                  changes, message):
    created, _ = apply(now=at(2026, 3, 2))
    auth.login("editor")
    url = f"/admin/disclosure-requests/{created.id}"
    token = csrf.token(client, url)
    data = {"appeal-csrf_token": token, "appeal-kind": "review", "appeal-filed_on": "2026-04-01",
            "appeal-result": "pending"} | changes
    response = client.post(url + "/appeals?lang=en", data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert session.scalar(select(func.count(DisclosureAppeal.id))) == 0


def test_another_bureau_cannot_record_a_case(client, auth, csrf, session, apply, staff):
    created, _ = apply()
    appeal = appeals.record_appeal(session, staff["admin"], created, appeals.AppealInput(
        AppealKind.LAWSUIT_DIRECT, created.received_on), today=created.received_on)
    session.commit()
    auth.login("editor2")
    token = csrf.token(client, "/admin/disclosure-requests/")
    url = f"/admin/disclosure-requests/{created.id}/appeals"
    assert client.post(url, data={"appeal-csrf_token": token, "appeal-kind": "review"}).status_code == 403
    assert client.post(f"/admin/disclosure-requests/appeals/{appeal.id}",
                       data={"csrf_token": token, "result": "upheld"}).status_code == 403
    with pytest.raises(DisclosureError):
        appeals.decide_appeal(session, staff["other_editor"], appeal, AppealResult.UPHELD, created.received_on,
                              today=created.received_on)


def test_the_page_and_the_workbook_show_the_template(client, session, year_of_requests):
    """The report reproduces the labels of 国办公开办函〔2021〕30号 tables 三 and 四 in order, with the figures."""
    html = client.get("/disclosure/annual-report/2026?lang=zh_Hans").get_data(as_text=True)
    assert "三、收到和处理政府信息公开申请情况" in html and "四、政府信息公开行政复议、行政诉讼情况" in html
    positions = [html.index(level3 or level2 or level1) for level1, level2, level3 in TABLE3_LABELS]
    assert positions == sorted(positions)
    assert html.index(BALANCE_NOTE) < html.index("自然人") < html.index("商业企业") < html.index("法律服务机构")
    response = client.get("/disclosure/annual-report/2026.xlsx?lang=zh_Hans")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[1:] == ["三、依申请公开", "四、行政复议和行政诉讼"]
    rows = list(book.worksheets[1].iter_rows(values_only=True))
    assert rows[0][0] == BALANCE_NOTE and rows[0][3] == "申请人情况"
    assert [cell for cell in rows[1] + rows[2] if cell] == ["自然人", "法人或其他组织", "总计", "商业企业", "科研机构",
                                                           "社会公益组织", "法律服务机构", "其他"]
    assert [tuple(cell or "" for cell in row[:3]) for row in rows[3:]] == TABLE3_LABELS
    assert list(rows[3][3:]) == [4, 1, 1, 0, 1, 0, 7]
    appeal_rows = list(book.worksheets[2].iter_rows(values_only=True))
    assert [cell for cell in appeal_rows[0] + appeal_rows[1] if cell] == TABLE4_HEADERS
    assert list(appeal_rows[2]) == TABLE4_RESULTS * 3
    assert list(appeal_rows[3]) == [0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]


def test_the_demo_city_has_a_balanced_report_with_every_kind_of_result(session, demo_city):
    """flask seed-demo: last year's requests fill rows of every group of table 三 and every kind of table 四,
    and both demo years balance (国办公开办函〔2021〕30号)."""
    from app.i18n import local_today

    this_year = local_today().year
    last = application_table(session, this_year - 1)
    assert last.problems == [] and application_table(session, this_year).problems == []
    for group, members in template.OUTCOME_GROUPS.items():
        assert sum(last.row(outcome)[-1] for outcome in members) > 0 or group == template.OutcomeGroup.OTHER
    assert sum(last.row(template.ROW_NEW)[1:6]) >= 4  # organisations of several kinds
    assert all(last.appeals[kind][template.TOTAL_COLUMN] > 0 for kind in AppealKind)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_any_mix_of_requests_balances_in_every_year(session, apply, staff, seed):
    """国办公开办函〔2021〕30号 table 三: 第一项加第二项之和，等于第三项加第四项之和, （七）总计 = the result rows,
    总计 = the applicant columns — for requests received and ended at random over three years."""
    import random
    from datetime import timedelta

    rng = random.Random(seed)
    admin = staff["admin"]
    kinds = [None, "commercial", "research", "public_interest", "legal_service", "other"]
    endings = ["open", "withdraw", "redirect", "disclosed", "partly", "refused", "not_exist", "duplicate"]
    for _ in range(24):
        received = at(2025, 1, 6) + timedelta(days=rng.randrange(0, 1000))
        ended = received + timedelta(days=rng.randrange(1, 60))
        kind = rng.choice(kinds)
        values = {"applicant_type": "organisation", "organisation_kind": kind} if kind else {}
        created, _ = apply(now=received, **values)
        ending = rng.choice(endings)
        if ending == "withdraw":
            services.withdraw(session, created, Rules(), now=ended)
        elif ending == "redirect":
            services.take_step(session, admin, created, Step.REDIRECT, Rules(), now=ended)
        elif ending != "open":
            reply = {"disclosed": Reply(ReplyType.DISCLOSED, "见附件"),
                     "partly": Reply(ReplyType.DISCLOSED, "部分", partial=True, legal_ground="第十五条"),
                     "refused": Reply(ReplyType.NOT_DISCLOSED, "不予公开", legal_ground="第十四条",
                                      outcome=rng.choice(template.OUTCOME_GROUPS[template.OutcomeGroup.WITHHELD])),
                     "not_exist": Reply(ReplyType.NOT_EXIST, "不存在"),
                     "duplicate": Reply(ReplyType.DUPLICATE, "重复")}[ending]
            services.take_step(session, admin, created, Step.REGISTER, Rules(), now=received)
            services.take_step(session, admin, created, Step.ANSWER, Rules(), reply=reply, now=ended)
    session.commit()
    received_total = 0
    for year in range(2024, 2030):
        table = application_table(session, year)
        assert table.problems == [], year
        received_total += table.row(template.ROW_NEW)[-1]
    assert received_total == 24
