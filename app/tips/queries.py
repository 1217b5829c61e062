"""Reads for tips: public lists without personal data, the handlers' queue with deadline colours, the
overdue board, the exposure board and the statistics (read from the running tallies, never from the tips)."""
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import exists, func, select, text, union_all
from sqlalchemy.orm import selectinload

from app.accounts.permissions import Role
from app.casework import codes, supervision
from app.tips.models import AWAITING_DECISION, IN_HANDLING, IN_REVIEW, Tip, TipCategory, TipTally, tip_category_links
from app.tips.workflow import TipState

OPEN_STATES = [s.value for s in TipState if s.is_open]


def categories(session, *, active_only: bool = True) -> list[TipCategory]:
    statement = select(TipCategory).order_by(TipCategory.sort_order, TipCategory.id)
    if active_only:
        statement = statement.where(TipCategory.active.is_(True))
    return list(session.scalars(statement))


def _by_code_hash(session, digest: str) -> Tip | None:
    found = session.scalar(select(Tip).where(Tip.code_hash == digest).options(
        selectinload(Tip.events), selectinload(Tip.photos), selectinload(Tip.categories)))
    return found if found is not None and codes.same(found.code_hash, digest) else None


def find_by_code(session, code: str, key: str | None) -> Tip | None:
    """The tip a tracking code opens: by its keyed hash, else by the unkeyed hash tips were filed with before,
    in which case the tip is re-keyed (the caller commits)."""
    keyed = codes.digest(code, key) if key else None
    found = _by_code_hash(session, keyed) if keyed else None
    if found is not None:
        return found
    found = _by_code_hash(session, codes.legacy_digest(code))
    if found is not None and keyed:
        found.code_hash = keyed
    return found


def current_due(tip: Tip) -> date | None:
    """The deadline that is running now (Tip.running_due)."""
    return tip.running_due


def supervise(tips, today: date, *, working: bool, overrides, warn_days: int) -> list[supervision.Supervised]:
    """Each tip with its running deadline, the days left and the colour (三色督办)."""
    return supervision.supervise(tips, today, current_due, working=working, overrides=overrides,
                                 warn_days=warn_days)


# Each running deadline with the condition of its states, written as the partial indexes' own conditions so that
# each branch reads the index of its deadline.
DEADLINES = ((text(f"tips.{AWAITING_DECISION}"), Tip.accept_due), (text(f"tips.{IN_HANDLING}"), Tip.conclude_due),
             (text(f"tips.{IN_REVIEW}"), Tip.review_due))


def _colour_condition(colour: str, bounds: tuple[date, date]):
    """Tips of one supervision colour, from workdays.days.colour_bounds (the same verdict as
    supervision_colour)."""
    return supervision.colour_condition(colour, DEADLINES, bounds)


def running_due_before(day: date):
    """Open tips whose running deadline (acceptance, conclusion, review) is before `day`: overdue on that day."""
    return _colour_condition("red", (day, day))


def _queue_scope(statement, user, state: str, *, by_state_index: bool = True):
    """A handler's tips (their bureau's; all for admins) in one state, or every open one. A list newest first
    reads the tips backwards by id (through the bureau index, which ends in the id) and stops at the page's end;
    through the state index it would have to sort every open tip first, so there the state is matched in a form
    no index serves (lower() leaves the lower-case state names unchanged)."""
    if user.role != Role.ADMIN:
        statement = statement.where(Tip.bureau_id == user.bureau_id)
    column = Tip.state if by_state_index else func.lower(Tip.state)
    return statement.where(column == state) if state else statement.where(column.in_(OPEN_STATES))


def staff_queue(session, user, *, state: str = "", colour: str = "", bounds: tuple[date, date] | None = None,
                limit: int = 200, offset: int = 0) -> list[Tip]:
    """Open tips a handler may act on (their bureau's), or every tip for admins; newest first, optionally
    only those of one supervision colour."""
    statement = _queue_scope(select(Tip).options(selectinload(Tip.categories), selectinload(Tip.district)),
                             user, state, by_state_index=bool(colour))
    if colour and bounds:
        statement = statement.where(_colour_condition(colour, bounds))
    return list(session.scalars(statement.order_by(Tip.id.desc()).limit(limit).offset(offset)))


def queue_counts(session, user, bounds: tuple[date, date], *, state: str = "") -> dict[str, int]:
    """How many of the queue's tips are red, yellow and green, counted over every open tip by the database:
    each count reads only the entries of one deadline's partial index in its colour's date range, which carry the
    bureau and the state, never the tips themselves (each deadline's states are open ones, so no condition of
    openness is added)."""
    def scoped(statement):
        if user.role != Role.ADMIN:
            statement = statement.where(Tip.bureau_id == user.bureau_id)
        return statement.where(Tip.state == state) if state else statement
    return supervision.count_by_colour(session, scoped, DEADLINES, bounds, Tip.id)


PUBLIC_STATUS = {"open": OPEN_STATES, "closed": [s.value for s in TipState if not s.is_open]}


