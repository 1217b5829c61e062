"""Who acts on a case. Staff act as their user account; the person who filed a case acts through the tracking
code, as a `PublicParty`, never as whoever happens to be signed in in the same browser."""
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PublicParty:
    """The reporter or applicant, known only by the tracking code they hold."""

    kind: str  # "reporter", "applicant"
    id: None = None
    role: None = None
    active: bool = True
    is_authenticated: bool = False

    @property
    def username(self) -> str:
        return f"({self.kind})"  # the audit log's label for the actor

    def can(self, permission: object) -> bool:
        return False


REPORTER = PublicParty("reporter")
APPLICANT = PublicParty("applicant")


def is_public(actor: Any) -> bool:
    return isinstance(actor, PublicParty)
