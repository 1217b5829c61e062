"""The running totals behind the public statistics, added to by every step that changes them."""
from datetime import datetime

from app.db_types import add_to_counters
from app.tips.models import Tip, TipTally
from app.tips.settings import Rules


def add(session, tip: Tip, rules: Rules, counts: dict[str, int], *, by_category: bool = False) -> None:
    """Add to the statistics of the month the tip was received, its district, every kind (and each kind)."""
    month = tip.submitted_at.astimezone(rules.zone).strftime("%Y-%m")
    category_ids = [0] + ([c.id for c in tip.categories] if by_category else [])
    add_to_counters(session, TipTally, ["month", "district_id", "category_id", "name"], [
        {"month": month, "district_id": tip.district_id, "category_id": category_id, "name": name, "total": value}
        for name, value in counts.items() if value for category_id in category_ids])


def days_since_received(tip: Tip, rules: Rules, now: datetime) -> int:
    """Calendar days from the city's date of receipt to now's."""
    return (rules.local_date(now) - rules.local_date(tip.submitted_at)).days
