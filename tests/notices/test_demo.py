"""The demo notices: categories, published notices with one correction and one withdrawal, one awaiting review,
the disclosure catalogue and the disclosure rate it feeds to indicator 5."""
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from app.demo.indicators import DEMO_YEARS
from app.notices.catalogue import months

from app.db_types import utcnow
from app.i18n import local_today
from app.indicators.models import Indicator, IndicatorMeasure, IndicatorValue
from app.notices import queries
from app.notices.models import Notice, NoticeCategory
from app.notices.workflow import NoticeState
from app.org.queries import the_city


def test_seed_demo_loads_the_notices_once(runner, session, client, demo_city):
    corrected = session.scalar(select(Notice).where(Notice.revision == 2))
    # The monthly bulletins from February of the last demo year up to the corrected October bulletin's month.
    last = DEMO_YEARS[-1]
    bulletins = len(months(date(last, 2, 1), date.fromisoformat(f"{corrected.period}-01"))) - 1
    assert f"{5 + bulletins} disclosure notices" in demo_city
    names = {c.name_zh_hans for c in session.scalars(select(NoticeCategory))}
    assert {"环境质量", "污染源监管", "环评审批", "行政处罚", "突发环境事件", "政策文件", "创建工作动态"} <= names
    states = dict(session.execute(select(Notice.state, func.count()).group_by(Notice.state)).all())
    assert states == {NoticeState.PUBLISHED: 3 + bulletins, NoticeState.WITHDRAWN: 1, NoticeState.SUBMITTED: 1}
    assert corrected.revisions[0].note and "90.3%" in corrected.summary_zh_hans
    assert len(session.scalars(queries.public_list(session, utcnow(), queries.Filters())).all()) == 4 + bulletins
    assert "<mark>空气质量</mark>" in client.get("/notices/?q=空气质量").get_data(as_text=True)

    def rate(period):
        return session.scalar(select(IndicatorValue).join(IndicatorMeasure).join(Indicator).where(
            Indicator.provider == "notices.disclosure_rate", IndicatorValue.period == period,
            IndicatorValue.place_id == the_city(session).id))
    # January of the last demo year is missing, February to December published on the 10th (due the 15th):
    # 11 of 12 on time, where matching in publication order made every month late.
    assert rate(str(last)).numeric_value == Decimal("91.6700") and rate(str(last)).sample_size == 12
    assert rate(str(local_today().year)) is None  # the current year has not ended
    second = runner.invoke(args=["seed-demo", "--years", "1"])
    assert second.exit_code == 0 and session.scalar(select(func.count(Notice.id))) == 5 + bulletins
