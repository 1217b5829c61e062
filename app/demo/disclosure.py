"""Demo disclosure requests: this year's in different states (received, registered, asked to complete with the
period the staff set (art. 30), paused while a third party is consulted (arts. 32–33), extended with the disclosure
office head's approval (art. 33), answered, redirected), and last year's ending in each kind of result of the yearly
report's template, from citizens and from organisations of several kinds, with the administrative reviews and
lawsuits brought against them."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from app.accounts.models import User
from app.db_types import utcnow
from app.disclosure import appeals, services
from app.disclosure.models import DisclosureRequest
from app.disclosure.report_template import AppealKind, AppealResult
from app.disclosure.workflow import ConsultationKind, ReplyType, Step
from app.org.models import Bureau

# (description, days ago, steps, reply)
SAMPLES = [
    ("请公开2025年度本市重点排污单位名录。", 2, [], None),
    ("请公开城西污水处理厂2025年第三季度出水水质监测数据。", 9, [Step.REGISTER], None),
    ("请公开化工园区规划环境影响报告书及审查意见（文号如有）。", 24, [Step.REGISTER, Step.EXTEND], None),
    ("请公开2024年度本市环境空气质量年报。", 30, [Step.REGISTER, Step.ANSWER],
     services.Reply(ReplyType.DISCLOSED, "经查，所申请信息已整理，见电子邮件附件。")),
    ("我要举报小区旁边的饭店油烟污染和噪声扰民。", 5, [Step.REDIRECT], None),
    ("请公开云溪化工有限公司2025年排污许可执行报告中的自行监测数据。", 12, [Step.REGISTER, Step.CONSULT], None),
    ("请公开关于那条河的资料。", 3, [Step.REGISTER, Step.REQUEST_COMPLETION], None),
]
NOTES = {
    Step.EXTEND: "报告书涉及多个部门，需会商后答复",
    Step.REQUEST_COMPLETION: "请写明河流名称、所需信息的类型和年份。",
}

# Last year's requests: (description, organisation kind or None for a citizen, received (month, day), ending,
# ended (month, day) — in the next year when the month is above 12 — and the reply).
LAST_YEAR = [
    ("请公开本市饮用水水源地水质监测月报。", None, (3, 10), "answer", (3, 20),
     services.Reply(ReplyType.DISCLOSED, "所申请信息见附件。")),
    ("请公开工业园区企业排污许可证执行报告。", "commercial", (4, 7), "answer", (4, 28),
     services.Reply(ReplyType.DISCLOSED, "部分公开，涉及商业秘密的内容已删除。", partial=True,
                    legal_ground="《政府信息公开条例》第十五条、第三十七条")),
    ("请公开某企业环境违法举报人的联系方式。", None, (5, 12), "answer", (5, 30),
     services.Reply(ReplyType.NOT_DISCLOSED, "涉及个人隐私，不予公开。", legal_ground="《政府信息公开条例》第十五条",
                    outcome="withheld_third_party")),
    ("请公开2010年以前全部建设项目环评批复原件。", "legal_service", (6, 2), "answer", (6, 10),
     services.Reply(ReplyType.NOT_EXIST, "经检索，本机关未保存该信息。")),
    ("请公开全市机动车保有量统计。", None, (7, 1), "answer", (7, 5),
     services.Reply(ReplyType.NOT_THIS_AGENCY, "该信息不属于本机关负责公开。",
                    competent_body="云溪市公安局交通管理支队")),
    ("请再次公开本市重点排污单位名录。", "public_interest", (8, 3), "answer", (8, 5),
     services.Reply(ReplyType.DUPLICATE, "本机关已就相同内容作出答复，不再重复处理。")),
    ("请公开河道整治工程验收资料。", None, (9, 1), "withdraw", (9, 3), None),
    ("举报某工地夜间施工噪声扰民。", None, (10, 9), "redirect", (10, 10), None),
    ("请公开有关文件。", None, (11, 2), "abandon", (11, 20), None),
    ("请公开土壤污染状况详查成果。", "research", (12, 22), "answer", (13, 8),
     services.Reply(ReplyType.ALREADY_PUBLIC, "该信息已在本局网站“土壤环境”栏目主动公开。")),
]

# Reviews and lawsuits: (index in LAST_YEAR, kind, filed (month, day), result, decided (month, day) or None).
LAST_YEAR_APPEALS = [
    (2, AppealKind.REVIEW, (6, 20), AppealResult.UPHELD, (8, 15)),
    (2, AppealKind.LAWSUIT_AFTER_REVIEW, (9, 1), AppealResult.PENDING, None),
    (4, AppealKind.LAWSUIT_DIRECT, (8, 1), AppealResult.OTHER, (11, 11)),
    (5, AppealKind.REVIEW, (9, 10), AppealResult.CORRECTED, (10, 30)),
]


def _on(year: int, month_day: tuple[int, int]) -> datetime:
    """10:00 in the city on that day; months above 12 run on into the next year."""
    month, day = month_day
    return datetime(year + (month - 1) // 12, (month - 1) % 12 + 1, day, 2, 0, tzinfo=timezone.utc)


def _application(number: int, bureau: Bureau, text: str, kind: str | None = None) -> services.Application:
    if kind:
        return services.Application(applicant_type="organisation", name=f"示例组织{number}",
                                    phone=f"0270000{number:04d}", address=f"示例大道{number}号", bureau_id=bureau.id,
                                    description=text, delivery_form="paper", delivery_method="post",
                                    credit_code=f"91420100MA{number:07d}X", legal_representative=f"示例代表{number}",
                                    organisation_kind=kind)
    return services.Application(applicant_type="citizen", name=f"示例申请人{number}", id_type="resident_id",
                                id_number=f"42010219900101{number:04d}", phone=f"1390000{number:04d}",
                                address=f"示例路{number}号", email=f"applicant{number}@example.cn",
                                bureau_id=bureau.id, description=text, delivery_form="electronic",
                                delivery_method="email")


def _last_year(session, admin, bureau: Bureau, rules: services.Rules, secret: str, year: int) -> int:
    """Last year's requests, each ending in another row of the template, and the cases against them."""
    made = []
    for number, (text, kind, received, ending, ended, reply) in enumerate(LAST_YEAR, start=len(SAMPLES) + 1):
        request, _code = services.submit_request(session, _application(number, bureau, text, kind), rules, secret,
                                                 now=_on(year, received))
        end = _on(year, ended)
        if end > utcnow():  # seeded early in January: the request is still being handled
            services.take_step(session, admin, request, Step.REGISTER, rules, now=_on(year, received))
        elif ending == "withdraw":
            services.withdraw(session, request, rules, now=end)
        elif ending == "redirect":
            services.take_step(session, admin, request, Step.REDIRECT, rules, now=end)
        elif ending == "abandon":
            services.take_step(session, admin, request, Step.REGISTER, rules, now=_on(year, received))
            services.take_step(session, admin, request, Step.REQUEST_COMPLETION, rules, now=_on(year, received),
                               note="请写明所需文件的名称、文号或其他特征描述。", days=10)
            services.take_step(session, admin, request, Step.ABANDON, rules, now=end)
        else:
            services.take_step(session, admin, request, Step.REGISTER, rules, now=_on(year, received))
            services.take_step(session, admin, request, Step.ANSWER, rules, reply=reply, now=end)
        made.append(request)
    for index, kind, filed, result, decided in LAST_YEAR_APPEALS:
        appeals.record_appeal(session, admin, made[index], appeals.AppealInput(
            kind, _on(year, filed).date(), reference=f"示例案号{index}", result=result,
            decided_on=_on(year, decided).date() if decided else None), today=rules.local_date(utcnow()))
    return len(made)


