"""The demo notices: categories, published notices with one correction and one withdrawal, one awaiting review,
the disclosure catalogue and the disclosure rate it feeds to indicator 5."""
from sqlalchemy import func, select

from app.db_types import utcnow
from app.i18n import local_today
from app.indicators.models import Indicator, IndicatorMeasure, IndicatorValue
from app.notices import queries
from app.notices.indicator_feed import computed_result
from app.notices.models import Notice, NoticeCategory
from app.notices.workflow import NoticeState
from app.org.queries import the_city


def test_seed_demo_loads_the_notices_once(runner, session, client):
    first = runner.invoke(args=["seed-demo", "--years", "1"])
    assert first.exit_code == 0, first.output
    assert "5 disclosure notices" in first.output
    names = {c.name_zh_hans for c in session.scalars(select(NoticeCategory))}
    assert {"环境质量", "污染源监管", "环评审批", "行政处罚", "突发环境事件", "政策文件", "创建工作动态"} <= names
    states = dict(session.execute(select(Notice.state, func.count()).group_by(Notice.state)).all())
    assert states == {NoticeState.PUBLISHED: 3, NoticeState.WITHDRAWN: 1, NoticeState.SUBMITTED: 1}
    corrected = session.scalar(select(Notice).where(Notice.revision == 2))
    assert corrected.revisions[0].note and "90.3%" in corrected.summary_zh_hans
    assert len(session.scalars(queries.public_list(session, utcnow(), queries.Filters())).all()) == 4
    assert "<mark>空气质量</mark>" in client.get("/notices/?q=空气质量").get_data(as_text=True)
    rate = session.scalar(select(IndicatorValue).join(IndicatorMeasure).join(Indicator).where(
        Indicator.provider == "notices.disclosure_rate", IndicatorValue.period == str(local_today().year),
        IndicatorValue.place_id == the_city(session).id))
    expected = computed_result(session, the_city(session), str(local_today().year))
    # Whether anything of the demo catalogue falls due this year depends on today's date; the value follows.
    assert (rate is None) == (expected is None)
    assert rate is None or (rate.numeric_value == expected.value and "按时公开" in rate.method)
    second = runner.invoke(args=["seed-demo", "--years", "1"])
    assert second.exit_code == 0 and session.scalar(select(func.count(Notice.id))) == 5
