"""Pollution tips: categories routed to bureaus, the tip with its deadlines, photos and the timeline."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (Boolean, CheckConstraint, Column, Date, ForeignKey, Index, Integer, Numeric, String, Table,
                        Text, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.casework.timeline import TimelineEntry
from app.db_types import UTCDateTime, utcnow
from app.enums import EnumColumn, enum_check
from app.extensions import db
from app.i18n import localized
from app.org.models import Bureau, Place
from app.tips.workflow import (ANSWERED_STATES, HANDLING_STATES, REVIEW_STATES, ExtensionState, Finding, Rating,
                               RewardState, TipState)

__all__ = ["ExtensionState", "RewardState", "Tip", "TipCategory", "TipEvent", "TipPhoto", "TipTally"]

# The states whose deadline runs, as SQL text: a partial index is used only by a query that repeats its
# condition word for word, which bound parameters would not.
AWAITING_DECISION = "state = 'submitted'"
IN_HANDLING = "state IN ('accepted', 'assigned', 'investigating')"
IN_REVIEW = "state IN ('reviewing', 're_reviewing')"
OPEN = ("state IN ('submitted', 'accepted', 'assigned', 'investigating', 'concluded', 'reviewing', 'reviewed', "
        "'re_reviewing', 're_reviewed')")


class TipCategory(db.Model):
    """A pollution type (大气, 水…) or a sub-type of one, routed to a default bureau."""

    __tablename__ = "tip_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tip_categories.id"))
    name_zh_hans: Mapped[str] = mapped_column(String(100))
    name_zh_hant: Mapped[str] = mapped_column(String(100), default="")
    name_en: Mapped[str] = mapped_column(String(150), default="")
    bureau_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    bureau: Mapped[Bureau | None] = relationship()
    parent: Mapped["TipCategory | None"] = relationship(remote_side=[id])

    @property
    def name(self) -> str:
        return localized(self, "name")


tip_category_links = Table(
    "tip_category_links", db.metadata,
    Column("tip_id", ForeignKey("tips.id"), primary_key=True),
    Column("category_id", ForeignKey("tip_categories.id"), primary_key=True),
)


def public_number(submitted_at: datetime, tip_id: int) -> str:
    """A tip's public number from its year of receipt and id (for rows read without the whole tip)."""
    return f"{submitted_at:%Y}-{tip_id:06d}"


