"""Demo participation (示范数据, fictional): a year of activities with sign-ups, attendance and volunteer hours, three
facilities with their open days and visits (one slot to come called off, its booking cancelled by the facility), a
closed and an open consultation, and standing suggestions in every state — all written through the participation
services, with the times they would have happened at. Apart (`load_organisations`): two registered organisations
with an organiser's account each, running activities of their own."""
import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.models import User
from app.accounts.permissions import Role
from app.org.models import Bureau, Place
from app.participation import activities, consultations, open_days, organisations, suggestions, volunteers
from app.participation.models import (Activity, ActivityKind, Consultation, Facility, FacilityKind, Organisation,
                                      OrganisationKind, VisitSlot)

DEMO = "示范数据（虚构）。"

# Held activities: (kind, title, month, day, district, bureau, capacity, volunteer hours or None)
HELD = [
    (ActivityKind.TREE_PLANTING, "植树节义务植树", 3, 12, "qingshan", "forestry", 60, 3.0),
    (ActivityKind.RIVER_CLEANUP, "世界水日清江河道清理", 3, 22, "qingjiang", "water", 40, 2.5),
    (ActivityKind.WASTE_SORTING, "垃圾分类进社区宣讲", 4, 18, "donghu", "urban-mgmt", 80, None),
    (ActivityKind.TREE_PLANTING, "松岭县春季补植", 4, 25, "songling", "forestry", 50, 3.0),
    (ActivityKind.ENVIRONMENT_DAY, "世界环境日主题活动", 6, 5, "yunxi-qu", "eeb", 120, 2.0),
    (ActivityKind.TALK, "全国低碳日宣讲", 7, 10, "baihe", "eeb", 60, None),
    (ActivityKind.RIVER_CLEANUP, "东湖湿地河道清理", 8, 16, "donghu", "water", 40, 3.0),
    (ActivityKind.WASTE_SORTING, "梅溪县垃圾分类宣传周", 9, 20, "meixi", "urban-mgmt", 60, 2.0),
    (ActivityKind.TALK, "石门县生态文明进校园", 10, 14, "shimen", "eeb", 100, None),
    (ActivityKind.RIVER_CLEANUP, "云溪河净滩行动", 11, 8, "yunxi-qu", "water", 40, 2.5),
]
# And last year's, so that the survey's year (indicator 38's period) has its participation evidence too.
LAST_YEAR = [
    (ActivityKind.TREE_PLANTING, "植树节义务植树（上年）", 3, 12, "baihe", "forestry", 60, 3.0),
    (ActivityKind.ENVIRONMENT_DAY, "世界环境日主题活动（上年）", 6, 5, "yunxi-qu", "eeb", 120, 2.0),
    (ActivityKind.RIVER_CLEANUP, "清江河道清理（上年）", 9, 16, "qingjiang", "water", 40, 2.5),
]
SIGNUPS_PER_HELD = 6  # five checked in at the door, one did not come
WALK_INS = 14  # people who came without signing up, in each closing record

NAMES = ["王丽华", "李建国", "张秀英", "刘志强", "陈晓燕", "杨明", "赵静", "黄海涛", "周婷", "吴磊", "徐敏", "孙伟"]

FACILITIES = [
    (FacilityKind.SEWAGE, "云溪市城东污水处理厂", "城东路88号", "yunxi-qu", "eeb", 7),
    (FacilityKind.MONITORING, "云溪市环境监测站", "东湖大道16号", "donghu", "eeb", 6),
    (FacilityKind.WASTE, "清江市生活垃圾焚烧发电厂", "清江市环山路2号", "qingjiang", "urban-mgmt", 3),
]


def phone(n: int) -> str:
    """Fictional mobile numbers: 138 0000 00xx."""
    return f"138000000{n:02d}"


def _latest(today: date, month: int, day: int) -> date:
    """The latest `month`-`day` before today (this year's, else last year's)."""
    this_year = date(today.year, month, day)
    return this_year if this_year < today else date(today.year - 1, month, day)


