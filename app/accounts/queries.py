"""Reads of staff accounts."""
from sqlalchemy import select

from app.accounts.models import User


def staff_accounts(session) -> list[User]:
    """Every account, grouped by role, for the back office's list."""
    return list(session.scalars(select(User).order_by(User.role, User.username)))


def staff_by_username(session) -> list[User]:
    """Every account in username order, for choosing a person (the audit log's filter)."""
    return list(session.scalars(select(User).order_by(User.username)))
