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


def _percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def computed_result(session, measure: Measure, place, period: str) -> ComputedResult | None:
    """The measure for a place (city-wide or one district) from the sampled survey of that period."""
    survey = queries.survey_for_period(session, period)
    if survey is None:
        return None
    results = queries.survey_results(session, queries.load_survey(session, survey.id))
    result = next((r for r in results.measures if r.measure == measure.value), None)
    if result is None:
        return None
    if place.is_city:
        estimate, weighting = result.overall, "按区县常住人口事后分层加权。" if result.stratified else "未加权。"
    else:
        estimate = next((e for option, e in result.by_district if option.place_id == place.id), None)
        weighting = ""
    if estimate is None:
        return None
    method = (METHOD[measure].format(title=survey.title_zh_hans, id=survey.id) + weighting
              + f"n={estimate.n}，95%置信区间 {_percent(estimate.low)}–{_percent(estimate.high)}，"
                f"误差 ±{_percent(estimate.margin)}。")
    return ComputedResult(value=Decimal(f"{estimate.value * 100:.2f}"), method=method, sample_size=estimate.n)


def register() -> None:
    for measure, key in PROVIDER_KEYS.items():
        register_provider(key, lambda session, place, period, measure=measure:
                          computed_result(session, measure, place, period))
