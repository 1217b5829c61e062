"""The demo city's rectification ledger: one round of the second central environmental inspection's feedback list
(fictional, 30 tasks) in every state — being rectified on schedule, behind, long-term, with a report overdue,
applied for closure, accepted, in public notice with an objection, closed after its notice, and one reopened.

Everything goes through the ledger's own services and workflow (so the timeline and the audit log are real), dated
in the past where the story needs it; the timeline entries of each step are stamped with the step's day."""
import io
import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PIL import Image
from sqlalchemy import func, select, update

from app.accounts import services as accounts
from app.accounts.models import User
from app.accounts.permissions import Role
from app.org.models import Bureau, Place
from app.rectification import closure, objections, reports, services
from app.rectification.closure import Upload
from app.rectification.models import InspectionRound, RectificationTask, RoundKind, TaskEvent
from app.rectification.workflow import Progress, Step, TaskState

ROUND_CODE = "CI2-YX"
DEMO = "（演示数据）"
# (source_ref, district code or None for city-wide, lead bureau, co-operating bureaus, problem zh, problem en,
#  measures zh, deadline as written, where the story ends)
TASKS = [
    ("第1项", "qingjiang", "eeb", ["econ"], "清江市化工园区污水处理厂超负荷运行，部分工业废水未经有效处理排入清江支流。",
     "The waste-water plant of the Qingjiang chemical park runs over capacity; some industrial waste water reaches a tributary of the Qingjiang untreated.",
     "扩建园区污水处理厂，实施雨污分流改造，建设在线监测并联网。", "2025年12月底前", "closed"),
    ("第2项", "donghu", "housing", ["eeb"], "东湖区老城区雨污管网混接错接，雨季溢流污染东湖。",
     "Mixed sewer and storm pipes in Donghu's old town overflow into East Lake in the rainy season.",
     "排查并改造混接点，建设调蓄池。", "2026年6月底前", "closed"),
    ("第3项", "qingshan", "natres", ["forestry"], "青山县部分废弃矿山生态修复进度滞后，存在水土流失。",
     "Ecological restoration of abandoned mines in Qingshan County lags behind, with soil erosion.",
     "编制修复方案，实施复绿工程。", "2026年12月底前", "in_progress"),
    ("第4项", "baihe", "agri", ["eeb"], "白河县畜禽养殖粪污资源化利用率偏低，部分养殖场粪污直排。",
     "Livestock manure in Baihe County is poorly reused; some farms discharge it directly.",
     "完善粪污处理设施配套，开展专项执法检查。", "2026年9月底前", "behind"),
    ("第5项", None, "eeb", ["devref", "econ"], "全市挥发性有机物治理不到位，夏季臭氧浓度持续上升。",
     "Volatile organic compounds are poorly controlled city-wide; summer ozone keeps rising.",
     "开展重点行业VOCs综合治理，推进源头替代。", "长期坚持", "long_term"),
    ("第6项", "yunxi-qu", "urban-mgmt", ["housing"], "云溪区建筑工地扬尘管控不严，道路积尘负荷偏高。",
     "Construction dust is poorly controlled in Yunxi District; road dust load is high.",
     "落实工地“六个百分之百”，加强道路机械化清扫。", "立行立改，长期坚持", "closed"),
    ("第7项", "songling", "forestry", ["natres"], "松岭县自然保护区内存在违规建设项目。",
     "Unauthorised buildings stand inside a nature reserve in Songling County.",
     "依法拆除违规建筑并实施生态修复。", "2025年9月底前", "closed"),
    ("第8项", "shimen", "water", ["eeb"], "石门县小水电站未落实生态流量，下游河段断流。",
     "Small hydropower stations in Shimen County do not release ecological flow; the river below runs dry.",
     "安装生态流量泄放设施和监测设备，逐站核查。", "2026年3月底前", "closed"),
    ("第9项", "meixi", "housing", ["agri"], "梅溪县农村生活污水处理设施建而未用、运行率低。",
     "Rural sewage plants in Meixi County were built but stand idle.",
     "开展设施运行排查，落实第三方运维。", "2026年10月底前", "closure_requested"),
    ("第10项", "qingjiang", "eeb", [], "清江市部分重点排污单位自动监测数据弄虚作假。",
     "Some key polluters in Qingjiang falsified automatic monitoring data.",
     "立案查处，移送公安机关，完善数据审核机制。", "2025年6月底前", "closed"),
    ("第11项", None, "devref", ["econ"], "全市能源结构偏煤，燃煤锅炉淘汰进度滞后。",
     "The city's energy mix relies on coal; old coal boilers are retired late.",
     "淘汰35蒸吨以下燃煤锅炉，推进清洁能源替代。", "2026年12月底前", "on_schedule"),
    ("第12项", "donghu", "eeb", ["urban-mgmt"], "东湖区餐饮油烟扰民问题群众反映强烈。",
     "Residents in Donghu complain strongly about restaurant cooking fumes.",
     "安装油烟净化设施并定期清洗，建立投诉快速处置机制。", "2025年12月底前", "closed"),
    ("第13项", "baihe", "water", ["natres"], "白河县河道非法采砂屡禁不止。",
     "Illegal sand mining in Baihe County's rivers continues despite bans.",
     "开展联合执法，设置视频监控。", "长期坚持", "long_term"),
    ("第14项", "yunxi-qu", "urban-mgmt", ["eeb"], "云溪区生活垃圾填埋场渗滤液处理不达标。",
     "Leachate from the Yunxi District landfill is not treated to standard.",
     "扩建渗滤液处理站，清理存量渗滤液。", "2026年11月底前", "in_notice"),
    ("第15项", "qingshan", "eeb", ["health"], "青山县医疗废物收集处置体系不健全。",
     "Medical waste collection and disposal in Qingshan County is incomplete.",
     "建设县域医疗废物集中处置设施，实现乡镇全覆盖。", "2026年8月底前", "accepted"),
    ("第16项", "shimen", "agri", [], "石门县化肥农药使用量偏高，面源污染突出。",
     "Fertiliser and pesticide use in Shimen County is high; diffuse pollution is serious.",
     "推广测土配方施肥和绿色防控技术。", "2027年12月底前", "on_schedule"),
    ("第17项", "meixi", "eeb", ["econ"], "梅溪县工业园区危险废物贮存不规范。",
     "Hazardous waste in the Meixi industrial park is stored improperly.",
     "规范贮存场所，建立危险废物管理台账。", "2025年10月底前", "reopened"),
    ("第18项", "songling", "natres", [], "松岭县违规占用林地开采石料。",
     "Woodland in Songling County is taken illegally for quarrying.",
     "关停违规采石场，实施植被恢复。", "2026年12月前", "behind"),
    ("第19项", None, "transport", ["eeb"], "全市柴油货车污染治理不到位，老旧车辆淘汰缓慢。",
     "Diesel trucks are poorly controlled city-wide; old vehicles are retired slowly.",
     "淘汰国三及以下柴油货车，开展路检路查。", "2026年12月底前", "on_schedule"),
    ("第20项", "qingjiang", "water", ["housing"], "清江市城区黑臭水体整治后出现反弹。",
     "Black and smelly water bodies in Qingjiang's town rebounded after treatment.",
     "截污纳管，实施清淤和生态补水。", "2025年12月底前", "closed"),
    ("第21项", "donghu", "eeb", [], "东湖区夜间施工噪声扰民。",
     "Night-time construction noise disturbs residents in Donghu.",
     "严格夜间施工审批，加强执法巡查。", "2025年8月底前", "closed"),
    ("第22项", "baihe", "eeb", ["econ"], "白河县水泥企业超标排放颗粒物。",
     "A cement works in Baihe County emits particulates above the limits.",
     "实施超低排放改造，安装在线监测。", "2026年5月底前", "closed"),
    ("第23项", "yunxi-qu", "water", ["eeb"], "云溪区饮用水水源保护区内存在违规排污口。",
     "Illegal outfalls lie inside a drinking-water protection zone in Yunxi District.",
     "封堵排污口，设立保护区标志和隔离防护。", "2025年3月底前", "closed"),
    ("第24项", "qingshan", "forestry", [], "青山县部分公益林管护不到位。",
     "Parts of Qingshan County's protection forest are poorly looked after.",
     "落实护林员管护责任，开展巡护。", "长期坚持", "long_term"),
    ("第25项", "shimen", "housing", ["urban-mgmt"], "石门县生活垃圾分类推进缓慢。",
     "Waste sorting in Shimen County advances slowly.",
     "完善分类收运体系，开展示范小区建设。", "2027年6月底前", "on_schedule"),
    ("第26项", "meixi", "water", ["agri"], "梅溪县灌区退水污染下游水体。",
     "Return flow from Meixi County's irrigation district pollutes the river downstream.",
     "建设生态沟渠和人工湿地。", "2026年10月底前", "closure_requested"),
    ("第27项", "songling", "eeb", [], "松岭县尾矿库环境风险隐患未消除。",
     "The environmental risk of a tailings pond in Songling County has not been removed.",
     "实施尾矿库闭库治理，完善应急预案。", "2026年6月底前", "closed"),
    ("第28项", None, "econ", ["eeb", "devref"], "全市工业固体废物综合利用率偏低。",
     "The city reuses too little of its industrial solid waste.",
     "推进大宗固废综合利用项目建设。", "2027年12月底前", "on_schedule"),
    ("第29项", "qingjiang", "urban-mgmt", [], "清江市露天焚烧垃圾现象时有发生。",
     "Open burning of waste still happens in Qingjiang.",
     "开展网格化巡查，依法查处。", "立行立改", "closed"),
    ("第30项", "donghu", "water", ["housing"], "东湖区湖滨带生态空间被侵占。",
     "The lakeshore ecological belt of Donghu is encroached on.",
     "清退违规占用，实施湖滨带生态修复。", "2026年12月底前", "behind"),
]


