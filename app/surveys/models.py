"""Surveys: versions of questions with their options, invitations, quotas, immutable responses and the
running tallies that results pages read instead of scanning responses."""
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (Boolean, CheckConstraint, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import UTCDateTime, utcnow
from app.enums import EnumColumn, TitledEnum, enum_check
from app.extensions import db
from app.i18n import localized


class SurveyMode(TitledEnum):
    # The official kind: invited respondents and interviewers; feeds the indicators.
    SAMPLED = "sampled", _l("Sampled survey")
    OPEN = "open", _l("Open survey (public feedback)")  # anyone may answer; public feedback only


class SurveyState(TitledEnum):
    DRAFT = "draft", _l("Draft")
    OPEN = "open", _l("Open")
    CLOSED = "closed", _l("Closed")
    ARCHIVED = "archived", _l("Archived")

    @property
    def is_public(self) -> bool:
        """Open or closed: the survey has a public page (a draft is not out yet, an archived one is put away)."""
        return self in (SurveyState.OPEN, SurveyState.CLOSED)


class QuestionKind(TitledEnum):
    SINGLE = "single", _l("Single choice")
    MULTIPLE = "multiple", _l("Multiple choice")
    # 满意/比较满意/不太满意/不满意 + 不清楚 (recorded, excluded from the rate)
    SATISFACTION = "satisfaction", _l("Satisfaction scale")
    PARTICIPATION = "participation", _l("Participated / not / don't know")  # 参与过/没有参与过/说不清
    RATING = "rating", _l("Rating 0–10")
    SHORT_TEXT = "short_text", _l("Short text")
    LONG_TEXT = "long_text", _l("Long text")
    DISTRICT = "district", _l("District")  # options are the districts
    # age band, gender, occupation… (a single choice results break down by)
    DEMOGRAPHIC = "demographic", _l("Demographic (age band, gender, occupation…)")

    @property
    def has_options(self) -> bool:
        return self not in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)

    @property
    def breaks_down(self) -> bool:
        """Whether results can be broken down by the answers to questions of this kind."""
        return self in (QuestionKind.DISTRICT, QuestionKind.DEMOGRAPHIC)


class Measure(TitledEnum):
    """What a question measures for the indicators."""

    SATISFACTION = "satisfaction", _l("Satisfaction")
    PARTICIPATION = "participation", _l("Participation")


class CountsAs(TitledEnum):
    """How an option counts in the rate of the measure its question feeds."""

    POSITIVE = "positive", _l("Counts as yes")  # satisfied / participated: counted in the numerator and the base
    NEGATIVE = "negative", _l("Counts as no")  # in the base only
    EXCLUDED = "excluded", _l("Excluded from the rate")  # recorded but left out of the base (不清楚, 说不清)


class ResponseChannel(TitledEnum):
    WEB = "web", _l("Web")  # open mode
    INVITATION = "invitation", _l("Invitation code")  # sampled respondent with a one-time code
    INTERVIEW = "interview", _l("Telephone interview")  # entered by an interviewer from a telephone interview


class Localized:
    @property
    def title(self) -> str:
        return localized(self, "title")


