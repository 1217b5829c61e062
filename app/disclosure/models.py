"""Disclosure requests: the application with the applicant's identity, deadlines, reply, documents and timeline."""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.casework.timeline import TimelineEntry
from app.db_types import StoredFile, UTCDateTime, utcnow
from app.disclosure.report_template import AppealKind, AppealResult, OrganisationKind, Outcome
from app.disclosure.workflow import ConsultationKind, ReplyType, RequestState
from app.enums import EnumColumn, TitledEnum, enum_check
from app.extensions import db
from app.org.models import Bureau


class ApplicantType(TitledEnum):
    CITIZEN = "citizen", _l("Citizen")
    ORGANISATION = "organisation", _l("Legal person or other organisation")  # a legal person or other organisation


class IdType(TitledEnum):
    """A citizen's identity document (stored as a plain string: an organisation has none, "")."""

    RESIDENT_ID = "resident_id", _l("Resident identity card")
    PASSPORT = "passport", _l("Passport")
    OTHER = "other", _l("Other identity document")


class DeliveryForm(TitledEnum):
    PAPER = "paper", _l("On paper")
    ELECTRONIC = "electronic", _l("Electronic file")
    INSPECTION = "inspection", _l("To read or copy on site")  # to read or copy on site


class DeliveryMethod(TitledEnum):
    POST = "post", _l("By post")
    EMAIL = "email", _l("By e-mail")
    IN_PERSON = "in_person", _l("Collect in person")


_ORGANISATION_KIND_IN = enum_check("organisation_kind", OrganisationKind).sqltext


