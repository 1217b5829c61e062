"""Figures other modules show beside a computed indicator's value as evidence — never as the value itself.

A module registers a function for an indicator's provider key (`surveys.participation` for indicator 38);
the indicator's public page calls it on every request, outside the cached fragment, so the evidence is
never as old as the cache's generation. The function returns an `Evidence` or None (nothing to show).
"""
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Evidence:
    """What the page shows: a title, (label, value) pairs already in words, a note and a link to more."""

    title: str
    items: list[tuple[str, str]] = field(default_factory=list)
    note: str = ""
    link: str = ""
    link_text: str = ""


EvidenceSource = Callable[[Session, int], Evidence | None]

_sources: dict[str, list[EvidenceSource]] = {}


def register_evidence(provider_key: str, source: EvidenceSource) -> None:
    """Show what `source(session, year)` returns on the page of every indicator computed by `provider_key`."""
    sources = _sources.setdefault(provider_key, [])
    if source not in sources:
        sources.append(source)


def unregister_evidence(provider_key: str, source: EvidenceSource) -> None:
    if source in _sources.get(provider_key, []):
        _sources[provider_key].remove(source)


def evidence_for(session: Session, provider_key: str | None, year: int) -> list[Evidence]:
    """The evidence registered for an indicator's provider key in `year` (empty for entered indicators)."""
    if not provider_key:
        return []
    return [shown for source in _sources.get(provider_key, []) if (shown := source(session, year)) is not None]