def load(session, admin, *, today: date, zone: ZoneInfo, upload_dir: str, key: str) -> dict:
    """Create the demo ledger once (a second run finds the round and adds nothing); returns the counts and the
    passwords of the unit accounts it created."""
    created: dict = {"rectification_tasks": 0, "users": {}}
    if session.scalar(select(InspectionRound.id).where(InspectionRound.code == ROUND_CODE)) is not None:
        return created
    places = {p.code: p for p in session.scalars(select(Place))}
    bureaus = {b.code: b for b in session.scalars(select(Bureau))}
    units = _unit_accounts(session, bureaus, {row[2] for row in TASKS}, created["users"])
    feedback_on = date(today.year - 1, 6, 20)
    clock = _Clock(session, zone)
    round_ = services.create_round(session, admin, services.RoundInput(
        code=ROUND_CODE, kind=RoundKind.CENTRAL.value, title_zh_hans="第二轮中央生态环境保护督察反馈问题整改" + DEMO,
        title_zh_hant="第二輪中央生態環境保護督察反饋問題整改（演示數據）",
        title_en="Second round of the central environmental inspection: the feedback list (demonstration data)",
        batch="第二轮第五批", feedback_on=feedback_on,
        rule_zh_hans="《云溪市生态环境保护督察整改工作实施办法》", rule_en="Yunxi City rules for inspection rectification",
        notice_days=7, notice_working_days=False, report_interval_months=2))
    clock.at(feedback_on + timedelta(days=10))
    services.publish_round(session, admin, round_, now=clock.now)
    city = next(p for p in places.values() if p.level == "city")
    for number, row in enumerate(TASKS):
        ref, district, lead, cooperating, problem, problem_en, measures, deadline, story = row
        task = services.create_task(session, admin, round_, services.TaskInput(
            problem_zh_hans=problem + DEMO, problem_en=problem_en, place_id=(places[district] if district else city).id,
            lead_bureau_id=bureaus[lead].id, deadline_text=deadline, measures_zh_hans=measures,
            target_zh_hans="按期完成整改，问题不反弹。", source_ref=ref,
            responsible_text="、".join(bureaus[code].name_zh_hans for code in [lead, *cooperating]),
            cooperating_ids=[bureaus[code].id for code in cooperating]), today=feedback_on + timedelta(days=10))
        clock.stamp(task)
        _tell_story(session, admin, units[lead], task, story, number, today, clock, upload_dir, key)
        created["rectification_tasks"] += 1
    return created


