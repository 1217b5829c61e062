"""The interface through which other modules supply computed indicator values.

A module registers a provider under the key stored in Indicator.provider ("surveys.satisfaction",
"notices.disclosure_rate"). refresh_computed_values() asks each provider for every place and records what
it returns as approved, computed values with their method and sample size — never editable by hand.
"""
from collections.abc import Callable

from sqlalchemy import select

from app.indicators.models import DataSource, Indicator
from app.indicators.services import ComputedResult, record_computed_value
from app.org.queries import districts, the_city

# provider(session, place, period) -> ComputedResult | None (None: nothing to report for that place)
Provider = Callable[[object, object, str], ComputedResult | None]
_providers: dict[str, Provider] = {}


def register_provider(key: str, provider: Provider) -> None:
    _providers[key] = provider


def unregister_provider(key: str) -> None:
    _providers.pop(key, None)


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
            if not indicator.scope_enum.applies_to(place):
                continue
            result = provider(session, place, period)
            if result is None:
                continue
            for measure in indicator.measures:
                recorded += record_computed_value(session, measure, place, period, result) is not None
    return recorded
