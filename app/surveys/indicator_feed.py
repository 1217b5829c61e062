"""Sampled-survey results supplied to the indicator system as computed values (open surveys never are)."""
from decimal import Decimal

from app.indicators.providers import register_provider
from app.indicators.services import ComputedResult
from app.surveys import queries
from app.surveys.models import Measure

PROVIDER_KEYS = {Measure.SATISFACTION: "surveys.satisfaction", Measure.PARTICIPATION: "surveys.participation"}
METHOD = {
    Measure.SATISFACTION: "抽样调查“{title}”（问卷 #{id}）：每位受访者在满意度题目中选“满意”“比较满意”的比例，取均值；"
                          "“不清楚”不计入。",
    Measure.PARTICIPATION: "抽样调查“{title}”（问卷 #{id}）：每位受访者在参与度题目中选“参与过”的比例，取均值；"
                           "“说不清”不计入。",
}


WEIGHTING = {
    queries.Weighting.ADULT_POPULATION: "按各县市区18岁及以上常住人口加权（事后分层：权重 = 该县市区成年人口占比 ÷ 样本占比），"  # noqa: E501 (one message)
                                        "未加权结果 {unweighted}。",
    queries.Weighting.OFF: "未加权（本调查设定不加权）。",
    queries.Weighting.NO_DISTRICTS: "未加权（受访者未填写所在县市区）。",
    queries.Weighting.MISSING_POPULATION: "未加权（有县市区缺少18岁及以上常住人口数据）。",
}


def _percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def _points(value: float) -> str:
    return f"{value * 100:.1f}个百分点"


def computed_result(session, measure: Measure, place, period: str) -> ComputedResult | None:
    """The city-wide measure from the sampled survey of that period, computed and described exactly as on the
    survey's results page.

    Districts get no value: with about 50 respondents a district's margin of error is 4–8 percentage points,
    so its figure is shown on the results page as description and never judged against the target."""
    if not place.is_city:
        return None
    survey = queries.survey_for_period(session, period)
    if survey is None:
        return None
    results = queries.survey_results(session, queries.load_survey(session, survey.id))
    result = next((r for r in results.measures if r.measure == measure.value), None)
    if result is None or result.overall is None:
        return None
    estimate = result.overall
    weighting = WEIGHTING[result.weighting].format(
        unweighted=_percent(result.unweighted.value) if result.unweighted else "—")
    method = (METHOD[measure].format(title=survey.title_zh_hans, id=survey.id) + weighting
              + f"n={estimate.n}，95%置信区间 {_percent(estimate.low)}–{_percent(estimate.high)}，"
                f"误差 ±{_points(estimate.margin)}。")
    return ComputedResult(value=Decimal(f"{estimate.value * 100:.2f}"), method=method, sample_size=estimate.n)


def reports_at(session, place) -> bool:
    """Only the city: a district's figure is descriptive (see computed_result), so 37/38 are not applicable at a
    district rather than forever awaiting assessment."""
    return place.is_city


def register() -> None:
    for measure, key in PROVIDER_KEYS.items():
        register_provider(key, lambda session, place, period, measure=measure:
                          computed_result(session, measure, place, period), reports_at=reports_at)
