"""Demo disclosure notices: the default catalogue columns and a few notices of 云溪市, one corrected, one
withdrawn and one waiting for review; and the monthly air-quality bulletins since January of the last demo
indicator year, January itself missing, which give indicator 5 its value for that year (11 of 12 on time)."""
from datetime import datetime, time, timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.db_types import utcnow
from app.demo.indicators import DEMO_YEARS
from app.i18n import local_today, site_zone
from app.indicators import providers
from app.indicators.queries import catalogue_for_year
from app.notices import services
from app.notices.catalogue import Schedule
from app.notices.models import NoticeCategory
from app.notices.workflow import ChangeStep, Step
from app.org.models import Bureau
from app.org.queries import districts

# (code, zh_Hans, zh_Hant, en)
CATEGORIES = [
    ("quality", "环境质量", "環境質量", "Environmental quality"),
    ("pollution-sources", "污染源监管", "污染源監管", "Pollution source supervision"),
    ("eia", "环评审批", "環評審批", "Environmental impact assessment approvals"),
    ("penalties", "行政处罚", "行政處罰", "Administrative penalties"),
    ("emergencies", "突发环境事件", "突發環境事件", "Environmental emergencies"),
    ("policies", "政策文件", "政策文件", "Policy documents"),
    ("demonstration", "创建工作动态", "創建工作動態", "Demonstration city work news"),
]

AIR_BODY = """## 监测概况

本月全市 8 个国控、省控空气自动监测站点有效监测 30 天。

| 项目 | 本月 | 同比 |
|---|---|---|
| 优良天数比例 | 90.0% | +3.3 个百分点 |
| PM2.5 平均浓度 | 28 微克/立方米 | -6.7% |

## 说明

数据为实时监测数据，未经审核，最终以年度环境质量公报为准。"""

# (category, catalogue item, title, summary, body, days ago created, days ago published, district codes)
NOTICES = [
    ("quality", "air-monthly", "云溪市2026年10月环境空气质量月报", "10月全市环境空气质量优良天数比例为90.0%，同比上升3.3个百分点。", AIR_BODY, 30, 25,
     []),
    ("penalties", "penalty-decisions", "云溪市生态环境局行政处罚决定书（云环罚〔2026〕12号）",
     "某化工有限公司超标排放大气污染物，依法处以罚款人民币二十万元。",
     "## 违法事实\n\n经现场检查和监测，该公司排气筒颗粒物排放浓度超过排放标准。\n\n## 处罚决定\n\n依据《中华人民共和国大气污染防治法》第九十九条，"
     "处罚款人民币二十万元，并责令改正。", 20, 15, ["baihe"]),
    ("eia", None, "关于清江市污水处理厂三期扩建工程环境影响报告书的批复", "同意该项目按报告书所列性质、规模、地点和环境保护措施建设。",
     "项目位于清江市滨江路，新增处理规模每日5万吨。建设单位应严格落实报告书提出的各项污染防治措施。", 12, 10, ["qingjiang"]),
    ("demonstration", None, "我市召开国家生态文明建设示范市创建推进会", "会议部署了2026年第四季度创建重点任务。",
     "会议通报了38项建设指标的推进情况，要求各牵头单位对照任务分解表，按时报送指标数据和佐证材料。", 6, 5, []),
]