class Tip(db.Model):
    __tablename__ = "tips"
    __table_args__ = (
        enum_check("state", TipState),
        enum_check("extension_state", ExtensionState, nullable=True),
        CheckConstraint("anonymous OR reporter_name <> ''", name="named_has_name"),
        enum_check("rating", Rating, nullable=True),
        enum_check("reward_state", RewardState, nullable=True),
        CheckConstraint("reward_state IS NULL OR NOT anonymous", name="reward_needs_a_name"),
        CheckConstraint("merged_into_id IS NULL OR state = 'merged'", name="merged_has_state"),
        enum_check("finding", Finding, nullable=True),
        CheckConstraint("state NOT IN ('reviewing', 're_reviewing') OR review_due IS NOT NULL", name="review_has_due"),
        # The running deadlines of open tips, so that supervision counts and the overdue board read only the
        # tips near or past a date, however many tips the city has handled (queries.AWAITING_DECISION…).
        # They carry the bureau and the state, so that a queue's colour counts (a handler's bureau, one state) read
        # the index entries alone, never the tips.
        Index("ix_tips_awaiting_decision_due", "accept_due", "bureau_id", "state",
              sqlite_where=text(AWAITING_DECISION), postgresql_where=text(AWAITING_DECISION)),
        Index("ix_tips_in_handling_due", "conclude_due", "bureau_id", "state", sqlite_where=text(IN_HANDLING),
              postgresql_where=text(IN_HANDLING)),
        Index("ix_tips_in_review_due", "review_due", "bureau_id", "state", sqlite_where=text(IN_REVIEW),
              postgresql_where=text(IN_REVIEW)),
        # The duplicate check reads a district's open tips of the last weeks, newest first
        # (services.duplicate_candidates): only open ones are indexed, so closed tips cost it nothing.
        Index("ix_tips_open_district_submitted", "district_id", "submitted_at", sqlite_where=text(OPEN),
              postgresql_where=text(OPEN)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Only a hash of the reporter's tracking code is stored: the code itself is the key to the private page.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[TipState] = mapped_column(EnumColumn(TipState, 16), default=TipState.SUBMITTED, index=True)
    description: Mapped[str] = mapped_column(Text)
    district_id: Mapped[int] = mapped_column(ForeignKey("places.id"), index=True)
    address: Mapped[str] = mapped_column(String(300))
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    observed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reported_unit: Mapped[str] = mapped_column(String(200), default="")
    anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    reporter_name: Mapped[str] = mapped_column(String(100), default="")
    reporter_phone: Mapped[str] = mapped_column(String(40), default="")
    bureau_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    accept_due: Mapped[date] = mapped_column(Date)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    conclude_due: Mapped[date | None] = mapped_column(Date)
    concluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    not_accepted_reason: Mapped[str] = mapped_column(Text, default="")
    findings: Mapped[str] = mapped_column(Text, default="")
    finding: Mapped[Finding | None] = mapped_column(EnumColumn(Finding, 16))  # the verdict, set on concluding
    measures_taken: Mapped[str] = mapped_column(Text, default="")
    reply: Mapped[str] = mapped_column(Text, default="")  # the reply to the reporter, shown on the status page
    extension_state: Mapped[ExtensionState | None] = mapped_column(EnumColumn(ExtensionState, 16))
    extension_days: Mapped[int | None] = mapped_column(Integer)
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    rating: Mapped[Rating | None] = mapped_column(EnumColumn(Rating, 16))
    rating_comment: Mapped[str] = mapped_column(Text, default="")
    review_requested: Mapped[bool] = mapped_column(Boolean, default=False)  # the old one-time re-investigation
    # 复查 / 复核 (信访工作条例 arts. 35–36): the running deadline of the review in progress, and the opinions.
    review_due: Mapped[date | None] = mapped_column(Date)
    review_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the latest review opinion
    review_opinion: Mapped[str] = mapped_column(Text, default="")
    re_review_opinion: Mapped[str] = mapped_column(Text, default="")
    # Duplicates: flagged on arrival for the handler to judge; merged when the handler agrees.
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("tips.id"))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("tips.id"), index=True)
    reward_state: Mapped[RewardState | None] = mapped_column(EnumColumn(RewardState, 16))
    reward_amount: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    # The exposure board (曝光台): a verified case staff chose to publish, in their own public words.
    exposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    exposure_title: Mapped[str] = mapped_column(String(200), default="")
    exposure_summary: Mapped[str] = mapped_column(Text, default="")
    escalations: Mapped[int] = mapped_column(Integer, default=0)  # 督办 notices sent while overdue

    categories: Mapped[list[TipCategory]] = relationship(secondary=tip_category_links, order_by=TipCategory.sort_order)
    district: Mapped[Place] = relationship()
    bureau: Mapped[Bureau | None] = relationship()
    photos: Mapped[list["TipPhoto"]] = relationship(back_populates="tip", order_by="TipPhoto.id")
    events: Mapped[list["TipEvent"]] = relationship(back_populates="tip", order_by="TipEvent.id")
    duplicate_of: Mapped["Tip | None"] = relationship(foreign_keys=[duplicate_of_id], remote_side=[id])
    merged_into: Mapped["Tip | None"] = relationship(foreign_keys=[merged_into_id], remote_side=[id])

    @property
    def is_open(self) -> bool:
        return self.state.is_open

    @property
    def in_handling(self) -> bool:
        """Accepted and not yet concluded: the conclusion deadline runs."""
        return self.state in HANDLING_STATES

    @property
    def in_review(self) -> bool:
        """A review (复查) or re-review (复核) is running on its own deadline."""
        return self.state in REVIEW_STATES

    @property
    def in_first_review(self) -> bool:
        """The review (复查) runs, not the re-review (复核)."""
        return self.state == TipState.REVIEWING

    @property
    def awaiting_rating(self) -> bool:
        """A written answer (conclusion or review opinion) waits for the reporter's rating."""
        return self.state in ANSWERED_STATES

    @property
    def opinion_is_final(self) -> bool:
        """The re-review opinion is given: no further review can be asked for."""
        return self.state == TipState.RE_REVIEWED

    @property
    def running_due(self) -> date | None:
        """The deadline that is running now: acceptance, then conclusion, then the review's (复查 / 复核) own;
        none while the reporter is to answer, or once closed."""
        if self.state == TipState.SUBMITTED:
            return self.accept_due
        if self.in_handling:
            return self.conclude_due
        if self.in_review:
            return self.review_due
        return None

    @property
    def may_ask_extension(self) -> bool:
        """Being handled, and no extension asked for yet (only one is allowed)."""
        return self.in_handling and self.extension_state is None

    @property
    def extension_pending(self) -> bool:
        return self.extension_state == ExtensionState.REQUESTED

    @property
    def extension_approved(self) -> bool:
        return self.extension_state == ExtensionState.APPROVED

    @property
    def publishable(self) -> bool:
        """A concluded case whose report was not found unsubstantiated may go on the exposure board."""
        return self.state in (TipState.CONCLUDED, TipState.CLOSED) and (self.finding is None or self.finding.verified)

    @property
    def reward_has_amount(self) -> bool:
        return self.reward_state is not None and self.reward_state.has_amount

    @property
    def reward_to_be_paid(self) -> bool:
        return self.reward_state == RewardState.GRANTED

    @property
    def public_number(self) -> str:
        """The number shown in public lists; it opens nothing."""
        return public_number(self.submitted_at, self.id)

    def snapshot(self) -> dict:
        return {"state": self.state, "bureau_id": self.bureau_id, "accept_due": str(self.accept_due),
                "conclude_due": str(self.conclude_due) if self.conclude_due else None,
                "extension_state": self.extension_state, "finding": self.finding,
                "review_due": str(self.review_due) if self.review_due else None, "merged_into_id": self.merged_into_id,
                "reward_state": self.reward_state,
                "reward_amount": str(self.reward_amount) if self.reward_amount is not None else None,
                "exposed": self.exposed_at is not None, "escalations": self.escalations}


