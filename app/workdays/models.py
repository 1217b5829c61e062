"""Calendar exceptions: public holidays and make-up working days (调休), edited by admins."""
from datetime import date

from sqlalchemy import Boolean, Date, String, select
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class CalendarDay(db.Model):
    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_working_day: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(100), default="")


def overrides(session) -> dict[date, bool]:
    """Every exception of the calendar; a few dozen rows a year."""
    return {row.day: row.is_working_day for row in session.scalars(select(CalendarDay))}
