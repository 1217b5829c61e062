"""Test data as plain functions with defaults."""
import itertools

from app.accounts import services as accounts
from app.accounts.models import User
from app.accounts.permissions import Role
from app.org.models import Bureau, Place, PlaceLevel

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


def place(session, *, level=PlaceLevel.DISTRICT, code=None, **values) -> Place:
    n = next(_seq)
    defaults = dict(name_zh_hans=f"测试区{n}", name_zh_hant=f"測試區{n}", name_en=f"Test District {n}",
                    kind=None if level == PlaceLevel.CITY else "county", terrain="plain", region="central",
                    moisture="humid", population=100_000, sort_order=n)
    defaults.update(values)
    row = Place(level=level.value, code=code or f"place-{n}", **defaults)
    session.add(row)
    session.flush()
    return row


def bureau(session, *, code=None, **values) -> Bureau:
    n = next(_seq)
    defaults = dict(name_zh_hans=f"测试局{n}", name_zh_hant=f"測試局{n}", name_en=f"Test Bureau {n}")
    defaults.update(values)
    row = Bureau(code=code or f"bureau-{n}", **defaults)
    session.add(row)
    session.flush()
    return row


def user(session, *, role=Role.ADMIN, username=None, bureau_=None, password=PASSWORD) -> User:
    n = next(_seq)
    role = Role(role)
    if role.needs_bureau and bureau_ is None:
        bureau_ = bureau(session)
    return accounts.create_user(session, None, username=username or f"user{n}", display_name=f"用户{n}",
                                password=password, role=role, bureau=bureau_)


def staff_set(session) -> dict:
    """One user per role; the bureau roles share one bureau, and a second editor works for another bureau."""
    home = bureau(session, code="eeb", name_zh_hans="市生态环境局")
    other = bureau(session, code="water", name_zh_hans="市水利和湖泊局")
    users = {
        "admin": user(session, role=Role.ADMIN, username="admin"),
        "bureau_editor": user(session, role=Role.BUREAU_EDITOR, username="editor", bureau_=home),
        "tip_handler": user(session, role=Role.TIP_HANDLER, username="handler", bureau_=home),
        "reviewer": user(session, role=Role.REVIEWER, username="reviewer"),
        "interviewer": user(session, role=Role.INTERVIEWER, username="interviewer"),
        "other_editor": user(session, role=Role.BUREAU_EDITOR, username="editor2", bureau_=other),
        "disclosure_head": user(session, role=Role.DISCLOSURE_HEAD, username="head", bureau_=home),
    }
    users["bureaus"] = {"home": home, "other": other}
    return users


def catalogue(session, *, lead_bureau=None, code="test", first_year=2019):
    """A small catalogue: a numeric, a terrain-variant, a qualitative, a trend, a coastal and a computed indicator."""
    from app.indicators.catalogue_import import import_catalogue

    lead = lead_bureau.code if lead_bureau is not None else ""
    rows = [
        {"domain": "生态制度", "task": "(一)制度", "code": "1", "name_zh_hans": "生态文明建设规划", "unit": "-",
         "target": "制定实施", "property": "约束性", "scope": "市县", "lead_bureau": lead},
        {"domain": "生态安全", "task": "(二)质量", "code": "2", "name_zh_hans": "危险废物利用处置率", "unit": "%",
         "target": "100", "property": "约束性", "scope": "市县", "lead_bureau": lead},
        {"domain": "生态安全", "task": "(二)质量", "code": "3", "name_zh_hans": "林草覆盖率", "unit": "%",
         "target": "山区>=60; 丘陵地区>=40; 平原地区>=18", "property": "参考性", "scope": "市县", "lead_bureau": lead},
        {"domain": "生态经济", "task": "(三)资源", "code": "4", "name_zh_hans": "单位地区生产总值用水量",
         "unit": "立方米/万元",
         "target": "保持稳定或持续改善", "property": "约束性", "scope": "市县", "lead_bureau": lead,
         "higher_is_better": "0"},
        {"domain": "生态空间", "task": "(四)空间", "code": "5", "name_zh_hans": "自然岸线保有率", "unit": "%",
         "target": ">=35", "property": "约束性", "scope": "市县", "lead_bureau": lead, "only_where_relevant": "1"},
        {"domain": "生态文化", "task": "(五)观念", "code": "6", "name_zh_hans": "公众对生态文明建设的满意度",
         "unit": "%",
         "target": ">=80", "property": "参考性", "scope": "市县", "lead_bureau": lead,
         "provider": "test.satisfaction"},
    ]
    result = import_catalogue(session, None, code=code, name_zh_hans="测试指标体系", first_year=first_year,
                              last_year=None, rows=rows)
    assert not result.errors, result.errors
    return result.catalogue


def approved_value(session, measure, place, period="2025", **values):
    from app.indicators.models import IndicatorValue

    row = IndicatorValue(measure=measure, place=place, period=period, version=1, state="approved", **values)
    session.add(row)
    session.flush()
    return row


