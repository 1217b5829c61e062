"""The audited look at the personal data of a person who filed a case: shown only to those who must contact
them, and every look leaves an audit entry (confidentiality rules for reporters and applicants)."""
from typing import Any

from app import audit


def reveal(session: Any, actor: Any, case: Any, action: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Record that `actor` looked at the identity of `case`'s person, then give the fields."""
    if actor is None:
        raise ValueError("an identity is revealed only to a named actor")
    audit.record(session, action, case, actor=actor)
    return dict(fields)