class _Clock:
    """When the demo's steps happen: each step's timeline entries are stamped with its day (the services stamp
    them with the real time)."""

    def __init__(self, session, zone: ZoneInfo):
        self.session, self.zone = session, zone
        self.now = datetime.now(zone)
        self.last_event = session.scalar(select(func.max(TaskEvent.id))) or 0

    def at(self, day: date, hour: int = 10) -> datetime:
        self.now = datetime.combine(day, time(hour), tzinfo=self.zone)
        return self.now

    def stamp(self, task: RectificationTask) -> None:
        self.session.flush()
        self.session.execute(update(TaskEvent).where(TaskEvent.task_id == task.id, TaskEvent.id > self.last_event)
                             .values(at=self.now))
        self.last_event = self.session.scalar(select(func.max(TaskEvent.id))) or self.last_event


def _unit_accounts(session, bureaus: dict, codes: set[str], passwords: dict) -> dict[str, User]:
    """An editor of each lead unit, to report and apply for closure (the demo's own editor for the environment
    bureau; a new account for each other unit, its password saved with the others)."""
    users = {}
    for code in sorted(codes):
        bureau = bureaus[code]
        user = session.scalar(select(User).where(User.bureau_id == bureau.id, User.role == Role.BUREAU_EDITOR,
                                                 User.active.is_(True)).order_by(User.id))
        if user is None:
            username, password = f"{code}-editor", secrets.token_urlsafe(12)
            user = accounts.create_user(session, None, username=username, display_name=f"{bureau.name_zh_hans}编辑",
                                        password=password, role=Role.BUREAU_EDITOR, bureau=bureau)
            passwords[username] = password
        users[code] = user
    return users


