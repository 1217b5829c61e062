"""The interface through which other modules supply computed indicator values.

A module registers a provider under the key stored in Indicator.provider ("surveys.satisfaction",
"notices.disclosure_rate"). refresh_computed_values() asks each provider for every place and records what
it returns as approved, computed values with their method and sample size — never editable by hand.

A provider may say at which places it can report at all (`reports_at`): an indicator that nobody can report
at a district (the disclosure rate where no district bureau has catalogue items) is not applicable there,
rather than awaiting assessment for ever.
"""
from collections.abc import Callable

from sqlalchemy import select

from app.indicators.models import DataSource, Indicator
from app.indicators.services import ComputedResult, record_computed_value
from app.org.queries import districts, the_city

# provider(session, place, period) -> ComputedResult | None (None: nothing to report for that place)
Provider = Callable[[object, object, str], ComputedResult | None]
# reports_at(session, place) -> bool: whether the provider can ever report a value for the place.
ReportsAt = Callable[[object, object], bool]
_providers: dict[str, Provider] = {}
_reports_at: dict[str, ReportsAt] = {}


def register_provider(key: str, provider: Provider, *, reports_at: ReportsAt | None = None) -> None:
    _providers[key] = provider
    if reports_at is None:
        _reports_at.pop(key, None)
    else:
        _reports_at[key] = reports_at


def unregister_provider(key: str) -> None:
    _providers.pop(key, None)
    _reports_at.pop(key, None)


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


def registered_providers() -> dict[str, Provider]:
    return dict(_providers)


def refresh_computed_values(session, catalogue, period: str) -> int:
    """Ask every registered provider for its values; returns how many new versions were recorded."""
    places = [p for p in [the_city(session), *districts(session)] if p is not None]
    indicators = session.scalars(select(Indicator).where(Indicator.catalogue_id == catalogue.id,
                                                         Indicator.data_source == DataSource.COMPUTED))
    recorded = 0
    for indicator in indicators:
        provider = _providers.get(indicator.provider)
        if provider is None:
            continue
        for place in places:
            if (not indicator.applies_to(place)
                    or (indicator.id, place.id) in unreportable(session, [indicator], [place])):
                continue
            result = provider(session, place, period)
            if result is None:
                continue
            for measure in indicator.measures:
                recorded += record_computed_value(session, measure, place, period, result) is not None
    return recorded