def survey(session, actor=None, *, mode="sampled", state="open", responses=0, invitations=0, districts=2,
           publish_results=True, indicator_period="2025"):
    """A small survey: a district question, a satisfaction, a participation and a multiple-choice question,
    and an optional text; districts are created when missing (population 100k, 300k…)."""
    from app.org.queries import districts as existing
    from app.surveys import services
    from app.surveys.answers import read_answers
    from app.surveys.models import QuestionKind, ResponseChannel, SurveyState
    from app.surveys.services import Texts
    from werkzeug.datastructures import MultiDict

    for number in range(len(existing(session)), districts):
        place(session, code=f"d{number}", name_zh_hans=f"第{number}区", population=100_000 * (2 * number + 1))
    created = services.create_survey(session, actor, title=Texts("测试问卷", "測試問卷", "Test survey"), mode=mode,
                                     publish_results=publish_results,
                                     indicator_period=indicator_period if mode == "sampled" else None)
    section = services.add_section(session, actor, created, Texts("第一部分", "第一部分", "Part one"))
    services.add_question(session, actor, section, kind=QuestionKind.DISTRICT, text=Texts("您住在哪个区？"))
    services.add_question(session, actor, section, kind=QuestionKind.SATISFACTION, text=Texts("空气质量满意吗？"))
    services.add_question(session, actor, section, kind=QuestionKind.PARTICIPATION, text=Texts("参与过垃圾分类吗？"))
    services.add_question(session, actor, section, kind=QuestionKind.MULTIPLE, text=Texts("了解渠道"), max_choices=2,
                          required=False, options=[Texts("电视"), Texts("网络"), Texts("社区")])
    services.add_question(session, actor, section, kind=QuestionKind.LONG_TEXT, text=Texts("建议"), required=False)
    if state != "draft":
        services.change_state(session, actor, created, SurveyState(state) if state == "open" else SurveyState.OPEN)
    session.flush()
    session.refresh(created)
    questions = services.ordered_questions(created)
    for number in range(responses):
        form = MultiDict([(questions[0].field_name, str(questions[0].options[number % len(questions[0].options)].id)),
                          (questions[1].field_name, str(questions[1].options[number % 5].id)),
                          (questions[2].field_name, str(questions[2].options[number % 3].id))])
        services.submit_response(session, created, questions, read_answers(questions, form),
                                 channel=ResponseChannel.INTERVIEW, submission_key=f"factory-{number}",
                                 locale="zh_Hans")
    if invitations:
        services.generate_invitations(session, actor, created, count=invitations)
    if state in ("closed", "archived"):
        services.change_state(session, actor, created, SurveyState.CLOSED)
    session.flush()
    return created


def tip(session, *, bureau_=None, district=None, anonymous=True, **values):
    """A submitted tip in a category routed to bureau_ (a new district when none is given)."""
    from app.tips import services
    from app.tips.models import TipCategory

    n = next(_seq)
    category = TipCategory(code=f"cat-{n}", name_zh_hans=f"类别{n}", bureau_id=bureau_.id if bureau_ else None)
    session.add(category)
    data = services.TipInput(categories=[category], description="工厂夜间冒黑烟", district=district or place(session),
                             address="测试路1号", anonymous=anonymous,
                             reporter_name="" if anonymous else "张三",
                             reporter_phone="" if anonymous else "13800000000",
                             **values)
    created, _code = services.submit_tip(session, data, [], services.Rules(), "")
    return created


def disclosure_request(session, *, bureau_, secret="test-secret-key-not-for-production", **values):
    """A received disclosure request addressed to bureau_."""
    from app.disclosure import services

    data = dict(applicant_type="citizen", name="李四", id_type="resident_id", id_number="420102199001011234",
                phone="13900000000", address="和平大道1号", bureau_id=bureau_.id, description="请公开重点排污单位名录",
                delivery_form="electronic", delivery_method="email", email="li@example.cn")
    data.update(values)
    created, _code = services.submit_request(session, services.Application(**data), services.Rules(), secret)
    return created
def notice(session, author, bureau_, *, category=None, title="空气质量月报", **values):
    """A draft notice of bureau_ (in a new category when none is given), written through the service."""
    from datetime import date

    from app.notices import services
    from app.notices.models import NoticeCategory

    n = next(_seq)
    if category is None:
        category = NoticeCategory(code=f"notice-cat-{n}", name_zh_hans=f"栏目{n}")
        session.add(category)
        session.flush()
    data = services.NoticeInput(category=category, bureau=bureau_,
                                created_on=values.pop("created_on", date(2026, 9, 1)),
                                titles={"zh_hans": title}, **values)
    return services.create_notice(session, author, data)


def disclosure_item(session, actor, bureau_, *, schedule="monthly", **values):
    """An item of the disclosure catalogue, due monthly by the 15th (or 20 working days after an event)."""
    from datetime import date

    from app.notices import services
    from app.notices.catalogue import Schedule

    n = next(_seq)
    defaults = dict(code=f"item-{n}", bureau=bureau_, names={"zh_hans": f"公开事项{n}"}, schedule=Schedule(schedule),
                    starts_on=date(2026, 1, 1), due_day=15)
    defaults.update(values)
    return services.save_disclosure_item(session, actor, None, services.ItemInput(**defaults))
