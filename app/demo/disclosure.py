"""Demo disclosure requests in different states: received, registered, asked to complete (with the period the
staff set, art. 30), paused while a third party is consulted (arts. 32–33), extended with the disclosure office
head's approval (art. 33), answered, redirected."""
from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.db_types import utcnow
from app.disclosure import services
from app.disclosure.models import DisclosureRequest
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
        data = services.Application(applicant_type="citizen", name=f"示例申请人{number}", id_type="resident_id",
                                    id_number=f"42010219900101{number:04d}", phone=f"1390000{number:04d}",
                                    address=f"示例路{number}号", email=f"applicant{number}@example.cn",
                                    bureau_id=bureau.id, description=text, delivery_form="electronic",
                                    delivery_method="email")
        request, _code = services.submit_request(session, data, rules, secret, now=now - timedelta(days=days_ago))
        for step in steps:
            days = {Step.EXTEND: 10, Step.REQUEST_COMPLETION: 10}.get(step)
            services.take_step(session, head if step == Step.EXTEND else admin, request, step, rules, days=days,
                               note=NOTES.get(step, ""), reply=reply,
                               consult_kind=ConsultationKind.THIRD_PARTY.value if step == Step.CONSULT else "",
                               party="云溪化工有限公司（可能涉及商业秘密，第十五条、第三十二条）",
                               now=now - timedelta(days=max(days_ago - 3, 0)))
        created["disclosure_requests"] += 1
    return created
