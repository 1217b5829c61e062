"""Disclosure requests: the application with the applicant's identity, deadlines, reply, documents and timeline."""
from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import StoredFile, UTCDateTime, utcnow
from app.disclosure.report_template import AppealKind, AppealResult, OrganisationKind, Outcome
from app.disclosure.workflow import ConsultationKind, ReplyType, RequestState
from app.extensions import db
from app.org.models import Bureau


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(getattr(v, 'value', v)) for v in values)})"


class ApplicantType(StrEnum):
    CITIZEN = "citizen"
    ORGANISATION = "organisation"  # a legal person or other organisation

    @property
    def title(self) -> str:
        return {"citizen": _l("Citizen"), "organisation": _l("Legal person or other organisation")}[self.value]


class IdType(StrEnum):
    RESIDENT_ID = "resident_id"
    PASSPORT = "passport"
    OTHER = "other"

    @property
    def title(self) -> str:
        return {"resident_id": _l("Resident identity card"), "passport": _l("Passport"),
                "other": _l("Other identity document")}[self.value]


class DeliveryForm(StrEnum):
    PAPER = "paper"
    ELECTRONIC = "electronic"
    INSPECTION = "inspection"  # to read or copy on site

    @property
    def title(self) -> str:
        return {"paper": _l("On paper"), "electronic": _l("Electronic file"),
                "inspection": _l("To read or copy on site")}[self.value]


class DeliveryMethod(StrEnum):
    POST = "post"
    EMAIL = "email"
    IN_PERSON = "in_person"

    @property
    def title(self) -> str:
        return {"post": _l("By post"), "email": _l("By e-mail"), "in_person": _l("Collect in person")}[self.value]


class DisclosureRequest(db.Model):
    """One application. The identity columns are read only by the addressed bureau's handlers and admins."""

    __tablename__ = "disclosure_requests"
    __table_args__ = (
        CheckConstraint(_in("state", RequestState), name="state_valid"),
        CheckConstraint(_in("applicant_type", ApplicantType), name="applicant_type_valid"),
        CheckConstraint(_in("delivery_form", DeliveryForm), name="delivery_form_valid"),
        CheckConstraint(_in("delivery_method", DeliveryMethod), name="delivery_method_valid"),
        CheckConstraint(f"reply_type IS NULL OR {_in('reply_type', ReplyType)}", name="reply_type_valid"),
        CheckConstraint("extension_days IS NULL OR extension_days BETWEEN 1 AND 20", name="extension_at_most_20"),
        # The yearly report counts organisations by kind (国办公开办函〔2021〕30号, table 三); citizens have none.
        CheckConstraint("(applicant_type = 'citizen' AND organisation_kind IS NULL) OR "
                        f"(applicant_type = 'organisation' AND {_in('organisation_kind', OrganisationKind)})",
                        name="organisation_kind_valid"),
        CheckConstraint(f"outcome IS NULL OR {_in('outcome', Outcome)}", name="outcome_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Only a keyed hash of the applicant's tracking code is stored: the code opens the tracking page.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(24), default=RequestState.RECEIVED.value, index=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"), index=True)
    # The applicant (art. 29 (一)).
    applicant_type: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))  # the citizen's or the organisation's name
    id_type: Mapped[str] = mapped_column(String(16), default="")
    id_number: Mapped[str] = mapped_column(String(40), default="")
    credit_code: Mapped[str] = mapped_column(String(18), default="")  # 统一社会信用代码
    legal_representative: Mapped[str] = mapped_column(String(100), default="")
    organisation_kind: Mapped[str | None] = mapped_column(String(24))  # an OrganisationKind, organisations only
    phone: Mapped[str] = mapped_column(String(40))
    address: Mapped[str] = mapped_column(String(300))
    email: Mapped[str] = mapped_column(String(200), default="")
    # What is sought (art. 29 (二)) and how (art. 29 (三)).
    description: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(Text, default="")
    delivery_form: Mapped[str] = mapped_column(String(16))
    delivery_method: Mapped[str] = mapped_column(String(16))
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
    reply_type: Mapped[str | None] = mapped_column(String(24))
    partial: Mapped[bool] = mapped_column(Boolean, default=False)  # art. 37: disclosed with parts withheld
    reply_text: Mapped[str] = mapped_column(Text, default="")
    legal_ground: Mapped[str] = mapped_column(Text, default="")
    competent_body: Mapped[str] = mapped_column(String(200), default="")
    # The row of the yearly report's table 三 the answer counts in (an Outcome), recorded at the answer.
    outcome: Mapped[str | None] = mapped_column(String(32))
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
    def state_enum(self) -> RequestState:
        return RequestState(self.state)

    @property
    def paused(self) -> bool:
        return self.paused_on is not None

    @property
    def reply_type_enum(self) -> ReplyType | None:
        return ReplyType(self.reply_type) if self.reply_type else None

    @property
    def delivery_form_enum(self) -> DeliveryForm:
        return DeliveryForm(self.delivery_form)

    @property
    def delivery_method_enum(self) -> DeliveryMethod:
        return DeliveryMethod(self.delivery_method)

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