def load(session, editor, reviewer, index_scheme: str) -> dict:
    """Create the categories and the sample notices unless categories exist already."""
    created = {"notice_categories": 0, "notices": 0}
    if session.scalar(select(NoticeCategory.id).limit(1)) is not None:
        return created
    categories = {}
    for order, (code, hans, hant, en) in enumerate(CATEGORIES, start=1):
        categories[code] = NoticeCategory(code=code, name_zh_hans=hans, name_zh_hant=hant, name_en=en,
                                          sort_order=order)
        session.add(categories[code])
    session.flush()
    created["notice_categories"] = len(CATEGORIES)
    eeb = session.scalar(select(Bureau).where(Bureau.code == "eeb"))
    if eeb is None or editor is None or reviewer is None:
        return created
    places = {p.code: p for p in districts(session)}
    now = utcnow()
    admin = session.scalar(select(User).where(User.username == "admin"))
    first_of_month = local_today().replace(day=1)
    items = {
        "air-monthly": services.save_disclosure_item(session, admin, None, services.ItemInput(
            code="air-monthly", bureau=eeb, names={"zh_hans": "环境空气质量月报", "zh_hant": "環境空氣質量月報",
                                                  "en": "Monthly ambient air quality bulletin"},
            schedule=Schedule.MONTHLY, due_day=15, category=categories["quality"],
            starts_on=first_of_month.replace(year=DEMO_YEARS[-1], month=1))),
        "penalty-decisions": services.save_disclosure_item(session, admin, None, services.ItemInput(
            code="penalty-decisions", bureau=eeb, names={"zh_hans": "行政处罚决定", "zh_hant": "行政處罰決定",
                                                        "en": "Administrative penalty decisions"},
            schedule=Schedule.EVENT, working_days=20, category=categories["penalties"],
            starts_on=first_of_month.replace(year=first_of_month.year - 1, month=1))),
    }
    created["disclosure_items"] = len(items)
    published = []
    for category, item, title, summary, body, created_ago, published_ago, district_codes in NOTICES:
        moment = now - timedelta(days=published_ago)
        notice = services.create_notice(session, editor, services.NoticeInput(
            category=categories[category], bureau=eeb, created_on=(now - timedelta(days=created_ago)).date(),
            titles={"zh_hans": title}, summaries={"zh_hans": summary}, bodies={"zh_hans": body},
            places=[places[c] for c in district_codes if c in places], disclosure_item=items.get(item)), now=moment)
        services.take_step(session, editor, notice, Step.SUBMIT, now=moment)
        services.take_step(session, reviewer, notice, Step.APPROVE, index_scheme=index_scheme, now=moment)
        published.append(notice)
    first = published[0]
    first.title_en = "Yunxi City ambient air quality, October 2026"
    first.summary_en = "Share of good-air days: 90.0%, 3.3 points more than a year earlier."
    corrected = services.NoticeInput(
        category=first.category, bureau=eeb, created_on=first.created_on, disclosure_item=items["air-monthly"], titles={"zh_hans": first.title_zh_hans,
                                                                                  "en": first.title_en},
        summaries={"zh_hans": "10月全市环境空气质量优良天数比例为90.3%，同比上升3.6个百分点。",
                   "en": "Share of good-air days: 90.3%, 3.6 points more than a year earlier."},
        bodies={"zh_hans": first.body_zh_hans.replace("90.0%", "90.3%").replace("+3.3", "+3.6")})
    # Corrections and withdrawals are reviewed like a first publication: asked for, then approved.
    correction = services.update_notice(session, editor, first, corrected, now=now - timedelta(days=20),
                                        correction_note="优良天数比例计算时漏计1个站点的有效数据，由90.0%更正为90.3%。")
    services.decide_change(session, reviewer, correction, ChangeStep.APPROVE, now=now - timedelta(days=20))
    withdrawal = services.take_step(session, editor, published[3], Step.WITHDRAW, now=now - timedelta(days=2),
                                    comment="会议日期有误，将核实后重新发布。")
    services.decide_change(session, reviewer, withdrawal, ChangeStep.APPROVE, now=now - timedelta(days=2))
    waiting = services.create_notice(session, editor, services.NoticeInput(
        category=categories["pollution-sources"], bureau=eeb, created_on=(now - timedelta(days=3)).date(),
        titles={"zh_hans": "2026年第三季度重点排污单位监督性监测结果"},
        summaries={"zh_hans": "第三季度共监测重点排污单位42家，达标率97.6%。"},
        bodies={"zh_hans": "本季度对42家重点排污单位开展监督性监测，1家超标单位已依法立案查处。"}), now=now)
    services.take_step(session, editor, waiting, Step.SUBMIT, now=now)
    bulletins = _monthly_bulletins(session, editor, reviewer, index_scheme, categories["quality"], eeb,
                                   items["air-monthly"], until=first.period)
    created["notices"] = len(published) + 1 + bulletins
    # The disclosure rate (indicator 5) of every finished year the catalogue above covers; the current year's
    # is recorded once it has ended.
    for year in range(DEMO_YEARS[-1], local_today().year):
        indicator_catalogue = catalogue_for_year(session, year)
        if indicator_catalogue is not None:
            providers.refresh_computed_values(session, indicator_catalogue, str(year))
    return created


def _monthly_bulletins(session, editor, reviewer, index_scheme, category, bureau, item, until: str) -> int:
    """One bulletin for every month from February of the last demo year up to (not including) `until`, each
    published on the 10th, due the 15th. January is missing: with each publication matched to its own month it
    costs January only, where matching in order of publication used to make every later month late."""
    year, month, count = DEMO_YEARS[-1], 2, 0
    while f"{year}-{month:02d}" < until:
        reported_year, reported_month = (year - 1, 12) if month == 1 else (year, month - 1)
        moment = datetime.combine(datetime(year, month, 10).date(), time(9, 30), tzinfo=site_zone())
        notice = services.create_notice(session, editor, services.NoticeInput(
            category=category, bureau=bureau, created_on=moment.date() - timedelta(days=3),
            titles={"zh_hans": f"云溪市{reported_year}年{reported_month}月环境空气质量月报"},
            summaries={"zh_hans": f"{reported_month}月全市环境空气质量月报。"},
            bodies={"zh_hans": f"{reported_year}年{reported_month}月全市空气自动监测站点监测结果。"
                               "数据为实时监测数据，未经审核，最终以年度环境质量公报为准。"},
            disclosure_item=item, period=f"{year}-{month:02d}"), now=moment)
        services.take_step(session, editor, notice, Step.SUBMIT, now=moment)
        services.take_step(session, reviewer, notice, Step.APPROVE, index_scheme=index_scheme, now=moment)
        count += 1
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return count