class Survey(Localized, db.Model):
    __tablename__ = "surveys"
    __table_args__ = (
        enum_check("mode", SurveyMode, name="mode_valid"),
        enum_check("state", SurveyState, name="state_valid"),
        CheckConstraint("closes_at IS NULL OR opens_at IS NULL OR closes_at > opens_at", name="times_ordered"),
        CheckConstraint("retention_days > 0", name="retention_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title_zh_hans: Mapped[str] = mapped_column(String(200))
    title_zh_hant: Mapped[str] = mapped_column(String(200), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    intro_zh_hans: Mapped[str] = mapped_column(Text, default="")
    intro_zh_hant: Mapped[str] = mapped_column(Text, default="")
    intro_en: Mapped[str] = mapped_column(Text, default="")
    mode: Mapped[SurveyMode] = mapped_column(EnumColumn(SurveyMode, 16))
    state: Mapped[SurveyState] = mapped_column(EnumColumn(SurveyState, 16), default=SurveyState.DRAFT)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    publish_results: Mapped[bool] = mapped_column(Boolean, default=False)  # public results page and API
    paged: Mapped[bool] = mapped_column(Boolean, default=False)  # one section per page instead of one page
    indicator_period: Mapped[str | None] = mapped_column(String(16))  # the year whose indicators it feeds
    post_stratify: Mapped[bool] = mapped_column(Boolean, default=True)  # weight districts by population
    retention_days: Mapped[int] = mapped_column(Integer, default=730)  # answers kept, stated in the notice
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    sections: Mapped[list["SurveySection"]] = relationship(
        back_populates="survey", order_by="SurveySection.position", cascade="all, delete-orphan")
    questions: Mapped[list["SurveyQuestion"]] = relationship(
        back_populates="survey", order_by="[SurveyQuestion.position, SurveyQuestion.id]", viewonly=True)

    @property
    def intro(self) -> str:
        return localized(self, "intro")

    @property
    def is_sampled(self) -> bool:
        return self.mode == SurveyMode.SAMPLED

    def snapshot(self) -> dict:
        return {"title": self.title_zh_hans, "mode": self.mode, "state": self.state,
                "opens_at": self.opens_at.isoformat() if self.opens_at else None,
                "closes_at": self.closes_at.isoformat() if self.closes_at else None,
                "publish_results": self.publish_results, "indicator_period": self.indicator_period,
                "post_stratify": self.post_stratify, "retention_days": self.retention_days}


class SurveySection(Localized, db.Model):
    __tablename__ = "survey_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title_zh_hans: Mapped[str] = mapped_column(String(200))
    title_zh_hant: Mapped[str] = mapped_column(String(200), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")

    survey: Mapped[Survey] = relationship(back_populates="sections")
    questions: Mapped[list["SurveyQuestion"]] = relationship(
        back_populates="section", order_by="[SurveyQuestion.position, SurveyQuestion.id]",
        cascade="all, delete-orphan")


class SurveyQuestion(db.Model):
    __tablename__ = "survey_questions"
    __table_args__ = (
        enum_check("kind", QuestionKind, name="kind_valid"),
        enum_check("measure", Measure, name="measure_valid", nullable=True),
        CheckConstraint("max_choices IS NULL OR max_choices >= 1", name="max_choices_positive"),
        UniqueConstraint("survey_id", "code", name="code_unique"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("survey_sections.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(16))  # short name used as the export column, e.g. Q5
    kind: Mapped[QuestionKind] = mapped_column(EnumColumn(QuestionKind, 16))
    text_zh_hans: Mapped[str] = mapped_column(Text)
    text_zh_hant: Mapped[str] = mapped_column(Text, default="")
    text_en: Mapped[str] = mapped_column(Text, default="")
    help_zh_hans: Mapped[str] = mapped_column(Text, default="")
    help_zh_hant: Mapped[str] = mapped_column(Text, default="")
    help_en: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    max_choices: Mapped[int | None] = mapped_column(Integer)
    max_length: Mapped[int] = mapped_column(Integer, default=500)
    measure: Mapped[Measure | None] = mapped_column(EnumColumn(Measure, 16))
    # Shown only when this option of an earlier question was chosen.
    condition_option_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_options.id", use_alter=True, ondelete="SET NULL"))

    survey: Mapped[Survey] = relationship(back_populates="questions")
    section: Mapped[SurveySection] = relationship(back_populates="questions")
    options: Mapped[list["SurveyOption"]] = relationship(
        back_populates="question", order_by="[SurveyOption.position, SurveyOption.id]",
        cascade="all, delete-orphan", foreign_keys="SurveyOption.question_id")
    condition_option: Mapped["SurveyOption | None"] = relationship(foreign_keys=[condition_option_id])

    @property
    def text(self) -> str:
        return localized(self, "text")

    @property
    def help(self) -> str:
        return localized(self, "help")

    @property
    def is_multiple(self) -> bool:
        return self.kind == QuestionKind.MULTIPLE

    @property
    def field_name(self) -> str:
        return f"q{self.id}"

    def snapshot(self) -> dict:
        return {"code": self.code, "kind": self.kind, "text": self.text_zh_hans, "required": self.required,
                "max_choices": self.max_choices, "measure": self.measure,
                "condition_option_id": self.condition_option_id, "section_id": self.section_id,
                "options": [o.label_zh_hans for o in self.options]}


class SurveyOption(db.Model):
    __tablename__ = "survey_options"
    __table_args__ = (
        enum_check("counts_as", CountsAs, name="counts_as_valid", nullable=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    label_zh_hans: Mapped[str] = mapped_column(String(300))
    label_zh_hant: Mapped[str] = mapped_column(String(300), default="")
    label_en: Mapped[str] = mapped_column(String(300), default="")
    counts_as: Mapped[CountsAs | None] = mapped_column(EnumColumn(CountsAs, 16))
    weight: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))  # for the optional weighted score
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))  # district questions

    question: Mapped[SurveyQuestion] = relationship(back_populates="options", foreign_keys=[question_id])

    @property
    def label(self) -> str:
        return localized(self, "label")



class SurveyQuota(db.Model):
    """A target number of responses for one option of a district or demographic question."""

    __tablename__ = "survey_quotas"
    __table_args__ = (CheckConstraint("target >= 0", name="target_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("survey_options.id"), unique=True)
    target: Mapped[int] = mapped_column(Integer)

    option: Mapped[SurveyOption] = relationship()


class SurveyInvitation(db.Model):
    """A one-time code given to a sampled respondent (printed, or as a QR code)."""

    __tablename__ = "survey_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))  # the district it was sampled in
    batch: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    place = relationship("Place")


class SurveyResponse(db.Model):
    """One submitted questionnaire. Never edited or deleted: an admin may void it with a reason."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        enum_check("channel", ResponseChannel, name="channel_valid"),
        CheckConstraint("voided_at IS NULL OR void_reason <> ''", name="void_has_reason"),
        # The database, not a read-then-write check, decides duplicates (safe under concurrent submits).
        UniqueConstraint("survey_id", "submission_key", name="submission_once"),
        UniqueConstraint("survey_id", "browser_key", name="browser_once"),
        Index("ix_survey_responses_survey_id_id", "survey_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    channel: Mapped[ResponseChannel] = mapped_column(EnumColumn(ResponseChannel, 16))
    submission_key: Mapped[str] = mapped_column(String(64))  # the form's idempotency token
    browser_key: Mapped[str | None] = mapped_column(String(64))  # keyed hash of the browser token (open mode)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("survey_invitations.id"), unique=True)
    interviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    district_option_id: Mapped[int | None] = mapped_column(ForeignKey("survey_options.id"))
    locale: Mapped[str] = mapped_column(String(8), default="zh_Hans")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    void_reason: Mapped[str] = mapped_column(String(500), default="")
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    answers: Mapped[list["SurveyAnswer"]] = relationship(back_populates="response", order_by="SurveyAnswer.id")


class SurveyAnswer(db.Model):
    """One chosen option, or one text answer, of a response."""

    __tablename__ = "survey_answers"
    __table_args__ = (CheckConstraint("option_id IS NOT NULL OR text IS NOT NULL", name="has_content"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_responses.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id"), index=True)
    option_id: Mapped[int | None] = mapped_column(ForeignKey("survey_options.id"))
    text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")


class SurveyTally(db.Model):
    """Running totals kept up to date as responses arrive, so results never scan responses.

    name: "n" (responses), "q<id>" (question answered), "o<id>" (option chosen), or "<measure>:<score>"
    (respondents with that score, e.g. "satisfaction:0.7500"); segment: "" for everyone or "o<id>" for the
    respondents who chose that district or demographic option.
    """

    __tablename__ = "survey_tallies"

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    segment: Mapped[str] = mapped_column(String(16), primary_key=True, default="")
    total: Mapped[int] = mapped_column(Integer, default=0)


class SurveyGeneration(db.Model):
    """A counter bumped in the same transaction as every write that can change a public survey page (a response
    submitted or voided, a survey, its sections, questions, options or quotas, a place); the public pages cache
    their rendered fragments under it (app.surveys.cache). Row 1 counts every such write, row 2 only those to the
    structure (surveys, sections, questions, options, quotas, places); each is created by its first bump."""

    __tablename__ = "survey_generations"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    generation: Mapped[int] = mapped_column(Integer, default=0)
