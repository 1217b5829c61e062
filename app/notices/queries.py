"""Reads of disclosure notices: the public list with filters and search, feeds, the staff lists."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import false, func, select
from sqlalchemy.orm import selectinload

from app.i18n import site_zone
from app.notices import catalogue, policy, search
from app.notices.catalogue import Schedule
from app.notices.models import DisclosureItem, Notice, NoticeCategory, NoticeChange, notice_places
from app.notices.workflow import ChangeState, NoticeState
from app.org.models import Bureau, Place

PUBLIC_STATES = tuple(state for state in NoticeState if state.has_public_page)


@dataclass
class Filters:
    category: NoticeCategory | None = None
    bureau: Bureau | None = None
    year: int | None = None
    district: Place | None = None
    q: str = ""


def public(now: datetime):
    """Notices the public may see: published or withdrawn (a stub), once their publication time has come."""
    return select(Notice).where(Notice.state.in_(PUBLIC_STATES), Notice.published_at <= now)


def category_ids_under(session, category: NoticeCategory) -> list[int]:
    """The category and every category below it in the tree."""
    rows = session.execute(select(NoticeCategory.id, NoticeCategory.parent_id)).all()
    ids, frontier = {category.id}, [category.id]
    while frontier:
        frontier = [child for child, parent in rows if parent in frontier and child not in ids]
        ids.update(frontier)
    return sorted(ids)


def public_list(session, now: datetime, filters: Filters):
    """The select for the public list, newest first, filtered and searched."""
    return (_filtered(public(now), session, filters)
            .options(selectinload(Notice.category), selectinload(Notice.bureau))
            .order_by(Notice.published_at.desc(), Notice.id.desc()))


def public_page(session, now: datetime, filters: Filters, *, limit: int, offset: int) -> list[Notice]:
    """One window of the public list (for app.web.pagination): the ids of the window first, read from the indexes
    without the notices' texts, then just those notices."""
    ids = list(session.scalars(_filtered(public(now).with_only_columns(Notice.id), session, filters)
                               .order_by(Notice.published_at.desc(), Notice.id.desc()).limit(limit).offset(offset)))
    if not ids:
        return []
    rows = {notice.id: notice for notice in session.scalars(
        select(Notice).where(Notice.id.in_(ids)).options(selectinload(Notice.category), selectinload(Notice.bureau)))}
    return [rows[notice_id] for notice_id in ids]


def _filtered(statement, session, filters: Filters):
    """Narrow a select of notices by the list's filters and search."""
    if filters.category is not None:
        statement = statement.where(Notice.category_id.in_(category_ids_under(session, filters.category)))
    if filters.bureau is not None:
        statement = statement.where(Notice.bureau_id == filters.bureau.id)
    if filters.year is not None:
        statement = statement.where(Notice.created_on >= date(filters.year, 1, 1),
                                    Notice.created_on < date(filters.year + 1, 1, 1))
    if filters.district is not None:
        statement = statement.where(Notice.id.in_(select(notice_places.c.notice_id)
                                                  .where(notice_places.c.place_id == filters.district.id)))
    return search.matching(statement, session, filters.q)


def public_notice(session, notice_id: int, now: datetime) -> Notice | None:
    return session.scalar(public(now).where(Notice.id == notice_id))


def years(session, now: datetime) -> list[int]:
    """The years from the oldest to the newest date created (two index lookups, whatever the number of notices)."""
    dates = public(now).with_only_columns(Notice.created_on).limit(1)
    first = session.scalar(dates.order_by(Notice.created_on))
    last = session.scalar(dates.order_by(Notice.created_on.desc()))
    return list(range(last.year, first.year - 1, -1)) if first else []


def categories(session, *, active_only: bool = True) -> list[NoticeCategory]:
    """Categories in tree order: each parent followed by its children."""
    statement = select(NoticeCategory).order_by(NoticeCategory.sort_order, NoticeCategory.id)
    if active_only:
        statement = statement.where(NoticeCategory.active.is_(True))
    rows = list(session.scalars(statement))
    by_parent: dict = {}
    for row in rows:
        by_parent.setdefault(row.parent_id, []).append(row)
    known = {row.id for row in rows}
    ordered: list = []

    def walk(parent_id, depth):
        for row in by_parent.get(parent_id, []):
            row.depth = depth
            ordered.append(row)
            walk(row.id, depth + 1)
    walk(None, 0)
    for row in rows:  # children of an inactive parent still appear, at the top level
        if row not in ordered and row.parent_id not in known:
            row.depth = 0
            ordered.append(row)
            walk(row.id, 1)
    return ordered