def load(session, admin, rules: services.Rules, secret: str) -> dict:
    """Create the demo requests once (nothing when any request exists), addressed to the environment bureau."""
    created = {"disclosure_requests": 0}
    if session.scalar(select(DisclosureRequest.id).limit(1)) is not None:
        return created
    bureau = session.scalar(select(Bureau).where(Bureau.code == "eeb")) or session.scalar(select(Bureau).limit(1))
    if bureau is None or admin is None:
        return created
    # Extensions are the disclosure office head's to approve (art. 33).
    head = session.scalar(select(User).where(User.username == "head")) or admin
    now = utcnow()
    for number, (text, days_ago, steps, reply) in enumerate(SAMPLES, start=1):
        request, _code = services.submit_request(session, _application(number, bureau, text), rules, secret,
                                                 now=now - timedelta(days=days_ago))
        for step in steps:
            days = {Step.EXTEND: 10, Step.REQUEST_COMPLETION: 10}.get(step)
            services.take_step(session, head if step == Step.EXTEND else admin, request, step, rules, days=days,
                               note=NOTES.get(step, ""), reply=reply,
                               consult_kind=ConsultationKind.THIRD_PARTY if step == Step.CONSULT else "",
                               party="云溪化工有限公司（可能涉及商业秘密，第十五条、第三十二条）",
                               now=now - timedelta(days=max(days_ago - 3, 0)))
        created["disclosure_requests"] += 1
    created["disclosure_requests"] += _last_year(session, admin, bureau, rules, secret,
                                                 rules.local_date(now).year - 1)
    return created

