"""Participation the city organises: activities with sign-ups and attendance, volunteers and their hours,
facility open days with group bookings, and consultations with suggestions and official answers.

Residents never need an account. A person who signs up, books or suggests gets a personal code (shown once,
stored as a keyed hash, `app/casework/codes.py`) to manage or follow what they sent. Names and phone numbers
are personal data: shown only to the organiser who needs them, every look audited, removed after the retention
period (`PARTICIPATION_RETENTION_DAYS`) by `flask participation-purge`, which keeps the counts.

The public figures (activities held, participants, volunteer hours, visits, suggestions) are running tallies per
year and district (`ParticipationTally`, `tallies.py`), added to in the transaction of each step that changes
them, so the figures never read sign-ups.

Places are counted in the row (`Activity.taken`, `VisitSlot.taken`): a sign-up adds its group size under a
conditional UPDATE (`taken + n <= capacity`), so concurrent sign-ups for the last place can never overfill,
on SQLite and PostgreSQL alike, and public pages read counts without counting rows.
"""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, Boolean, CheckConstraint, Date, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.casework.timeline import TimelineEntry
from app.db_types import StoredFile, UTCDateTime, utcnow
from app.enums import EnumColumn, TitledEnum, enum_check
from app.extensions import db
from app.i18n import localized
from app.org.models import Bureau, Place


class ActivityKind(TitledEnum):
    TREE_PLANTING = "tree_planting", _l("Tree planting")
    RIVER_CLEANUP = "river_cleanup", _l("River clean-up")
    TALK = "talk", _l("Talk or campaign")
    ENVIRONMENT_DAY = "environment_day", _l("Environment day")
    WASTE_SORTING = "waste_sorting", _l("Waste sorting")
    OTHER = "other", _l("Other activity")


class ActivityState(TitledEnum):
    DRAFT = "draft", _l("Draft")
    PUBLISHED = "published", _l("Published")
    CANCELLED = "cancelled", _l("Cancelled")
    CLOSED = "closed", _l("Held, record published")


class RegistrationState(TitledEnum):
    CONFIRMED = "confirmed", _l("Place confirmed")
    WAITLISTED = "waitlisted", _l("On the waiting list")
    CANCELLED = "cancelled", _l("Cancelled")
    ATTENDED = "attended", _l("Attended")


class OrganisationKind(TitledEnum):
    SOCIAL = "social", _l("Social organisation")
    VOLUNTEER = "volunteer", _l("Volunteer association")
    SCHOOL = "school", _l("School")
    ENTERPRISE = "enterprise", _l("Enterprise")
    COMMUNITY = "community", _l("Residents' or villagers' committee")
    OTHER = "other", _l("Other organisation")


class OrganisationState(TitledEnum):
    APPROVED = "approved", _l("Approved")
    SUSPENDED = "suspended", _l("Suspended")