class DisclosureEvent(db.Model):
    """One line of a request's timeline. Public entries never carry personal data."""

    __tablename__ = "disclosure_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("disclosure_requests.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    step: Mapped[str] = mapped_column(String(24))
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    request: Mapped[DisclosureRequest] = relationship(back_populates="events")


class DisclosureConsultation(db.Model):
    """A consultation of a third party (art. 32) or another agency (art. 34) during which the clock stops."""

    __tablename__ = "disclosure_consultations"
    __table_args__ = (
        CheckConstraint(_in("kind", ConsultationKind), name="kind_valid"),
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("disclosure_requests.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    party: Mapped[str] = mapped_column(String(200))  # whom: internal, never on the applicant's page
    started_on: Mapped[date] = mapped_column(Date)
    opinion_due: Mapped[date] = mapped_column(Date)  # 15 working days (arts. 32, 34)
    ended_on: Mapped[date | None] = mapped_column(Date)
    days_not_counted: Mapped[int | None] = mapped_column(Integer)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    request: Mapped[DisclosureRequest] = relationship(back_populates="consultations")

    @property
    def kind_enum(self) -> ConsultationKind:
        return ConsultationKind(self.kind)


class DisclosureAppeal(db.Model):
    """An administrative review (行政复议) or lawsuit (行政诉讼) brought against the handling of a request, with
    its result once concluded: the records behind table 四 of the yearly report."""

    __tablename__ = "disclosure_appeals"
    __table_args__ = (
        CheckConstraint(_in("kind", AppealKind), name="kind_valid"),
        CheckConstraint(_in("result", AppealResult), name="result_valid"),
        CheckConstraint("(result = 'pending') = (decided_on IS NULL)", name="decided_when_concluded"),
        CheckConstraint("decided_on IS NULL OR decided_on >= filed_on", name="decided_after_filed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("disclosure_requests.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    filed_on: Mapped[date] = mapped_column(Date, index=True)  # the case counts in the year it was filed
    reference: Mapped[str] = mapped_column(String(100), default="")  # the case number of the review body or court
    result: Mapped[str] = mapped_column(String(16), default=AppealResult.PENDING.value)
    decided_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    request: Mapped[DisclosureRequest] = relationship(back_populates="appeals")

    @property
    def kind_enum(self) -> AppealKind:
        return AppealKind(self.kind)

    @property
    def result_enum(self) -> AppealResult:
        return AppealResult(self.result)

    def snapshot(self) -> dict:
        return {"kind": self.kind, "filed_on": str(self.filed_on), "reference": self.reference,
                "result": self.result, "decided_on": str(self.decided_on) if self.decided_on else None}
