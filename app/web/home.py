"""Where the city stands, for the home page: each figure read from a cache or a running tally, so the page
costs the same however many values, responses or tips are stored."""
from dataclasses import dataclass, field
from datetime import datetime

from app.indicators import cache
from app.indicators.periods import parse_period
from app.indicators.rules import Status
from app.notices import queries as notice_queries
from app.surveys import queries as survey_queries
from app.surveys.models import Measure
from app.tips import queries as tip_queries

LATEST_NOTICES = 3
LATEST_CASES = 2


@dataclass
class CityCompliance:
    period: str
    rate: float | None
    met: int
    applicable: int


@dataclass
class SurveyFigure:
    measure: str  # "satisfaction" or "participation"
    estimate: object  # scoring.Estimate: value, n, low, high


@dataclass
class SurveyFigures:
    survey: object
    figures: list[SurveyFigure] = field(default_factory=list)


def city_compliance(session) -> CityCompliance | None:
    """The city's compliance rate in the period the indicator pages open on (their default period)."""
    snap = cache.snapshot(session)
    period = snap.default_period()
    if period is None:
        return None
    catalogue = snap.catalogue_for_year(parse_period(period).year)
    city, _districts = snap.places()
    if catalogue is None or city is None:
        return None
    result = snap.compliance(catalogue, period)
    return CityCompliance(period, result.rate(city), result.count(city, Status.MET), len(result.applicable(city)))


def survey_figures(session, period: str | None) -> SurveyFigures | None:
    """Satisfaction and participation (with n and the 95% interval) from the sampled survey that feeds the
    indicators of the period, else the newest closed sampled survey with published results; read from the
    survey's running tallies."""
    survey = survey_queries.survey_for_period(session, period) if period else None
    if survey is None:
        survey = next((s for s in survey_queries.published_closed_surveys(session) if s.is_sampled), None)
    if survey is None:
        return None
    survey = survey_queries.load_survey(session, survey.id)
    results = survey_queries.survey_results(session, survey)
    figures = [SurveyFigure(m.measure, m.overall) for m in results.measures
               if m.measure in (Measure.SATISFACTION.value, Measure.PARTICIPATION.value) and m.overall is not None]
    return SurveyFigures(survey, figures) if figures else None


def latest_notices(session, now: datetime) -> list:
    """The newest public notices (the list's index, stopped after a few)."""
    statement = notice_queries.public_list(session, now, notice_queries.Filters()).limit(LATEST_NOTICES)
    return list(session.scalars(statement))


def latest_cases(session) -> list:
    """The newest cases on the exposure board."""
    return tip_queries.exposure_board(session, limit=LATEST_CASES)


def tip_figures(session, year: int) -> tip_queries.Figures:
    """This year's tip figures, from the monthly tallies."""
    return tip_queries.statistics(session, year).total