class DisclosureRequest(db.Model):
    """One application. The identity columns are read only by the addressed bureau's handlers and admins."""

    __tablename__ = "disclosure_requests"
    __table_args__ = (
        enum_check("state", RequestState),
        enum_check("applicant_type", ApplicantType),
        enum_check("delivery_form", DeliveryForm),
        enum_check("delivery_method", DeliveryMethod),
        enum_check("reply_type", ReplyType, nullable=True),
        CheckConstraint("extension_days IS NULL OR extension_days BETWEEN 1 AND 20", name="extension_at_most_20"),
        # The yearly report counts organisations by kind (国办公开办函〔2021〕30号, table 三); citizens have none.
        CheckConstraint("(applicant_type = 'citizen' AND organisation_kind IS NULL) OR "
                        f"(applicant_type = 'organisation' AND {_ORGANISATION_KIND_IN})",
                        name="organisation_kind_valid"),
        enum_check("outcome", Outcome, nullable=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Only a keyed hash of the applicant's tracking code is stored: the code opens the tracking page.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[RequestState] = mapped_column(EnumColumn(RequestState, 24), default=RequestState.RECEIVED,
                                                index=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"), index=True)
    # The applicant (art. 29 (一)).
    applicant_type: Mapped[ApplicantType] = mapped_column(EnumColumn(ApplicantType, 16))
    name: Mapped[str] = mapped_column(String(200))  # the citizen's or the organisation's name
    id_type: Mapped[str] = mapped_column(String(16), default="")
    id_number: Mapped[str] = mapped_column(String(40), default="")
    credit_code: Mapped[str] = mapped_column(String(18), default="")  # 统一社会信用代码
    legal_representative: Mapped[str] = mapped_column(String(100), default="")
    organisation_kind: Mapped[OrganisationKind | None] = mapped_column(EnumColumn(OrganisationKind, 24))  # not citizens
    phone: Mapped[str] = mapped_column(String(40))
    address: Mapped[str] = mapped_column(String(300))
    email: Mapped[str] = mapped_column(String(200), default="")
    # What is sought (art. 29 (二)) and how (art. 29 (三)).
    description: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(Text, default="")
    delivery_form: Mapped[DeliveryForm] = mapped_column(EnumColumn(DeliveryForm, 16))
    delivery_method: Mapped[DeliveryMethod] = mapped_column(EnumColumn(DeliveryMethod, 16))
    looks_like_complaint: Mapped[bool] = mapped_column(Boolean, default=False)
    # Dates in the city's calendar; the answer is due 20 working days after clock_start (art. 33).
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    received_on: Mapped[date] = mapped_column(Date, index=True)
    clock_start: Mapped[date] = mapped_column(Date)
    answer_due: Mapped[date] = mapped_column(Date)
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completion_requested_on: Mapped[date | None] = mapped_column(Date)
    completion_due: Mapped[date | None] = mapped_column(Date)
    completion_request: Mapped[str] = mapped_column(Text, default="")  # what the applicant must add
    completion_text: Mapped[str] = mapped_column(Text, default="")
    completed_on: Mapped[date | None] = mapped_column(Date)
    extension_days: Mapped[int | None] = mapped_column(Integer)
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    # Art. 33: an extension needs the approval of the head of the disclosure office; who approved, and when.
    extension_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    extension_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Arts. 32–34: time spent consulting a third party or another agency is not counted. While a consultation
    # runs, paused_on is its first day; paused_days sums the working days not counted so far (answer_due
    # already includes them).
    paused_on: Mapped[date | None] = mapped_column(Date)
    paused_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reply_type: Mapped[ReplyType | None] = mapped_column(EnumColumn(ReplyType, 24))
    partial: Mapped[bool] = mapped_column(Boolean, default=False)  # art. 37: disclosed with parts withheld
    reply_text: Mapped[str] = mapped_column(Text, default="")
    legal_ground: Mapped[str] = mapped_column(Text, default="")
    competent_body: Mapped[str] = mapped_column(String(200), default="")
    # The row of the yearly report's table 三 the answer counts in, recorded at the answer.
    outcome: Mapped[Outcome | None] = mapped_column(EnumColumn(Outcome, 32))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_on: Mapped[date | None] = mapped_column(Date, index=True)
    # The city date on which the request stopped running (answered, withdrawn, redirected, abandoned).
    finished_on: Mapped[date | None] = mapped_column(Date, index=True)

    bureau: Mapped[Bureau] = relationship()
    documents: Mapped[list["DisclosureDocument"]] = relationship(back_populates="request",
                                                                 order_by="DisclosureDocument.id")
    events: Mapped[list["DisclosureEvent"]] = relationship(back_populates="request", order_by="DisclosureEvent.id")
    consultations: Mapped[list["DisclosureConsultation"]] = relationship(
        back_populates="request", order_by="DisclosureConsultation.id")
    extension_approved_by = relationship("User", foreign_keys=[extension_approved_by_id])
    appeals: Mapped[list["DisclosureAppeal"]] = relationship(back_populates="request",
                                                             order_by="DisclosureAppeal.id")

    @property
    def paused(self) -> bool:
        """A consultation has stopped the clock (arts. 32–34)."""
        return self.paused_on is not None

    @property
    def is_open(self) -> bool:
        return self.state.is_open

    @property
    def awaits_completion(self) -> bool:
        """The applicant was asked to complete the application and has not yet (art. 30)."""
        return self.state == RequestState.COMPLETION_REQUESTED

    @property
    def was_redirected(self) -> bool:
        """Closed as a complaint, sent to the tip channel (art. 39)."""
        return self.state == RequestState.REDIRECTED

    @property
    def is_organisation(self) -> bool:
        return self.applicant_type == ApplicantType.ORGANISATION

    @property
    def number(self) -> str:
        """The request's number in letters and lists; it opens nothing."""
        return f"YSQ-{self.received_on:%Y}-{self.id:05d}"

    def snapshot(self) -> dict:
        return {"state": self.state, "bureau_id": self.bureau_id, "answer_due": str(self.answer_due),
                "completion_due": str(self.completion_due) if self.completion_due else None,
                "extension_days": self.extension_days, "reply_type": self.reply_type,
                "paused_on": str(self.paused_on) if self.paused_on else None, "paused_days": self.paused_days,
                "extension_approved_by_id": self.extension_approved_by_id}


class DisclosureDocument(StoredFile, db.Model):
    """A document sent with the reply, checked by its content and stored under a random name."""

    __tablename__ = "disclosure_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("disclosure_requests.id"), index=True)

    request: Mapped[DisclosureRequest] = relationship(back_populates="documents")


class DisclosureEvent(TimelineEntry, db.Model):
    """One line of a request's timeline. Public entries never carry personal data."""

    __tablename__ = "disclosure_events"

    request_id: Mapped[int] = mapped_column(ForeignKey("disclosure_requests.id"), index=True)

    request: Mapped[DisclosureRequest] = relationship(back_populates="events")


class DisclosureConsultation(db.Model):
    """A consultation of a third party (art. 32) or another agency (art. 34) during which the clock stops."""

    __tablename__ = "disclosure_consultations"
    __table_args__ = (
        enum_check("kind", ConsultationKind),
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("disclosure_requests.id"), index=True)
    kind: Mapped[ConsultationKind] = mapped_column(EnumColumn(ConsultationKind, 16))
    party: Mapped[str] = mapped_column(String(200))  # whom: internal, never on the applicant's page
    started_on: Mapped[date] = mapped_column(Date)
    opinion_due: Mapped[date] = mapped_column(Date)  # 15 working days (arts. 32, 34)
    ended_on: Mapped[date | None] = mapped_column(Date)
    days_not_counted: Mapped[int | None] = mapped_column(Integer)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    request: Mapped[DisclosureRequest] = relationship(back_populates="consultations")


class DisclosureAppeal(db.Model):
    """An administrative review (行政复议) or lawsuit (行政诉讼) brought against the handling of a request, with
    its result once concluded: the records behind table 四 of the yearly report."""

    __tablename__ = "disclosure_appeals"
    __table_args__ = (
        enum_check("kind", AppealKind),
        enum_check("result", AppealResult),
        CheckConstraint("(result = 'pending') = (decided_on IS NULL)", name="decided_when_concluded"),
        CheckConstraint("decided_on IS NULL OR decided_on >= filed_on", name="decided_after_filed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("disclosure_requests.id"), index=True)
    kind: Mapped[AppealKind] = mapped_column(EnumColumn(AppealKind, 24))
    filed_on: Mapped[date] = mapped_column(Date, index=True)  # the case counts in the year it was filed
    reference: Mapped[str] = mapped_column(String(100), default="")  # the case number of the review body or court
    result: Mapped[AppealResult] = mapped_column(EnumColumn(AppealResult, 16), default=AppealResult.PENDING)
    decided_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    request: Mapped[DisclosureRequest] = relationship(back_populates="appeals")

    def snapshot(self) -> dict:
        return {"kind": self.kind, "filed_on": str(self.filed_on), "reference": self.reference,
                "result": self.result, "decided_on": str(self.decided_on) if self.decided_on else None}