class Organisation(db.Model):
    """A registered organisation (社会组织, 志愿者协会, a school, an enterprise …) that runs its own activities with
    accounts of its own: registered, suspended and reinstated by the ecological civilization office. While it is
    suspended its activities cannot be created, changed or published; those already published go on."""

    __tablename__ = "organisations"
    __table_args__ = (
        enum_check("kind", OrganisationKind),
        enum_check("state", OrganisationState),
        CheckConstraint("state <> 'suspended' OR suspend_reason <> ''", name="suspension_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OrganisationKind] = mapped_column(EnumColumn(OrganisationKind, 16))
    state: Mapped[OrganisationState] = mapped_column(EnumColumn(OrganisationState, 16),
                                                     default=OrganisationState.APPROVED)
    name_zh_hans: Mapped[str] = mapped_column(String(200), unique=True)
    name_zh_hant: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(300), default="")
    # The district it is based in (its activities may take place anywhere: each names its own district).
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"))
    # 统一社会信用代码, when it has one (a school or an informal volunteer group may not).
    credit_code: Mapped[str] = mapped_column(String(18), default="")
    # Whom the office calls about it: never shown on public pages.
    contact_name: Mapped[str] = mapped_column(String(60))
    contact_phone: Mapped[str] = mapped_column(String(30))
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    suspend_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    place: Mapped[Place] = relationship()

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def suspended(self) -> bool:
        return self.state == OrganisationState.SUSPENDED

    def audit_state(self) -> dict:
        return {"kind": self.kind, "state": self.state, "name_zh_hans": self.name_zh_hans,
                "name_zh_hant": self.name_zh_hant, "name_en": self.name_en, "place_id": self.place_id,
                "credit_code": self.credit_code}  # never the contact person: the audit log has more readers


class Activity(db.Model):
    """An activity residents sign up for (植树, 河道清理, 宣讲 …), run by a bureau (which may name a partner that
    helps it) or by a registered organisation: exactly one of the two (enforced by the database)."""

    __tablename__ = "activities"
    __table_args__ = (
        enum_check("kind", ActivityKind),
        enum_check("state", ActivityState),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("taken >= 0 AND taken <= capacity", name="taken_within_capacity"),
        CheckConstraint("waiting >= 0", name="waiting_not_negative"),
        CheckConstraint("max_group_size >= 1", name="group_size_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("signup_closes_at > signup_opens_at", name="signup_window_valid"),
        CheckConstraint("(bureau_id IS NULL) <> (organisation_id IS NULL)", name="one_organiser"),
        Index("ix_activities_state_starts", "state", "starts_at"),
        Index("ix_activities_organisation_id", "organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ActivityKind] = mapped_column(EnumColumn(ActivityKind, 24))
    state: Mapped[ActivityState] = mapped_column(EnumColumn(ActivityState, 16), default=ActivityState.DRAFT)
    title_zh_hans: Mapped[str] = mapped_column(String(200))
    title_zh_hant: Mapped[str] = mapped_column(String(200), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    description_zh_hans: Mapped[str] = mapped_column(Text, default="")
    description_zh_hant: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    venue_zh_hans: Mapped[str] = mapped_column(String(200))
    venue_zh_hant: Mapped[str] = mapped_column(String(200), default="")
    venue_en: Mapped[str] = mapped_column(String(300), default="")
    # A partner a bureau names as running its activity (an unregistered group); the bureau answers for it.
    organiser_name: Mapped[str] = mapped_column(String(200), default="")
    # Who runs it: a bureau, or a registered organisation (its own accounts organise it).
    bureau_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    signup_opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    signup_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    max_group_size: Mapped[int] = mapped_column(Integer, default=5)
    # People holding a place (confirmed or attended, group sizes added) and people waiting.
    taken: Mapped[int] = mapped_column(Integer, default=0)
    waiting: Mapped[int] = mapped_column(Integer, default=0)
    # Hours a volunteer is credited with by default when the organiser confirms attendance.
    volunteer_hours: Mapped[float | None] = mapped_column(Float)
    # The closing record (published when the activity is closed): people who came, and a summary.
    attendance: Mapped[int | None] = mapped_column(Integer)
    summary_zh_hans: Mapped[str] = mapped_column(Text, default="")
    summary_zh_hant: Mapped[str] = mapped_column(Text, default="")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")

    bureau: Mapped[Bureau | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    place: Mapped[Place] = relationship()
    photos: Mapped[list["ActivityPhoto"]] = relationship(back_populates="activity", order_by="ActivityPhoto.id")

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def venue(self) -> str:
        return localized(self, "venue")

    @property
    def summary(self) -> str:
        return localized(self, "summary")

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def organiser(self) -> str:
        """Who runs it, in the reader's language: the registered organisation, the partner the bureau names, or
        the bureau."""
        if self.organisation is not None:
            return self.organisation.name
        return self.organiser_name or (self.bureau.name if self.bureau is not None else "")

    def audit_state(self) -> dict:
        return {"kind": self.kind, "state": self.state, "title_zh_hans": self.title_zh_hans,
                "bureau_id": self.bureau_id, "organisation_id": self.organisation_id, "place_id": self.place_id,
                "starts_at": self.starts_at, "ends_at": self.ends_at, "signup_opens_at": self.signup_opens_at,
                "signup_closes_at": self.signup_closes_at, "capacity": self.capacity,
                "max_group_size": self.max_group_size, "attendance": self.attendance}


class Volunteer(db.Model):
    """A resident who keeps a record of volunteer hours across activities (by phone and a personal code, no
    password): 《志愿服务条例》 art. 19 asks organisers to record hours and issue certificates on request."""

    __tablename__ = "volunteers"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A keyed hash of the normalised phone number: finds the record without storing a searchable number twice.
    phone_digest: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str] = mapped_column(String(20))
    code_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_active_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Registration(db.Model):
    """One sign-up for an activity: a person (and their group) with a place or on the waiting list."""

    __tablename__ = "registrations"
    __table_args__ = (
        enum_check("state", RegistrationState),
        CheckConstraint("group_size >= 1", name="group_size_positive"),
        CheckConstraint("hours IS NULL OR hours > 0", name="hours_positive"),
        # One sign-up per phone number and activity (a cancelled one may be signed up again: partial index).
        Index("uq_registrations_activity_phone_live", "activity_id", "phone_digest", unique=True,
              sqlite_where=text("state <> 'cancelled'"), postgresql_where=text("state <> 'cancelled'")),
        Index("ix_registrations_activity_state", "activity_id", "state", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"))
    state: Mapped[RegistrationState] = mapped_column(EnumColumn(RegistrationState, 16))
    # Personal data: emptied by the retention purge (the row and its counts stay).
    name: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str] = mapped_column(String(20))
    phone_digest: Mapped[str] = mapped_column(String(64))
    group_size: Mapped[int] = mapped_column(Integer, default=1)
    code_digest: Mapped[str] = mapped_column(String(64), unique=True)
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("volunteers.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Volunteer hours for this activity, confirmed by the organiser.
    hours: Mapped[float | None] = mapped_column(Float)
    hours_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hours_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    activity: Mapped[Activity] = relationship()
    volunteer: Mapped[Volunteer | None] = relationship()

    def audit_state(self) -> dict:
        # Never the name or phone: the audit log is read by more people than the organiser.
        return {"activity_id": self.activity_id, "state": self.state, "group_size": self.group_size,
                "hours": self.hours, "checked_in": self.checked_in_at is not None}


class ActivityPhoto(StoredFile, db.Model):
    """A photo of a held activity; public only once staff have cleared it (faces, children, personal data)."""

    __tablename__ = "activity_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"))
    caption: Mapped[str] = mapped_column(String(200), default="")
    cleared: Mapped[bool] = mapped_column(Boolean, default=False)
    cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    activity: Mapped[Activity] = relationship(back_populates="photos")


class FacilityKind(TitledEnum):
    SEWAGE = "sewage", _l("Sewage treatment plant")
    MONITORING = "monitoring", _l("Environmental monitoring station")
    WASTE = "waste", _l("Waste treatment plant")
    HAZARDOUS = "hazardous", _l("Hazardous or medical waste facility")


class Facility(db.Model):
    """An environmental facility open to the public (环保设施向公众开放) on its yearly open days."""

    __tablename__ = "facilities"
    __table_args__ = (enum_check("kind", FacilityKind),
                      CheckConstraint("min_open_days >= 0", name="min_open_days_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[FacilityKind] = mapped_column(EnumColumn(FacilityKind, 16))
    name_zh_hans: Mapped[str] = mapped_column(String(200))
    name_zh_hant: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(300), default="")
    address_zh_hans: Mapped[str] = mapped_column(String(200))
    address_zh_hant: Mapped[str] = mapped_column(String(200), default="")
    address_en: Mapped[str] = mapped_column(String(300), default="")
    description_zh_hans: Mapped[str] = mapped_column(Text, default="")
    description_zh_hant: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"))
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"))
    # Open days a year the facility must hold (the national open-facility work asks at least 6).
    min_open_days: Mapped[int] = mapped_column(Integer, default=6)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    bureau: Mapped[Bureau] = relationship()
    place: Mapped[Place] = relationship()

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def address(self) -> str:
        return localized(self, "address")

    @property
    def description(self) -> str:
        return localized(self, "description")

    def audit_state(self) -> dict:
        return {"kind": self.kind, "name_zh_hans": self.name_zh_hans, "bureau_id": self.bureau_id,
                "place_id": self.place_id, "min_open_days": self.min_open_days, "active": self.active}


class VisitSlot(db.Model):
    """A time slot on an open day, for groups (schools, communities) and individuals up to its capacity."""

    __tablename__ = "visit_slots"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("taken >= 0 AND taken <= capacity", name="taken_within_capacity"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_visit_slots_facility_day", "facility_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"))
    # The open day (Beijing date) the slot belongs to.
    day: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    taken: Mapped[int] = mapped_column(Integer, default=0)
    # People who came, recorded after the visit (None until recorded).
    visitors: Mapped[int | None] = mapped_column(Integer)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)

    facility: Mapped[Facility] = relationship()

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.taken, 0)


class BookingState(TitledEnum):
    BOOKED = "booked", _l("Booked")
    CANCELLED = "cancelled", _l("Cancelled")
    # The organiser cancelled the slot: the booking holds no places; the resident may book another slot.
    SLOT_CANCELLED = "slot_cancelled", _l("Cancelled by the facility")
    VISITED = "visited", _l("Visited")
    NO_SHOW = "no_show", _l("Did not come")


class Booking(db.Model):
    """A booking of a visit slot by a group or a person, with a contact (personal data) and a personal code."""

    __tablename__ = "bookings"
    __table_args__ = (
        enum_check("state", BookingState),
        CheckConstraint("size >= 1", name="size_positive"),
        Index("ix_bookings_slot_state", "slot_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("visit_slots.id"))
    state: Mapped[BookingState] = mapped_column(EnumColumn(BookingState, 16), default=BookingState.BOOKED)
    # The group (a school class, a community) or empty for a person; public in counts only, never by name.
    group_name: Mapped[str] = mapped_column(String(200), default="")
    contact_name: Mapped[str] = mapped_column(String(60))
    contact_phone: Mapped[str] = mapped_column(String(20))
    size: Mapped[int] = mapped_column(Integer)
    code_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    slot: Mapped[VisitSlot] = relationship()

    def audit_state(self) -> dict:
        return {"slot_id": self.slot_id, "state": self.state, "size": self.size}


class ConsultationState(TitledEnum):
    DRAFT = "draft", _l("Draft")
    PUBLISHED = "published", _l("Published")
    CLOSED = "closed", _l("Closed, summary published")


class Consultation(db.Model):
    """A call for opinions (征求意见 / 献一计) with the fields the 公众参与办法 asks a notice to give."""

    __tablename__ = "consultations"
    __table_args__ = (
        enum_check("state", ConsultationState),
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("answer_days > 0", name="answer_days_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[ConsultationState] = mapped_column(EnumColumn(ConsultationState, 16),
                                                     default=ConsultationState.DRAFT)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"))
    title_zh_hans: Mapped[str] = mapped_column(String(200))
    title_zh_hant: Mapped[str] = mapped_column(String(200), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    background_zh_hans: Mapped[str] = mapped_column(Text)
    background_zh_hant: Mapped[str] = mapped_column(Text, default="")
    background_en: Mapped[str] = mapped_column(Text, default="")
    # How to take part besides this site (post, e-mail, a meeting), and whom to ask.
    how_to_submit_zh_hans: Mapped[str] = mapped_column(Text)
    how_to_submit_zh_hant: Mapped[str] = mapped_column(Text, default="")
    how_to_submit_en: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    # Working days the bureau has to answer each suggestion, from its publication.
    answer_days: Mapped[int] = mapped_column(Integer, default=15)
    # What was adopted, published when the consultation closes.
    summary_zh_hans: Mapped[str] = mapped_column(Text, default="")
    summary_zh_hant: Mapped[str] = mapped_column(Text, default="")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    bureau: Mapped[Bureau] = relationship()

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def background(self) -> str:
        return localized(self, "background")

    @property
    def how_to_submit(self) -> str:
        return localized(self, "how_to_submit")

    @property
    def summary(self) -> str:
        return localized(self, "summary")

    def audit_state(self) -> dict:
        return {"state": self.state, "bureau_id": self.bureau_id, "title_zh_hans": self.title_zh_hans,
                "starts_on": self.starts_on, "ends_on": self.ends_on, "answer_days": self.answer_days}


class SuggestionState(TitledEnum):
    SUBMITTED = "submitted", _l("Awaiting moderation")
    PUBLISHED = "published", _l("Published, awaiting the answer")
    REJECTED = "rejected", _l("Not published")
    ANSWERED = "answered", _l("Answered")


class Adoption(TitledEnum):
    ADOPTED = "adopted", _l("Adopted")
    PARTLY = "partly", _l("Partly adopted")
    NOT_ADOPTED = "not_adopted", _l("Not adopted")


class Suggestion(db.Model):
    """A resident's suggestion, in a consultation or standing (献一计): moderated before publication (personal
    data never public), then answered publicly by the bureau within a deadline shown in three colours."""

    __tablename__ = "suggestions"
    __table_args__ = (
        enum_check("state", SuggestionState),
        enum_check("adoption", Adoption, nullable=True),
        CheckConstraint("state <> 'answered' OR adoption IS NOT NULL", name="answer_has_adoption"),
        CheckConstraint("state NOT IN ('published', 'answered') OR answer_due IS NOT NULL", name="published_has_due"),
        Index("ix_suggestions_state_due", "state", "answer_due"),
        Index("ix_suggestions_consultation_state", "consultation_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id"))
    # The bureau that answers: the consultation's, or for a standing suggestion the one the office assigns.
    bureau_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"))
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))
    state: Mapped[SuggestionState] = mapped_column(EnumColumn(SuggestionState, 16),
                                                   default=SuggestionState.SUBMITTED)
    title: Mapped[str] = mapped_column(String(200))
    # As sent (private); the public text is the moderated one, with phone numbers and ID numbers masked.
    body: Mapped[str] = mapped_column(Text)
    public_body: Mapped[str] = mapped_column(Text, default="")
    reject_reason: Mapped[str] = mapped_column(Text, default="")
    # Personal data, optional: never public, emptied by the retention purge.
    name: Mapped[str] = mapped_column(String(60), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    code_digest: Mapped[str] = mapped_column(String(64), unique=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer_due: Mapped[date | None] = mapped_column(Date)
    adoption: Mapped[Adoption | None] = mapped_column(EnumColumn(Adoption, 16))
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    consultation: Mapped[Consultation | None] = relationship()
    bureau: Mapped[Bureau | None] = relationship()
    place: Mapped[Place | None] = relationship()
    events: Mapped[list["SuggestionEvent"]] = relationship(back_populates="suggestion",
                                                           order_by="SuggestionEvent.id")

    def audit_state(self) -> dict:
        return {"state": self.state, "consultation_id": self.consultation_id, "bureau_id": self.bureau_id,
                "answer_due": self.answer_due, "adoption": self.adoption}


class SuggestionEvent(TimelineEntry, db.Model):
    """A step in a suggestion's life (submitted, published, rejected, assigned, answered), public or internal."""

    __tablename__ = "suggestion_events"

    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestions.id"), index=True)

    suggestion: Mapped[Suggestion] = relationship(back_populates="events")



class ParticipationTally(db.Model):
    """A running total behind the participation figures, per year (city time) and district, added to by the step
    that changes it (`tallies.py`), so that the figures never read sign-ups; `flask participation-tallies`
    checks or rebuilds them from the rows.

    year: the year the activity starts, the open day's, or the suggestion was sent; place_id: the activity's,
    the facility's or the suggestion's district (0: a suggestion without one); name: "held", "participants",
    "hours_centi" (confirmed volunteer hours in hundredths), "visits", "suggestions", "answered", "on_time".
    """

    __tablename__ = "participation_tallies"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    total: Mapped[int] = mapped_column(BigInteger, default=0)