class TipPhoto(db.Model):
    """A photo re-encoded on upload (metadata stripped); public only once staff have cleared it."""

    __tablename__ = "tip_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id"), index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    size: Mapped[int] = mapped_column(Integer)
    by_staff: Mapped[bool] = mapped_column(Boolean, default=False)  # taken by handlers when concluding
    cleared: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    tip: Mapped[Tip] = relationship(back_populates="photos")


class TipEvent(TimelineEntry, db.Model):
    """One line of a tip's timeline. Public entries never carry personal data; internal ones stay in-house."""

    __tablename__ = "tip_events"

    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id"), index=True)
    bureau_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"))

    tip: Mapped[Tip] = relationship(back_populates="events")
    bureau: Mapped[Bureau | None] = relationship()


class TipTally(db.Model):
    """Running totals for the public statistics, kept up to date by the services, so that the statistics
    never scan the tips.

    month: the month the tips were received ("2026-11"); category_id 0 counts every kind together;
    name: "received", "accepted", "not_accepted", "merged", "accept_days" (sum of days to the decision),
    "accept_on_time", "concluded", "conclude_days", "conclude_on_time", "satisfied", "unsatisfied".
    """

    __tablename__ = "tip_tallies"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    district_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(24), primary_key=True)
    total: Mapped[int] = mapped_column(Integer, default=0)