def _evidence(label: str) -> Upload:
    """A small photo-like PNG standing for the evidence a unit sends."""
    image = Image.new("RGB", (64, 48), (90, 140, 90))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return Upload(f"{label}.png", buffer.getvalue())


def _months_back(today: date, n: int) -> date:
    """The last day of the month `n` months before today's."""
    first = today.replace(day=1)
    for _ in range(n):
        first = (first - timedelta(days=1)).replace(day=1)
    return (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _report(session, admin, unit, task, clock: _Clock, period_end: date, grade: Progress, text: str,
            upload_dir: str, *, accept: bool = True) -> None:
    files = [("整改现场照片.png", _evidence("photo").data)] if grade in (Progress.DONE, Progress.BASICALLY_DONE) else []
    clock.at(period_end - timedelta(days=2))
    report = reports.submit_report(session, unit, task, period=period_end.strftime("%Y-%m"), progress=grade.value,
                                   text=text, files=files, directory=upload_dir, today=clock.now.date(),
                                   max_bytes=10 << 20)
    clock.stamp(task)
    if accept:
        clock.at(period_end + timedelta(days=3))
        reports.accept_report(session, admin, report)
        clock.stamp(task)


def _catch_up(session, admin, unit, task, clock, today: date, grade: Progress, upload_dir: str, *,
              until_months_back: int = 1) -> None:
    """Monthly reports from the task's next report due up to `until_months_back` months before today."""
    last = _months_back(today, until_months_back)
    for _ in range(24):
        due = task.next_report_due
        if due is None or due > last:
            return
        _report(session, admin, unit, task, clock, due, grade, "按照整改方案推进，本月完成阶段性工作。", upload_dir)


def _close_procedure(session, admin, unit, task, clock, start: date, upload_dir: str, *, stop: str) -> None:
    """Apply (on `start`), accept (a week later), publish the notice (two days later), close after it; `stop`
    says where the story ends: "applied", "accepted", "notice" or "closed"."""
    clock.at(start)
    closure.take_step(session, unit, task, Step.APPLY_CLOSURE, now=clock.now,
                      completion_zh_hans="已完成整改，经现场核查问题已解决。" + DEMO, files=[_evidence("closure")],
                      upload_dir=upload_dir)
    clock.stamp(task)
    if stop == "applied":
        return
    clock.at(start + timedelta(days=7))
    closure.add_acceptance(session, admin, task, level="district", accepted_on=clock.now.date(),
                           body="区级验收组", opinion="已完成整改，同意销号。", now=clock.now)
    closure.take_step(session, admin, task, Step.ACCEPT, now=clock.now)
    clock.stamp(task)
    if stop == "accepted":
        return
    clock.at(start + timedelta(days=9))
    closure.take_step(session, admin, task, Step.START_NOTICE, now=clock.now, starts_on=clock.now.date())
    clock.stamp(task)
    if stop == "notice":
        return
    clock.at(task.notice_ends_on + timedelta(days=1))
    closure.take_step(session, admin, task, Step.CLOSE, now=clock.now)
    clock.stamp(task)


def _tell_story(session, admin, unit, task, story: str, number: int, today: date, clock: _Clock, upload_dir: str,
                key: str) -> None:
    """Take the task where its story ends, through the services."""
    if story in ("on_schedule", "long_term"):
        grade = Progress.LONG_TERM if story == "long_term" else Progress.ON_SCHEDULE
        _catch_up(session, admin, unit, task, clock, today, grade, upload_dir)
    elif story == "behind":
        _catch_up(session, admin, unit, task, clock, today, Progress.BEHIND, upload_dir)
    elif story == "in_progress":  # reports stopped four months ago: overdue (red on the board)
        _catch_up(session, admin, unit, task, clock, today, Progress.ON_SCHEDULE, upload_dir, until_months_back=4)
    elif story in ("closure_requested", "accepted", "in_notice"):
        _catch_up(session, admin, unit, task, clock, today, Progress.ON_SCHEDULE, upload_dir, until_months_back=2)
        _report(session, admin, unit, task, clock, _months_back(today, 1), Progress.DONE,
                "整改任务已全部完成，申请销号。", upload_dir)
        start = today - timedelta(days={"closure_requested": 3, "accepted": 12, "in_notice": 12}[story])
        _close_procedure(session, admin, unit, task, clock, start, upload_dir,
                         stop={"closure_requested": "applied", "accepted": "accepted", "in_notice": "notice"}[story])
        if story == "in_notice":  # a resident objects; the office is checking
            clock.at(today - timedelta(days=1), 15)
            objections.submit_objection(session, task, objections.ObjectionInput(
                text="渗滤液处理站仍有异味，希望核实后再销号。", name="", contact="13800000000"),
                key, rules=closure.closure_rules(session, task.round), upload_dir=upload_dir, max_bytes=10 << 20,
                now=clock.now)
            clock.stamp(task)
    elif story in ("closed", "reopened"):
        months_ago = 3 + number % 9  # closed between three months and a year ago (its reports left out)
        _close_procedure(session, admin, unit, task, clock, _months_back(today, months_ago) + timedelta(days=5),
                         upload_dir, stop="closed")
        if story == "reopened":
            clock.at(today - timedelta(days=20))
            closure.take_step(session, admin, task, Step.REOPEN, now=clock.now,
                              reason="群众举报园区危险废物再次露天堆放，经核查问题反弹，重新整改。")
            clock.stamp(task)
    assert task.state in TaskState, task.state
