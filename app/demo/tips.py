"""Demo pollution-tip categories (each routed to a bureau) and a few tips in different states."""
from datetime import timedelta

from sqlalchemy import select

from app.db_types import utcnow
from app.org.models import Bureau
from app.org.queries import districts
from app.tips import services
from app.tips.models import TipCategory
from app.tips.settings import Rules
from app.tips.workflow import Finding, Step

# (code, zh_Hans, zh_Hant, en, bureau code, parent code)
CATEGORIES = [
    ("air", "大气污染", "大氣污染", "Air pollution", "eeb", None),
    ("air-smoke", "工厂排放烟尘", "工廠排放煙塵", "Factory smoke or dust", "eeb", "air"),
    ("air-burning", "露天焚烧", "露天焚燒", "Open burning", "urban-mgmt", "air"),
    ("water", "水污染", "水污染", "Water pollution", "eeb", None),
    ("water-outfall", "偷排污水", "偷排污水", "Illegal discharge of wastewater", "eeb", "water"),
    ("noise", "噪声污染", "噪聲污染", "Noise", "eeb", None),
    ("noise-building", "建筑施工噪声", "建築施工噪聲", "Construction noise", "housing", "noise"),
    ("waste", "固体废物", "固體廢物", "Solid waste", "eeb", None),
    ("soil", "土壤污染", "土壤污染", "Soil pollution", "eeb", None),
    ("radiation", "辐射污染", "輻射污染", "Radiation", "eeb", None),
    ("ecology", "生态破坏", "生態破壞", "Damage to nature", "natres", None),
    ("other", "其他", "其他", "Other", "eeb", None),
]


def _step_input(step: Step, category: TipCategory) -> dict:
    """What the office types for each step of a sample tip."""
    return {Step.ASSIGN: {"bureau": category.bureau},
            Step.REJECT: {"note": "不属于生态环境部门职责，请向市场监管部门反映（12315）。"},
            Step.CONCLUDE: {"findings": "现场检查属实，已责令停产整改。", "measures_taken": "立案处罚并限期整改。",
                            "finding": Finding.SUBSTANTIATED, "reply": "经查属实，已依法处理，感谢您的监督。"},
            }.get(step, {})


def load(session, admin, rules: Rules) -> dict:
    """Create the categories and sample tips once; returns counts and the sample tips' tracking codes."""
    created = {"tip_categories": 0, "tips": 0, "tip_codes": []}
    if session.scalar(select(TipCategory.id).limit(1)) is not None:
        return created
    bureaus = {b.code: b for b in session.scalars(select(Bureau))}
    by_code = {}
    for order, (code, hans, hant, en, bureau, parent) in enumerate(CATEGORIES, start=1):
        by_code[code] = TipCategory(code=code, name_zh_hans=hans, name_zh_hant=hant, name_en=en, sort_order=order,
                                    bureau_id=bureaus[bureau].id if bureau in bureaus else None,
                                    parent=by_code.get(parent))
        session.add(by_code[code])
    session.flush()
    created["tip_categories"] = len(CATEGORIES)
    places = districts(session)
    if not places:
        return created
    now = utcnow()
    samples = [
        ("air-smoke", "化工园区一家工厂夜间排放黄色烟雾，气味刺鼻。", 40, [Step.ACCEPT, Step.ASSIGN, Step.INVESTIGATE, Step.CONCLUDE]),
        ("water-outfall", "河边排污口排出发黑的污水，河面有泡沫。", 20, [Step.ACCEPT, Step.ASSIGN, Step.INVESTIGATE]),
        ("noise-building", "工地晚上十一点以后仍在打桩施工。", 12, [Step.ACCEPT]),
        ("air-burning", "村口空地有人焚烧垃圾和秸秆。", 16, []),
        ("other", "小区门口的广告噪声。", 3, [Step.REJECT]),
        ("water", "小河沟里漂着死鱼，水面发绿。", 45, [Step.ACCEPT, Step.ASSIGN, Step.INVESTIGATE, Step.CONCLUDE]),
    ]
    filed = []
    for number, (code, text, days_ago, steps) in enumerate(samples):
        category = by_code[code]
        data = services.TipInput(categories=[category], description=text, district=places[number % len(places)],
                                 address=f"示例路{number + 1}号附近")
        tip, tracking_code = services.submit_tip(session, data, [], rules, "", now=now - timedelta(days=days_ago))
        created["tip_codes"].append(tracking_code)
        for step in steps:
            services.take_step(session, admin, tip, step, rules, now=now - timedelta(days=days_ago - 2),
                               **_step_input(step, category))
        filed.append(tip)
        created["tips"] += 1
    concluded, outfall = filed[0], filed[1]
    services.publish_exposure(session, admin, concluded, "化工园区企业夜间超标排放废气被查处",
                              "群众举报某化工企业夜间排放黄色烟雾。执法人员夜间突击检查，查实该企业废气处理设施未正常运行，"
                              "已立案处罚并责令停产整改，整改完成后经监测达标方恢复生产。", now=now - timedelta(days=30))
    # A second resident reports the same outfall: flagged on arrival, then merged by the office.
    again, _code = services.submit_tip(session, services.TipInput(
        categories=outfall.categories, description="河边排污口又在排黑水，河面有泡沫，很臭。", district=outfall.district,
        address=outfall.address), [], rules, "", now=now - timedelta(days=18))
    services.merge_tip(session, admin, again, outfall, rules)
    created["tips"] += 1
    # The reporter of the dead fish is not satisfied with the reply and asks for a review (复查, 信访工作条例
    # art. 35) within the 30 days: the office answers on the review's own 30-day deadline.
    services.request_review(session, filed[5], "河水还是绿的，死鱼也没人清理，请上级部门复查。", rules,
                            now=now - timedelta(days=20))
    return created
