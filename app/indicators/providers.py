"""The interface through which other modules supply computed indicator values.

A module registers a provider under the key stored in Indicator.provider ("surveys.satisfaction",
"notices.disclosure_rate"). refresh_computed_values() asks each provider for every place and records what
it returns as approved, computed values with their method and sample size — never editable by hand.

A provider may say at which places it can report at all (`reports_at`): an indicator that nobody can report
at a district (the disclosure rate where no district bureau has catalogue items) is not applicable there,
rather than awaiting assessment for ever.

A provider may also compute a single measure of an entered indicator (IndicatorMeasure.provider: indicator 7's
优良天数比例 from the air data), the rest of the indicator and the higher authority's targets being entered; such
a measure nobody can report at a place is not applicable there, its indicator judged on the other measures. A
provider whose figure is itself a change on the previous year (`yearly_change`, PM2.5 浓度下降幅度) has it judged
"stable or better" against no change, not against last year's change.
"""
from collections.abc import Callable

from sqlalchemy import or_, select

from app.indicators.models import DataSource, Indicator, IndicatorMeasure
from app.indicators.services import ComputedResult, record_computed_value
from app.org.queries import districts, the_city

# provider(session, place, period) -> ComputedResult | None (None: nothing to report for that place)
Provider = Callable[[object, object, str], ComputedResult | None]
# reports_at(session, place) -> bool: whether the provider can ever report a value for the place.
ReportsAt = Callable[[object, object], bool]
_providers: dict[str, Provider] = {}
_reports_at: dict[str, ReportsAt] = {}
_yearly_change: set[str] = set()


def register_provider(key: str, provider: Provider, *, reports_at: ReportsAt | None = None,
                      yearly_change: bool = False) -> None:
    _providers[key] = provider
    if reports_at is None:
        _reports_at.pop(key, None)
    else:
        _reports_at[key] = reports_at
    if yearly_change:
        _yearly_change.add(key)
    else:
        _yearly_change.discard(key)


def unregister_provider(key: str) -> None:
    _providers.pop(key, None)
    _reports_at.pop(key, None)
    _yearly_change.discard(key)


def is_yearly_change(key: str | None) -> bool:
    """Whether the provider's figure is a change on the previous year (a trend compares it with no change)."""
    return key in _yearly_change


def unreportable(session, indicators, places) -> set[tuple[int, int]]:
    """(indicator id, place id) pairs of computed indicators that their provider can never report at the
    place: those are not applicable there. Unregistered providers are assumed to report everywhere."""
    pairs = set()
    for indicator in indicators:
        reports_at = _reports_at.get(indicator.provider) if indicator.is_computed else None
        if reports_at is None:
            continue
        pairs.update((indicator.id, place.id) for place in places if not reports_at(session, place))
    return pairs


def unreportable_measures(session, indicators, places) -> set[tuple[int, int]]:
    """(measure id, place id) pairs of measures computed by their own provider (IndicatorMeasure.provider) that
    the provider can never report at the place: those measures are not applicable there."""
    pairs = set()
    for indicator in indicators:
        for measure in indicator.measures:
            reports_at = _reports_at.get(measure.provider) if measure.provider else None
            if reports_at is None:
                continue
            pairs.update((measure.id, place.id) for place in places if not reports_at(session, place))
    return pairs


def registered_providers() -> dict[str, Provider]:
    return dict(_providers)


def refresh_computed_values(session, catalogue, period: str) -> int:
    """Ask every registered provider for its values — of whole computed indicators and of measures computed one
    by one — and record them; returns how many new versions were recorded."""
    places = [p for p in [the_city(session), *districts(session)] if p is not None]
    with_computed_measures = select(IndicatorMeasure.indicator_id).where(IndicatorMeasure.provider.is_not(None))
    indicators = session.scalars(select(Indicator).where(
        Indicator.catalogue_id == catalogue.id,
        or_(Indicator.data_source == DataSource.COMPUTED, Indicator.id.in_(with_computed_measures)))
        .order_by(Indicator.sort_order))
    recorded = 0
    for indicator in indicators:
        if indicator.is_computed:
            jobs = [(indicator.provider, indicator.measures)]
        else:
            jobs = [(measure.provider, [measure]) for measure in indicator.measures if measure.provider]
        for key, measures in jobs:
            provider = _providers.get(key)
            if provider is None:
                continue
            reports_at = _reports_at.get(key)
            for place in places:
                if not indicator.applies_to(place) or (reports_at is not None and not reports_at(session, place)):
                    continue
                result = provider(session, place, period)
                if result is None:
                    continue
                for measure in measures:
                    recorded += record_computed_value(session, measure, place, period, result) is not None
    return recorded
