"""Reads of staff accounts."""
from sqlalchemy import select

from app.accounts.models import User


def staff_accounts(session) -> list[User]:
    """Every account, grouped by role, for the back office's list."""
    return list(session.scalars(select(User).order_by(User.role, User.username)))