def _at(day: date, hour: int, zone: ZoneInfo, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def load(session, admin, key: str, *, today: date, zone: ZoneInfo) -> dict:
    """Create the demo participation once (a second run finds the first facility and adds nothing)."""
    created = {"participation_activities": 0, "participation_facilities": 0, "participation_suggestions": 0}
    if session.scalar(select(Facility.id).where(Facility.name_zh_hans == FACILITIES[0][1])) is not None:
        return created
    places = {p.code: p for p in session.scalars(select(Place))}
    bureaus = {b.code: b for b in session.scalars(select(Bureau))}
    created["participation_activities"] = _activities(session, admin, key, today, zone, places, bureaus)
    created["participation_facilities"] = _facilities(session, admin, key, today, zone, places, bureaus)
    created["participation_suggestions"] = _consultations(session, admin, key, today, zone, places, bureaus)
    return created


def _activity(session, admin, kind, title: str, day: date, district: Place, bureau: Bureau, capacity: int,
              hours: float | None, zone: ZoneInfo, *, opens: datetime) -> Activity:
    starts = _at(day, 9, zone)
    data = activities.ActivityInput(
        kind=kind.value, title_zh_hans=title, venue_zh_hans=f"{district.name_zh_hans}{title[-4:]}集合点",
        bureau_id=bureau.id, place_id=district.id, starts_at=starts, ends_at=starts + timedelta(hours=3),
        signup_opens_at=opens, signup_closes_at=starts - timedelta(hours=12), capacity=capacity,
        max_group_size=min(5, capacity), description_zh_hans=f"{title}，欢迎市民报名参加。{DEMO}",
        volunteer_hours=hours)
    activity = activities.create_activity(session, admin, data)
    activities.publish_activity(session, admin, activity, now=min(opens, starts - timedelta(days=1)))
    return activity


def _activities(session, admin, key, today, zone, places, bureaus) -> int:
    count, person = 0, 0
    held_days = [(row, _latest(today, row[2], row[3])) for row in HELD]
    held_days += [(row, date(today.year - 1, row[2], row[3])) for row in LAST_YEAR]
    for (kind, title, _month, _day, district, bureau, capacity, hours), held_on in held_days:
        activity = _activity(session, admin, kind, title, held_on, places[district], bureaus[bureau], capacity,
                             hours, zone, opens=_at(held_on - timedelta(days=20), 9, zone))
        signed = []
        for n in range(SIGNUPS_PER_HELD):
            person = (person % 40) + 1
            signed.append(activities.sign_up(
                session, activity, name=NAMES[person % len(NAMES)], phone=phone(person), key=key,
                group_size=2 if n == 0 else 1, keep_volunteer_record=hours is not None and n < 3,
                now=_at(held_on - timedelta(days=10 - n), 10, zone)).registration)
        for registration in signed[:-1]:
            activities.check_in(session, admin, registration, now=_at(held_on, 8, zone, 50))
        came = sum(r.group_size for r in signed[:-1])
        activities.close_activity(session, admin, activity, attendance=came + WALK_INS,
                                  summary_zh_hans=f"共{came + WALK_INS}人参加，活动顺利完成。{DEMO}",
                                  now=_at(held_on, 13, zone))
        for registration in signed[:3]:
            if registration.volunteer_id is not None and hours is not None:
                volunteers.confirm_hours(session, admin, registration, hours)
        count += 1
    now = _at(today, 8, zone)
    # Two to come, open for sign-up; one full with a waiting list; one cancelled.
    upcoming = [
        (ActivityKind.TREE_PLANTING, "冬季护林宣传与补植", 12, "baihe", "forestry", 40, 3.0, 3),
        (ActivityKind.WASTE_SORTING, "垃圾分类志愿督导", 19, "yunxi-qu", "urban-mgmt", 30, 2.0, 2),
        (ActivityKind.RIVER_CLEANUP, "清江源头巡河（名额已满）", 9, "qingjiang", "water", 4, 2.0, 6),
        (ActivityKind.TALK, "湿地保护讲座", 15, "donghu", "eeb", 50, None, 2),
    ]
    for kind, title, days, district, bureau, capacity, hours, people in upcoming:
        activity = _activity(session, admin, kind, title, today + timedelta(days=days), places[district],
                             bureaus[bureau], capacity, hours, zone, opens=now - timedelta(days=2))
        for n in range(people):
            person = (person % 40) + 1
            activities.sign_up(session, activity, name=NAMES[person % len(NAMES)], phone=phone(person), key=key,
                               now=now + timedelta(minutes=n))
        if title == "湿地保护讲座":
            activities.cancel_activity(session, admin, activity, "场地维修，活动取消，另行通知。" + DEMO, now=now)
        count += 1
    return count


def _facilities(session, admin, key, today, zone, places, bureaus) -> int:
    for number, (kind, name, address, district, bureau, days_held) in enumerate(FACILITIES):
        facility = open_days.create_facility(session, admin, open_days.FacilityInput(
            kind=kind, name_zh_hans=name, address_zh_hans=address, bureau_id=bureaus[bureau].id,
            place_id=places[district].id, min_open_days=6,
            description_zh_hans=f"向公众开放的环保设施，可预约参观。{DEMO}"))
        # Open days held this year (the 15th of each month before today), the waste plant fewer than its 6.
        held = [d for d in (date(today.year, m, 15) for m in range(1, 13)) if d < today][-days_held:]
        for day in held:
            _open_day(session, admin, key, facility, day, zone, visited=True)
        coming = _open_day(session, admin, key, facility, today + timedelta(days=10 + 3 * number), zone,
                           visited=False)
        if number == 0:  # the afternoon slot called off: its booking shows "cancelled by the facility"
            open_days.cancel_slot(session, admin, coming[1], now=_at(today, 8, zone))
    return len(FACILITIES)


def _open_day(session, admin, key, facility: Facility, day: date, zone: ZoneInfo, *,
              visited: bool) -> list[VisitSlot]:
    slots = open_days.add_open_day(session, admin, facility, day,
                                   [open_days.SlotInput(time(9, 30), time(11, 0), 40),
                                    open_days.SlotInput(time(14, 0), time(15, 30), 30)],
                                   zone, today=day - timedelta(days=14))
    before = _at(day - timedelta(days=7), 10, zone)
    school, _code = open_days.book_slot(session, slots[0].id, open_days.BookingInput(
        contact_name="陈老师", contact_phone=phone(90), size=25, group_name="云溪实验小学四年级（示范）"), key,
        now=before)
    person, _code = open_days.book_slot(session, slots[1].id, open_days.BookingInput(
        contact_name="刘先生", contact_phone=phone(91), size=2), key, now=before)
    if visited:
        open_days.record_visit(session, admin, slots[0], 24, {school.id: True}, now=_at(day, 12, zone))
        open_days.record_visit(session, admin, slots[1], 0, {person.id: False}, now=_at(day, 16, zone))
    return slots


SUGGESTED = [
    ("在河道两岸增设垃圾分类投放点", "adopted", "已采纳，将在清江、云溪河沿岸新增分类投放点20处。"),
    ("推广社区厨余垃圾就地堆肥", "partly", "部分采纳：先在东湖区三个社区试点，视效果推广。"),
    ("公交站增设共享单车停放区", "adopted", "已采纳，交通部门将在年内完成50个站点的停放区划线。"),
    ("禁止城区燃放烟花爆竹", "not_adopted", "暂不采纳：燃放管理需依法定程序调整，已转市人大常委会研究。"),
]


def _consultations(session, admin, key, today, zone, places, bureaus) -> int:
    rules = suggestions.deadline_rules(session)
    eeb = bureaus["eeb"]
    count = 0
    # The 献一计 campaign: closed, every suggestion answered, its summary published.
    start = today - timedelta(days=150)
    campaign = _consultation(session, admin, eeb, "我为生态建设献一计", start, start + timedelta(days=30))
    for n, (title, adoption, answer) in enumerate(SUGGESTED):
        row, _code = suggestions.submit_suggestion(
            session, suggestions.SuggestionInput(title=title, body=f"建议{title}。{DEMO}",
                                                 place_id=places[DISTRICT_OF[n]].id, name=NAMES[n], phone=phone(60 + n)),
            campaign, key, today=start + timedelta(days=n))
        published = _at(start + timedelta(days=n + 1), 10, zone)
        suggestions.publish_suggestion(session, admin, row, public_body=row.public_body, rules=rules, now=published)
        suggestions.answer_suggestion(session, admin, row, adoption=adoption, answer=answer + DEMO,
                                      now=published + timedelta(days=10 + 4 * n))
        count += 1
    rejected, _code = suggestions.submit_suggestion(session, suggestions.SuggestionInput(
        title="投诉邻居装修噪声", body=f"楼上装修太吵。{DEMO}"), campaign, key, today=start + timedelta(days=5))
    suggestions.reject_suggestion(session, admin, rejected, reason="属于噪声投诉，请通过污染举报反映。")
    count += 1
    consultations.close_consultation(session, admin, campaign, summary_zh_hans=(
        "共收到建议5条，公开4条：采纳2条，部分采纳1条，未采纳1条。" + DEMO))
    # An open consultation: one suggestion published awaiting its answer, one awaiting moderation.
    plan = _consultation(session, admin, eeb, "云溪市生态文明建设示范市规划（征求意见稿）",
                         today - timedelta(days=10), today + timedelta(days=20))
    waiting, _code = suggestions.submit_suggestion(session, suggestions.SuggestionInput(
        title="规划应明确湿地保护红线", body=f"建议在规划中标明东湖湿地保护范围。{DEMO}"), plan, key,
        today=today - timedelta(days=5))
    suggestions.publish_suggestion(session, admin, waiting, public_body=waiting.public_body, rules=rules,
                                   now=_at(today - timedelta(days=4), 10, zone))
    suggestions.submit_suggestion(session, suggestions.SuggestionInput(
        title="增加农村污水治理内容", body=f"请补充农村生活污水治理目标，联系电话{phone(70)}。{DEMO}"), plan, key,
        today=today - timedelta(days=1))
    count += 2
    # Standing suggestions in every state; one published long ago and still unanswered (overdue: red).
    standing = [
        ("submitted", "小区旁空地建口袋公园", None),
        ("published", "增加城区直饮水点", 3),
        ("overdue", "清理白河县河道漂浮物", 40),
        ("rejected", "广告：环保产品代理", None),
        ("answered", "公园增设分类垃圾桶", 30),
    ]
    for state, title, days_ago in standing:
        row, _code = suggestions.submit_suggestion(session, suggestions.SuggestionInput(
            title=title, body=f"{title}。{DEMO}", place_id=places["baihe" if state == "overdue" else "yunxi-qu"].id),
            None, key, today=today)
        if state == "rejected":
            suggestions.reject_suggestion(session, admin, row, reason="内容为广告，不予公开。")
        elif days_ago is not None:
            published = _at(today - timedelta(days=days_ago), 10, zone)
            suggestions.publish_suggestion(session, admin, row, public_body=row.public_body, rules=rules,
                                           bureau_id=bureaus["water" if state == "overdue" else "urban-mgmt"].id,
                                           now=published)
            if state == "answered":
                suggestions.answer_suggestion(session, admin, row, adoption="adopted",
                                              answer="已采纳，年内完成增设。" + DEMO, now=published + timedelta(days=8))
        count += 1
    return count


DISTRICT_OF = ["qingjiang", "donghu", "yunxi-qu", "meixi"]


def _consultation(session, admin, bureau: Bureau, title: str, starts: date, ends: date) -> Consultation:
    row = consultations.create_consultation(session, admin, consultations.ConsultationInput(
        bureau_id=bureau.id, title_zh_hans=title, background_zh_hans=f"为推进国家生态文明建设示范市创建，公开征求意见。{DEMO}",
        how_to_submit_zh_hans="在本网站提交，或寄信至云溪市生态环境局（示范地址）。", contact="0000-12369（示范）",
        starts_on=starts, ends_on=ends))
    consultations.publish_consultation(session, admin, row)
    return row



# Registered organisations: (names zh-Hans, zh-Hant, en, kind, district, contact, contact phone, organiser's
# username and name, a held activity (kind, title, months ago, volunteer hours), an upcoming one (kind, title, days))
ORGANISATIONS = [
    ("云溪市青年志愿者协会", "雲溪市青年志願者協會", "Yunxi Youth Volunteers Association", OrganisationKind.VOLUNTEER,
     "yunxi-qu", "周晓梅", phone(80), "org-volunteers", "青年志愿者协会活动组织员",
     (ActivityKind.RIVER_CLEANUP, "青年志愿者云溪河净滩", 2, 3.0), (ActivityKind.TREE_PLANTING, "青年志愿者冬季植绿", 16)),
    ("东湖区绿色家园环保促进会", "東湖區綠色家園環保促進會", "Donghu Green Home Environmental Society",
     OrganisationKind.SOCIAL, "donghu", "郑文斌", phone(81), "org-greenhome", "绿色家园环保促进会活动组织员",
     (ActivityKind.WASTE_SORTING, "社区垃圾分类入户宣传", 3, 2.0), (ActivityKind.TALK, "家庭节水节电讲座", 11)),
]


def load_organisations(session, admin, key: str, *, today: date, zone: ZoneInfo) -> dict:
    """The registered organisations, each with an organiser's account (its new password returned, to be saved with
    the other demo accounts) and activities its organiser ran: one held with hours, one open for sign-up. A second
    run finds the first organisation and adds nothing."""
    created: dict = {"participation_organisations": 0, "organisation_users": {}}
    if session.scalar(select(Organisation.id).where(Organisation.name_zh_hans == ORGANISATIONS[0][0])) is not None:
        return created
    places = {p.code: p for p in session.scalars(select(Place))}
    person = 0
    for (zh_hans, zh_hant, en, kind, district, contact, contact_phone, username, display_name, held,
         upcoming) in ORGANISATIONS:
        organisation = organisations.register_organisation(session, admin, organisations.OrganisationInput(
            kind=kind.value, name_zh_hans=zh_hans, name_zh_hant=zh_hant, name_en=en, place_id=places[district].id,
            contact_name=contact, contact_phone=contact_phone))
        organiser = session.scalar(select(User).where(User.username == username))
        if organiser is None:
            password = secrets.token_urlsafe(12)
            organiser = accounts.create_user(session, None, username=username, display_name=display_name,
                                             password=password, role=Role.ORGANISATION_ORGANISER,
                                             organisation=organisation)
            created["organisation_users"][username] = password
        held_kind, held_title, months_ago, hours = held
        held_on = today - timedelta(days=30 * months_ago)
        activity = _organisation_activity(session, organiser, organisation, held_kind, held_title, held_on,
                                          places[district], hours, zone, opens=_at(held_on - timedelta(days=20), 9, zone))
        signed = []
        for n in range(4):
            person = (person % 40) + 1
            signed.append(activities.sign_up(
                session, activity, name=NAMES[person % len(NAMES)], phone=phone(person), key=key,
                keep_volunteer_record=True, now=_at(held_on - timedelta(days=10 - n), 10, zone)).registration)
        for registration in signed[:3]:
            activities.check_in(session, organiser, registration, now=_at(held_on, 8, zone, 50))
        activities.close_activity(session, organiser, activity, attendance=3 + WALK_INS,
                                  summary_zh_hans=f"共{3 + WALK_INS}人参加，活动顺利完成。{DEMO}",
                                  now=_at(held_on, 13, zone))
        for registration in signed[:3]:
            volunteers.confirm_hours(session, organiser, registration, hours)
        up_kind, up_title, days = upcoming
        _organisation_activity(session, organiser, organisation, up_kind, up_title, today + timedelta(days=days),
                               places[district], None, zone, opens=_at(today - timedelta(days=2), 9, zone))
        created["participation_organisations"] += 1
    return created


def _organisation_activity(session, organiser, organisation: Organisation, kind, title: str, day: date,
                           district: Place, hours: float | None, zone: ZoneInfo, *, opens: datetime) -> Activity:
    starts = _at(day, 9, zone)
    data = activities.ActivityInput(
        kind=kind.value, title_zh_hans=title, venue_zh_hans=f"{district.name_zh_hans}{title[-4:]}集合点",
        bureau_id=None, organisation_id=organisation.id, place_id=district.id, starts_at=starts,
        ends_at=starts + timedelta(hours=3), signup_opens_at=opens, signup_closes_at=starts - timedelta(hours=12),
        capacity=30, max_group_size=3, description_zh_hans=f"{title}，由{organisation.name_zh_hans}组织。{DEMO}",
        volunteer_hours=hours)
    activity = activities.create_activity(session, organiser, data)
    activities.publish_activity(session, organiser, activity, now=min(opens, starts - timedelta(days=1)))
    return activity
