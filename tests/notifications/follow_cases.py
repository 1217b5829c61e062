"""The four public forms that open a case a resident may follow, for the follow tests: where each is, what a valid
post of it holds (every optional field empty), and the record it creates."""
import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from app.db_types import utcnow
from app.disclosure.models import DisclosureRequest
from app.notifications.models import Follow, Subject
from app.participation.models import Registration, Suggestion
from app.tips.models import Tip, TipCategory
from tests import factories
from tests.participation.activity_fixtures import activity
from tests.participation.consultations_fixtures import consultation

SIGN_UP_PHONE = "13912345678"


@dataclass
class Case:
    subject: Subject
    url: str
    data: dict
    model: type

    def count(self, session) -> int:
        session.expire_all()
        return session.scalar(select(func.count()).select_from(self.model))

    def created(self, session):
        return session.scalars(select(self.model).order_by(self.model.id.desc())).first()


def tip_case(session, staff) -> Case:
    district = factories.place(session, code="wuchang", name_zh_hans="武昌区", name_en="Wuchang District")
    air = TipCategory(code="air", name_zh_hans="大气污染", name_en="Air pollution",
                      bureau_id=staff["bureaus"]["home"].id)
    session.add(air)
    session.commit()
    return Case(Subject.TIP, "/tips/new", {
        "categories": [str(air.id)], "description": "化工厂夜间排放黄色烟雾，气味刺鼻", "district": str(district.id),
        "address": "和平大道100号", "identity": "anonymous", "consent": "y"}, Tip)


def disclosure_case(session, staff) -> Case:
    return Case(Subject.DISCLOSURE, "/disclosure-requests/new", {
        "applicant_type": "citizen", "name": "李四", "id_type": "resident_id", "id_number": "420102199001011234",
        "phone": "13900000000", "address": "和平大道1号", "bureau_id": str(staff["bureaus"]["home"].id),
        "description": "请公开2025年度环评批复文件清单", "delivery_form": "paper", "delivery_method": "post",
        "consent": "y"}, DisclosureRequest)


def sign_up_case(session, staff) -> Case:
    now = utcnow()
    row = activity(session, staff["bureaus"]["home"], starts_at=now + timedelta(days=4),
                   signup_opens_at=now - timedelta(days=1), signup_closes_at=now + timedelta(days=3))
    session.commit()
    return Case(Subject.REGISTRATION, f"/participation/activities/{row.id}",
                {"name": "王小明", "phone": SIGN_UP_PHONE}, Registration)


def suggestion_case(session, staff) -> Case:
    row = consultation(session, staff["admin"], staff["bureaus"]["home"])
    session.commit()
    return Case(Subject.SUGGESTION, f"/participation/consultations/{row.id}/suggest",
                {"title": "增加湿地", "body": "建议增加湿地。", "place_id": "0"}, Suggestion)


CASES = {"tip": tip_case, "disclosure": disclosure_case, "sign_up": sign_up_case, "suggestion": suggestion_case}


def post(client, case: Case, **changes):
    """Post the form as a browser would after opening it (its CSRF and one-time tokens), with `changes`."""
    html = client.get(case.url).get_data(as_text=True)
    data = {**case.data, "csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)}
    submission = re.search(r'name="submission" value="([^"]+)"', html)
    if submission:
        data["submission"] = submission.group(1)
    data.update(changes)
    return client.post(case.url, data={k: v for k, v in data.items() if v is not None},
                       content_type="multipart/form-data")


def follows(session) -> list[Follow]:
    session.expire_all()
    return list(session.scalars(select(Follow).order_by(Follow.id)))