def feed_entries(session, now: datetime, category: NoticeCategory | None = None, limit: int = 50) -> list[Notice]:
    statement = public(now)
    if category is not None:
        statement = statement.where(Notice.category_id.in_(category_ids_under(session, category)))
    return list(session.scalars(statement.order_by(Notice.published_at.desc(), Notice.id.desc()).limit(limit)))


def published_count(session, now: datetime) -> int:
    return session.scalar(public(now).where(Notice.state == NoticeState.PUBLISHED)
                          .with_only_columns(func.count()))


def sitemap_notices(session, now: datetime, *, offset: int = 0, limit: int = 50_000) -> list[tuple[int, datetime]]:
    """Published notices (not withdrawn stubs) for the sitemap, by id."""
    return list(session.execute(public(now).where(Notice.state == NoticeState.PUBLISHED)
                                .with_only_columns(Notice.id, Notice.updated_at)
                                .order_by(Notice.id).offset(offset).limit(limit)).all())


CHANGES_AWAITING_REVIEW = "change"  # the list filter for published notices with a correction or withdrawal to review


def staff_list(session, user, state: str = ""):
    """The back-office list: a bureau editor sees only their bureau's notices; reviewers and admins all."""
    statement = select(Notice).options(selectinload(Notice.category), selectinload(Notice.bureau),
                                       selectinload(Notice.changes))
    if not policy.sees_every_bureau(user):  # a bureau editor works on their own bureau's notices, others on none
        mine = policy.can_edit(user, user.bureau_id)
        statement = statement.where(Notice.bureau_id == user.bureau_id if mine else false())
    if state == CHANGES_AWAITING_REVIEW:
        statement = statement.where(Notice.changes.any(NoticeChange.state == ChangeState.SUBMITTED))
    elif state:
        statement = statement.where(Notice.state == state)
    return statement.order_by(Notice.updated_at.desc(), Notice.id.desc())


@dataclass
class ItemStatus:
    item: DisclosureItem
    occurrences: list  # of catalogue.Occurrence, oldest first


def disclosure_items(session, bureau_id: int | None = None, *, place=None, active_only: bool = True):
    statement = select(DisclosureItem).options(selectinload(DisclosureItem.bureau)).order_by(
        DisclosureItem.bureau_id, DisclosureItem.code)
    if active_only:
        statement = statement.where(DisclosureItem.active.is_(True))
    if bureau_id is not None:
        statement = statement.where(DisclosureItem.bureau_id == bureau_id)
    if place is not None:
        # A district's items are those of its bureaus; the city's are all of them.
        statement = statement.where(DisclosureItem.bureau_id.in_(select(Bureau.id).where(Bureau.place_id == place.id)))
    return list(session.scalars(statement))


def catalogue_status(session, items: list[DisclosureItem], now: datetime, today, *, warn_days: int = 3,
                     overrides=None) -> list[ItemStatus]:
    """Each item's occurrences matched with the published notices of that item (of its bureau)."""
    if not items:
        return []
    zone = site_zone()
    notices = session.execute(
        select(Notice.disclosure_item_id, Notice.title_zh_hans, Notice.created_on, Notice.published_at, Notice.state,
               Notice.period)
        .where(Notice.disclosure_item_id.in_([i.id for i in items]), Notice.state != NoticeState.WITHDRAWN)
        .order_by(Notice.id)).all()
    result = []
    for item in items:
        mine = [row for row in notices if row.disclosure_item_id == item.id]

        def published_on(row):
            public = row.state == NoticeState.PUBLISHED and row.published_at is not None and row.published_at <= now
            return row.published_at.astimezone(zone).date() if public else None
        if item.schedule == Schedule.MONTHLY:
            # Each publication counts for the month it is for (older notices: the month of their date created).
            dated = [(row.period or row.created_on.strftime("%Y-%m"), published_on(row)) for row in mine]
            occurrences = catalogue.monthly(item.starts_on, today, item.due_day,
                                            [(period, d) for period, d in dated if d is not None], warn_days=warn_days,
                                            overrides=overrides)
        else:
            occurrences = [catalogue.event(row.title_zh_hans, row.created_on, published_on(row), today,
                                           item.working_days, warn_days=warn_days, overrides=overrides)
                           for row in mine if row.created_on >= item.starts_on]
        result.append(ItemStatus(item, occurrences))
    return result
