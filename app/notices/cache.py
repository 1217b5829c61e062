"""The notices' public pages (the list with its filters and search, a notice's page) kept per process under the
`notices` generation (app.web.public_cache): bumped by every change to a public notice, its texts, places,
indicators, attachments, revisions or public history, and to a category, bureau, place or indicator they show.

Drafts and notices under review are not public: writing them leaves the kept pages alone. A notice approved for
a later time becomes public without a write; the list's key holds the newest publication time that has come
(`latest_published`), so the list changes when that time comes."""
from datetime import datetime

from sqlalchemy import inspect, select

from app.indicators.models import Indicator
from app.notices.models import (Notice, NoticeAttachment, NoticeCategory, NoticeEvent, NoticeRevision,
                                notice_indicators, notice_places)
from app.notices.queries import PUBLIC_STATES
from app.notices.search import FTS_TABLE
from app.org.models import Bureau, Place
from app.web.public_cache import Generation

WATCHED = (NoticeCategory, NoticeAttachment, NoticeRevision, Bureau, Place, Indicator)
TABLES = frozenset({model.__table__.name for model in (Notice, NoticeEvent, *WATCHED)}
                   | {notice_places.name, notice_indicators.name, FTS_TABLE})


def _changes_what_pages_show(obj) -> bool:
    if isinstance(obj, Notice):
        # After a flush the attribute history still holds the state the flush changed from.
        history = inspect(obj).attrs.state.history
        return any(state in PUBLIC_STATES for state in (obj.state, *history.added, *history.deleted))
    if isinstance(obj, NoticeEvent):
        return bool(obj.public)  # internal review steps are not shown
    return isinstance(obj, WATCHED)


generation = Generation("notices", _changes_what_pages_show, lambda: set(TABLES))


def latest_published(session, now: datetime) -> datetime | None:
    """The newest publication time that has come: a notice scheduled for later joins the list when its time comes,
    with no write to move the generation, so the list's key holds this (one read down the publication index)."""
    return session.scalar(select(Notice.published_at)
                          .where(Notice.state.in_(PUBLIC_STATES), Notice.published_at <= now)
                          .order_by(Notice.published_at.desc()).limit(1))
