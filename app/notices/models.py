"""Disclosure notices (信息公开): categories, notices with their texts per locale, attachments, history."""
from datetime import date, datetime

from sqlalchemy import (JSON, Boolean, CheckConstraint, Column, Date, ForeignKey, Index, Integer, String, Table, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.casework.timeline import TimelineEntry
from app.db_types import StoredFile, UTCDateTime, utcnow
from app.enums import EnumColumn, enum_check
from app.extensions import db
from app.i18n import current_locale, localized
from app.indicators.models import Indicator
from app.notices.catalogue import Schedule
from app.notices.workflow import ChangeKind, ChangeState, NoticeState
from app.org.models import Bureau, Place

LOCALE_SUFFIXES = ("zh_hans", "zh_hant", "en")


class NoticeCategory(db.Model):
    """A column of the disclosure catalogue (环境质量, 行政处罚…), possibly under a parent; admins edit them."""

    __tablename__ = "notice_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("notice_categories.id"))
    name_zh_hans: Mapped[str] = mapped_column(String(100))
    name_zh_hant: Mapped[str] = mapped_column(String(100), default="")
    name_en: Mapped[str] = mapped_column(String(150), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped["NoticeCategory | None"] = relationship(remote_side=[id])

    @property
    def name(self) -> str:
        return localized(self, "name")

    def audit_state(self) -> dict:
        return {"code": self.code, "parent_id": self.parent_id, "name_zh_hans": self.name_zh_hans,
                "name_zh_hant": self.name_zh_hant, "name_en": self.name_en, "sort_order": self.sort_order,
                "active": self.active}


class DisclosureItem(db.Model):
    """An item of a bureau's proactive-disclosure catalogue (主动公开目录) that must be published on a schedule."""

    __tablename__ = "disclosure_items"
    __table_args__ = (
        enum_check("schedule", Schedule, name="schedule_valid"),
        CheckConstraint("schedule <> 'monthly' OR (due_day BETWEEN 1 AND 31)", name="monthly_has_day"),
        CheckConstraint("schedule <> 'event' OR working_days > 0", name="event_has_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("notice_categories.id"))
    name_zh_hans: Mapped[str] = mapped_column(String(200))
    name_zh_hant: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(300), default="")
    schedule: Mapped[Schedule] = mapped_column(EnumColumn(Schedule, 16))
    due_day: Mapped[int | None] = mapped_column(Integer)  # monthly: due by this day of each month
    working_days: Mapped[int] = mapped_column(Integer, default=20)  # event: due this many working days after
    starts_on: Mapped[date] = mapped_column(Date)  # monthly occurrences are counted from this month
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    bureau: Mapped[Bureau] = relationship()
    category: Mapped[NoticeCategory | None] = relationship()

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def monthly(self) -> bool:
        """Due by a day of every month (else within working days of each event)."""
        return self.schedule == Schedule.MONTHLY

    def audit_state(self) -> dict:
        return {"code": self.code, "bureau_id": self.bureau_id, "category_id": self.category_id,
                "name_zh_hans": self.name_zh_hans, "schedule": self.schedule, "due_day": self.due_day,
                "working_days": self.working_days, "starts_on": self.starts_on.isoformat(), "active": self.active}


notice_places = Table(
    "notice_places", db.metadata,
    Column("notice_id", ForeignKey("notices.id"), primary_key=True),
    Column("place_id", ForeignKey("places.id"), primary_key=True),
)

notice_indicators = Table(
    "notice_indicators", db.metadata,
    Column("notice_id", ForeignKey("notices.id"), primary_key=True),
    Column("indicator_id", ForeignKey("indicators.id"), primary_key=True),
)


class Notice(db.Model):
    """One disclosure notice. Published notices are never deleted: corrected (new revision) or withdrawn."""

    __tablename__ = "notices"
    __table_args__ = (
        enum_check("state", NoticeState, name="state_valid"),
        CheckConstraint("state NOT IN ('published', 'withdrawn') OR "
                        "(published_at IS NOT NULL AND index_number IS NOT NULL)", name="published_has_number"),
        CheckConstraint("state <> 'withdrawn' OR withdrawn_reason <> ''", name="withdrawal_has_reason"),
        # The index number's sequence is unique per bureau and year: this constraint decides concurrent allocations.
        UniqueConstraint("bureau_id", "index_year", "index_seq", name="uq_notices_index_sequence"),
        # The public list walks this index newest first and stops after a page (no index on state on purpose:
        # SQLite would pick it and sort every published notice). It carries the state and the filtered columns so
        # that the ids of a page, however deep, and of a category or bureau, are read from it alone.
        Index("ix_notices_public_order", "published_at", "id", "state", "category_id", "bureau_id"),
        # A year's notices (and the list's years) are read from this one alone, only the matches sorted.
        Index("ix_notices_public_created", "created_on", "published_at", "state", "category_id", "bureau_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    index_number: Mapped[str | None] = mapped_column(String(64), unique=True)  # 索引号, given on approval
    index_year: Mapped[int | None] = mapped_column(Integer)
    index_seq: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[NoticeState] = mapped_column(EnumColumn(NoticeState, 16), default=NoticeState.DRAFT)
    category_id: Mapped[int] = mapped_column(ForeignKey("notice_categories.id"), index=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"), index=True)
    # The catalogue item this notice fulfils, if any (counted for the disclosure rate).
    disclosure_item_id: Mapped[int | None] = mapped_column(ForeignKey("disclosure_items.id"), index=True)
    # For a monthly catalogue item: the month ("2026-10") whose occurrence this publication is, matched to that
    # month only. Empty on older notices, which count for the month of their date created.
    period: Mapped[str | None] = mapped_column(String(7))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_on: Mapped[date] = mapped_column(Date)  # 生成日期: when the information came into being
    title_zh_hans: Mapped[str] = mapped_column(String(300))
    title_zh_hant: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(400), default="")
    summary_zh_hans: Mapped[str] = mapped_column(Text, default="")
    summary_zh_hant: Mapped[str] = mapped_column(Text, default="")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    body_zh_hans: Mapped[str] = mapped_column(Text, default="")  # Markdown, rendered and sanitised on display
    body_zh_hant: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    # Every text of the notice in one column, kept by the services: PostgreSQL searches it with pg_trgm.
    search_text: Mapped[str] = mapped_column(Text, default="")
    publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # asked-for publication time
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # public from then on
    revision: Mapped[int] = mapped_column(Integer, default=1)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    category: Mapped[NoticeCategory] = relationship()
    bureau: Mapped[Bureau] = relationship()
    disclosure_item: Mapped[DisclosureItem | None] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
    places: Mapped[list[Place]] = relationship(secondary=notice_places, order_by=Place.sort_order)
    indicators: Mapped[list[Indicator]] = relationship(secondary=notice_indicators)
    attachments: Mapped[list["NoticeAttachment"]] = relationship(back_populates="notice",
                                                                order_by="NoticeAttachment.id")
    revisions: Mapped[list["NoticeRevision"]] = relationship(back_populates="notice",
                                                            order_by="NoticeRevision.number")
    events: Mapped[list["NoticeEvent"]] = relationship(back_populates="notice", order_by="NoticeEvent.id")
    changes: Mapped[list["NoticeChange"]] = relationship(back_populates="notice", order_by="NoticeChange.id")

    @property
    def open_change(self) -> "NoticeChange | None":
        """The correction or withdrawal waiting for review or returned to its author, if any."""
        return next((c for c in self.changes if c.state.is_open), None)

    @property
    def editable_in_form(self) -> bool:
        """Whether the edit form is open: a draft or returned notice, or a published one to correct while no
        withdrawal and no change under review stands in the way."""
        change = self.open_change
        if self.state in (NoticeState.SUBMITTED, NoticeState.WITHDRAWN):
            return False
        return change is None or (change.state == ChangeState.RETURNED and change.kind == ChangeKind.CORRECTION)

    def text(self, field: str, locale: str | None = None) -> tuple[str, bool]:
        """The field in the locale, and whether it fell back to zh_Hans because the translation is missing."""
        suffix = (locale or current_locale()).lower()
        value = getattr(self, f"{field}_{suffix}")
        if value:
            return value, False
        return getattr(self, f"{field}_zh_hans"), suffix != "zh_hans"

    @property
    def title(self) -> str:
        return self.text("title")[0]

    @property
    def summary(self) -> str:
        return self.text("summary")[0]

    def is_public(self, now: datetime) -> bool:
        """Published (or withdrawn, as a stub) and its publication time has come."""
        return (self.state.has_public_page and self.published_at is not None and self.published_at <= now)

    def snapshot(self) -> dict:
        return {"state": self.state, "index_number": self.index_number, "revision": self.revision,
                "title_zh_hans": self.title_zh_hans, "category_id": self.category_id, "bureau_id": self.bureau_id,
                "period": self.period,
                "publish_at": self.publish_at.isoformat() if self.publish_at else None,
                "published_at": self.published_at.isoformat() if self.published_at else None}


class NoticeAttachment(StoredFile, db.Model):
    """A file attached to a notice, recognised by content and stored under a random name."""

    __tablename__ = "notice_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)

    notice: Mapped[Notice] = relationship(back_populates="attachments")


class NoticeRevision(db.Model):
    """A published text that a correction replaced, with the public correction note (更正说明)."""

    __tablename__ = "notice_revisions"
    __table_args__ = (UniqueConstraint("notice_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # the revision this text was
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)  # when it was replaced
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text)  # why the correction was made: shown publicly
    title_zh_hans: Mapped[str] = mapped_column(String(300))
    summary_zh_hans: Mapped[str] = mapped_column(Text, default="")
    body_zh_hans: Mapped[str] = mapped_column(Text, default="")

    notice: Mapped[Notice] = relationship(back_populates="revisions")


class NoticeEvent(TimelineEntry, db.Model):
    """One line of a notice's history: public ones (published, corrected, withdrawn) and internal review steps."""

    __tablename__ = "notice_events"

    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    step: Mapped[str] = mapped_column(String(16))  # narrower than the shared entry's: the column as it was made
    public: Mapped[bool] = mapped_column(Boolean, default=False)

    notice: Mapped[Notice] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


# At most one correction or withdrawal under way per notice; as SQL text, for the partial unique index.
OPEN_CHANGE = "state IN ('submitted', 'returned')"


class NoticeChange(db.Model):
    """A correction or withdrawal of a published notice, reviewed like a first publication: the published
    version stays live, unchanged, until a reviewer who did not ask for the change approves it."""

    __tablename__ = "notice_changes"
    __table_args__ = (
        enum_check("kind", ChangeKind, name="kind_valid"),
        enum_check("state", ChangeState, name="state_valid"),
        CheckConstraint("note <> ''", name="has_note"),
        CheckConstraint("kind <> 'correction' OR proposal IS NOT NULL", name="correction_has_proposal"),
        CheckConstraint("state <> 'returned' OR review_comment <> ''", name="returned_has_reason"),
        CheckConstraint("state <> 'approved' OR (reviewer_id IS NOT NULL AND reviewer_id <> author_id)",
                        name="approved_by_another"),
        Index("uq_notice_changes_one_open", "notice_id", unique=True, sqlite_where=text(OPEN_CHANGE),
              postgresql_where=text(OPEN_CHANGE)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    kind: Mapped[ChangeKind] = mapped_column(EnumColumn(ChangeKind, 16))
    state: Mapped[ChangeState] = mapped_column(EnumColumn(ChangeState, 16), default=ChangeState.SUBMITTED)
    note: Mapped[str] = mapped_column(Text)  # the correction note (更正说明) or the withdrawal reason: public once live
    # A correction's new values: texts per locale and the ids of category, bureau, places, indicators, item.
    proposal: Mapped[dict | None] = mapped_column(JSON)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    notice: Mapped[Notice] = relationship(back_populates="changes")
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])

    def snapshot(self) -> dict:
        return {"kind": self.kind, "state": self.state, "notice_id": self.notice_id, "note": self.note[:500],
                "author_id": self.author_id, "reviewer_id": self.reviewer_id}
