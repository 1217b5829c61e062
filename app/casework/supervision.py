"""Three-colour supervision (三色督办) of a queue of cases: green on track, yellow due within the warning days,
red overdue, grey when no deadline runs. A page's rows are judged in Python (`supervise`); a whole queue is
counted by the database (`colour_condition`, `count_by_colour`), reading only the index entries of a colour's
date range, however long the queue is."""
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select

from app.workdays.days import days_left, supervision_colour

COLOURS = ("red", "yellow", "green")


@dataclass
class Supervised:
    """A case in a queue with its running deadline, the days left and the colour."""

    case: Any
    due: date | None
    left: int | None
    colour: str
    paused: bool = False


def supervise(cases: Iterable[Any], today: date, running_due: Callable[[Any], date | None], *, working: bool,
              overrides: Mapping[date, bool], warn_days: int,
              paused: Callable[[Any], date | None] | None = None) -> list[Supervised]:
    """Judge each case: `running_due(case)` is its running deadline; `paused(case)`, where given, the deadline
    as it stands while the clock is stopped (shown grey, never counted late)."""
    rows = []
    for case in cases:
        stopped = paused(case) if paused else None
        if stopped is not None:
            rows.append(Supervised(case, stopped, None, "grey", paused=True))
            continue
        due = running_due(case)
        left = days_left(today, due, working=working, overrides=overrides) if due else None
        rows.append(Supervised(case, due, left, supervision_colour(left, warn_days)))
    return rows


# A running deadline as the database sees it: (condition on the case's state, the due-date column then).
Branch = tuple[Any, Any]


def colour_condition(colour: str, branches: Sequence[Branch], bounds: tuple[date, date]) -> ColumnElement[bool]:
    """Cases of one colour, from workdays.days.colour_bounds (the same verdict as supervision_colour). Each
    branch pairs a state condition with its deadline column, so that each can read a partial index."""
    red_before, green_from = bounds
    low, high = {"red": (None, red_before), "yellow": (red_before, green_from), "green": (green_from, None)}[colour]

    def within(column: Any) -> ColumnElement[bool]:
        return and_(*([column >= low] if low else []), *([column < high] if high else []))
    return or_(false(), *(and_(state, within(column)) for state, column in branches))


def count_by_colour(session: Any, scoped: Callable[[Select[Any]], Select[Any]], branches: Sequence[Branch],
                    bounds: tuple[date, date], id_column: Any) -> dict[str, int]:
    """How many cases are red, yellow and green: `scoped(statement)` adds the queue's own conditions. One statement
    of a count per colour and branch, so that each count reads one deadline's index alone (an OR of the branches
    would fetch every case it counts)."""
    def count(colour: str, branch: Branch) -> Any:
        # count(*), not count(id): PostgreSQL's partial indexes do not hold the id, and counting it would read
        # every case the index points to
        return (scoped(select(func.count()).select_from(id_column.table))
                .where(colour_condition(colour, [branch], bounds)).scalar_subquery())
    labels = [(colour, index) for colour in COLOURS for index in range(len(branches))]
    row = session.execute(select(*(count(colour, branches[index]).label(f"{colour}_{index}")
                                   for colour, index in labels))).one()
    totals = dict.fromkeys(COLOURS, 0)
    for (colour, _index), value in zip(labels, row):
        totals[colour] += int(value or 0)
    return totals