def public_list(session, *, limit: int, offset: int = 0, status: str = "", category_id: int | None = None,
                district_id: int | None = None) -> list[Tip]:
    """Newest first, filtered; what the template shows of them carries no personal data."""
    statement = select(Tip).options(selectinload(Tip.categories), selectinload(Tip.district))
    if status in PUBLIC_STATUS:
        statement = statement.where(Tip.state.in_(PUBLIC_STATUS[status]))
    if district_id:
        statement = statement.where(Tip.district_id == district_id)
    if category_id:
        statement = statement.where(exists().where(tip_category_links.c.tip_id == Tip.id,
                                                   tip_category_links.c.category_id == category_id))
    return list(session.scalars(statement.order_by(Tip.id.desc()).limit(limit).offset(offset)))


def open_nearby(session, district_id: int, category_ids: list[int], now, *, days: int, limit: int = 5) -> list[Tip]:
    """Open tips of one of these kinds in the district received in the last `days` days, newest first."""
    return list(session.scalars(
        select(Tip).options(selectinload(Tip.categories))
        .where(Tip.district_id == district_id, Tip.state.in_(OPEN_STATES),
               Tip.submitted_at >= now - timedelta(days=days),
               exists().where(tip_category_links.c.tip_id == Tip.id,
                              tip_category_links.c.category_id.in_(category_ids)))
        .order_by(Tip.id.desc()).limit(limit)))


def overdue(session, today: date, *, limit: int = 50, offset: int = 0) -> list[Tip]:
    """Open tips past their running deadline, oldest first, a page at a time, for the office's overdue board: the
    overdue tips' ids are read from each deadline's partial index and the page's taken here, then those tips
    loaded. Ordered by id in SQL, both databases walk the whole table in id order instead (PostgreSQL until it met
    a page of overdue tips, SQLite for two of the three deadlines)."""
    late = sorted(session.scalars(union_all(*(select(Tip.id).where(state, column < today)
                                              for state, column in DEADLINES))))
    page = late[offset:offset + limit]
    return list(session.scalars(select(Tip).options(selectinload(Tip.categories), selectinload(Tip.district),
                                                    selectinload(Tip.bureau))
                                .where(Tip.id.in_(page)).order_by(Tip.id))) if page else []


def overdue_by_bureau(session, today: date) -> list[tuple[int | None, int]]:
    """(bureau id, overdue open tips), most overdue first: each deadline's overdue tips read from its partial index
    alone (which carries the bureau), then grouped."""
    late = union_all(*(select(Tip.bureau_id).where(state, column < today) for state, column in DEADLINES)).subquery()
    count = func.count()
    return [(bureau_id, number) for bureau_id, number in
            session.execute(select(late.c.bureau_id, count).group_by(late.c.bureau_id).order_by(count.desc()))]


def exposure_board(session, *, limit: int, offset: int = 0) -> list[Tip]:
    return list(session.scalars(select(Tip).options(selectinload(Tip.categories), selectinload(Tip.district),
                                                    selectinload(Tip.photos))
                                .where(Tip.exposed_at.is_not(None))
                                .order_by(Tip.exposed_at.desc()).limit(limit).offset(offset)))


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Figures:
    """Counts for one slice of the statistics, with the rates derived from them."""

    counts: Counter = field(default_factory=Counter)

    def __getitem__(self, name: str) -> int:
        return self.counts[name]

    @property
    def acceptance_rate(self) -> float | None:
        return _share(self.counts["accepted"], self.counts["decided"])

    @property
    def days_to_decide(self) -> float | None:
        return _share(self.counts["decide_days"], self.counts["decided"])

    @property
    def days_to_conclude(self) -> float | None:
        return _share(self.counts["conclude_days"], self.counts["concluded"])

    @property
    def decided_on_time(self) -> float | None:
        return _share(self.counts["decided_on_time"], self.counts["decided"])

    @property
    def concluded_on_time(self) -> float | None:
        return _share(self.counts["conclude_on_time"], self.counts["concluded"])

    @property
    def on_time(self) -> float | None:
        """Deadlines met, acceptance decisions and conclusions together."""
        return _share(self.counts["decided_on_time"] + self.counts["conclude_on_time"],
                      self.counts["decided"] + self.counts["concluded"])

    @property
    def satisfaction_rate(self) -> float | None:
        return _share(self.counts["satisfied"], self.counts["satisfied"] + self.counts["unsatisfied"])


@dataclass
class Statistics:
    year: int
    total: Figures
    by_month: dict[str, Figures]
    by_district: dict[int, Figures]
    received_by_category: dict[int, int]


def statistics(session, year: int, *, district_id: int | None = None) -> Statistics:
    """The year's figures from the tallies: at most months × districts × kinds rows, however many tips."""
    statement = select(TipTally.month, TipTally.district_id, TipTally.category_id, TipTally.name, TipTally.total) \
        .where(TipTally.month.like(f"{year:04d}-%"))
    if district_id:
        statement = statement.where(TipTally.district_id == district_id)
    total, by_month, by_district = Figures(), defaultdict(Figures), defaultdict(Figures)
    by_category = Counter()
    for month, district, category, name, value in session.execute(statement):
        if category:
            by_category[category] += value
            continue
        total.counts[name] += value
        by_month[month].counts[name] += value
        by_district[district].counts[name] += value
    return Statistics(year, total, dict(sorted(by_month.items())), dict(by_district), dict(by_category))


def statistics_years(session) -> list[int]:
    months = session.scalars(select(TipTally.month).distinct())
    return sorted({int(m[:4]) for m in months}, reverse=True)
