"""The rectification ledger (督察整改台账): problems fed back by environmental inspections, each handled as a task
with responsible units, graded progress reports, acceptance, a public notice and closure (销号).

A task's public record (problem, units, measures, deadline, state, progress, accepted reports, evidence cleared
for publication, the timeline's public entries) is shown to everyone; objections carry the objector's contact
and stay with the office. How real ledgers look (free-text deadlines, multi-party responsibility, opaque source
numbers, notice periods in calendar or working days): ../shared/domain/rectification-ledgers.md."""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.casework.timeline import TimelineEntry
from app.db_types import StoredFile, UTCDateTime, utcnow
from app.enums import EnumColumn, TitledEnum, enum_check
from app.extensions import db
from app.i18n import localized
from app.org.models import Bureau, Place
from app.rectification.workflow import RECTIFYING, Progress, TaskState


class RoundKind(TitledEnum):
    """Where a list of problems comes from (§6)."""

    CENTRAL = "central", _l("Central environmental inspection")                  # 中央生态环境保护督察
    CENTRAL_REVIEW = "central_review", _l("Central inspection follow-up")        # 回头看
    PROVINCIAL = "provincial", _l("Provincial environmental inspection")          # 省级督察
    CITY = "city", _l("City inspection")                                         # 市级督察
    SPOT_CHECK = "spot_check", _l("Unannounced visit or spot check")              # 暗访 / 督查 / 大排查


class RoundState(TitledEnum):
    DRAFT = "draft", _l("Draft")
    PUBLISHED = "published", _l("Published")


class InspectionRound(db.Model):
    """One inspection's feedback list (a round and batch): the tasks it gave the city, and the rules its tasks are
    closed under (the notice period, the regulation relied on)."""

    __tablename__ = "rectification_rounds"
    __table_args__ = (
        enum_check("kind", RoundKind),
        enum_check("state", RoundState),
        CheckConstraint("notice_days > 0", name="notice_days_positive"),
        CheckConstraint("report_interval_months > 0", name="report_interval_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[RoundKind] = mapped_column(EnumColumn(RoundKind, 16))
    state: Mapped[RoundState] = mapped_column(EnumColumn(RoundState, 16), default=RoundState.DRAFT)
    title_zh_hans: Mapped[str] = mapped_column(String(200))
    title_zh_hant: Mapped[str] = mapped_column(String(200), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    batch: Mapped[str] = mapped_column(String(100), default="")          # 第二轮第三批, 回头看…
    feedback_on: Mapped[date | None] = mapped_column(Date)               # when the list was fed back to the city
    # The regulation closure notices rely on (《…生态环境保护督察整改工作实施办法》), quoted in each notice.
    rule_zh_hans: Mapped[str] = mapped_column(String(300), default="")
    rule_zh_hant: Mapped[str] = mapped_column(String(300), default="")
    rule_en: Mapped[str] = mapped_column(String(400), default="")
    # The public-notice period before closure: 7 calendar days, 10 working days… (§8).
    notice_days: Mapped[int] = mapped_column(Integer, default=7)
    notice_working_days: Mapped[bool] = mapped_column(Boolean, default=False)
    # How often the responsible units report progress (monthly by default).
    report_interval_months: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def rule(self) -> str:
        return localized(self, "rule")

    def audit_state(self) -> dict:
        return {"code": self.code, "kind": self.kind, "state": self.state, "title_zh_hans": self.title_zh_hans,
                "batch": self.batch, "notice_days": self.notice_days,
                "notice_working_days": self.notice_working_days,
                "report_interval_months": self.report_interval_months}


# The rectifying states as SQL, for the partial indexes the supervision counts read.
RECTIFYING_SQL = "state IN ({})".format(", ".join(f"'{state.value}'" for state in sorted(RECTIFYING)))


class RectificationTask(db.Model):
    """One problem of a feedback list and what is done about it, until its closure (销号)."""

    __tablename__ = "rectification_tasks"
    __table_args__ = (
        enum_check("state", TaskState),
        enum_check("progress", Progress, nullable=True),
        CheckConstraint("due_precision IS NULL OR due_precision IN ('day', 'month')", name="due_precision_known"),
        CheckConstraint("(due_on IS NULL) = (due_precision IS NULL)", name="due_has_precision"),
        CheckConstraint("state <> 'in_notice' OR (notice_starts_on IS NOT NULL AND notice_ends_on IS NOT NULL)",
                        name="notice_has_dates"),
        CheckConstraint("notice_ends_on IS NULL OR notice_ends_on >= notice_starts_on", name="notice_ends_after_start"),
        CheckConstraint("state <> 'closed' OR closed_at IS NOT NULL", name="closed_has_time"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        Index("ix_rectification_tasks_round_state", "round_id", "state"),
        Index("ix_rectification_tasks_place_state", "place_id", "state"),
        Index("ix_rectification_tasks_lead_state", "lead_bureau_id", "state"),
        # Supervision reads only the rectifying tasks near or past a date (deadline, report due).
        Index("ix_rectification_tasks_rectifying_due", "due_on", sqlite_where=text(RECTIFYING_SQL),
              postgresql_where=text(RECTIFYING_SQL)),
        Index("ix_rectification_tasks_rectifying_report_due", "next_report_due", sqlite_where=text(RECTIFYING_SQL),
              postgresql_where=text(RECTIFYING_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rectification_rounds.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("rectification_tasks.id"), index=True)  # a sub-task's
    # The ledger's own public number ("2026-CI-007"), unique; and the source's opaque reference (第7项, 243号,
    # 信访 受理编号 X2SD202109080018: §6).
    code: Mapped[str] = mapped_column(String(32), unique=True)
    source_ref: Mapped[str] = mapped_column(String(100), default="")
    state: Mapped[TaskState] = mapped_column(EnumColumn(TaskState, 20), default=TaskState.IN_PROGRESS)
    problem_zh_hans: Mapped[str] = mapped_column(Text)                 # 整改问题 / 整改任务
    problem_zh_hant: Mapped[str] = mapped_column(Text, default="")
    problem_en: Mapped[str] = mapped_column(Text, default="")
    target_zh_hans: Mapped[str] = mapped_column(Text, default="")      # 整改目标
    target_zh_hant: Mapped[str] = mapped_column(Text, default="")
    target_en: Mapped[str] = mapped_column(Text, default="")
    measures_zh_hans: Mapped[str] = mapped_column(Text, default="")    # 整改措施
    measures_zh_hant: Mapped[str] = mapped_column(Text, default="")
    measures_en: Mapped[str] = mapped_column(Text, default="")
    # The district concerned; the city itself for a city-wide task.
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"))
    # The lead unit (牵头 / 整改实施主体), who reports and applies for closure; others in TaskUnit. The
    # responsibility as the list wrote it ("市生态环境局,武川县党委、政府") is kept verbatim (§5).
    lead_bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"))
    responsible_text: Mapped[str] = mapped_column(String(300), default="")
    # The deadline as written ("2024年12月底", "长期坚持"), its parsed last day and precision, and the flags
    # for 长期坚持 / 立行立改 (§4); a task may have a date and be long-term at once.
    deadline_text: Mapped[str] = mapped_column(String(100), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    due_precision: Mapped[str | None] = mapped_column(String(8))
    long_term: Mapped[bool] = mapped_column(Boolean, default=False)
    immediate: Mapped[bool] = mapped_column(Boolean, default=False)
    # The last accepted progress report's grade and period end, and when the next report is due.
    progress: Mapped[Progress | None] = mapped_column(EnumColumn(Progress, 16))
    last_report_on: Mapped[date | None] = mapped_column(Date)
    next_report_due: Mapped[date | None] = mapped_column(Date)
    # 完成情况, as the closure notice publishes it (written when the unit applies for closure).
    completion_zh_hans: Mapped[str] = mapped_column(Text, default="")
    completion_zh_hant: Mapped[str] = mapped_column(Text, default="")
    completion_en: Mapped[str] = mapped_column(Text, default="")
    notice_starts_on: Mapped[date | None] = mapped_column(Date)
    notice_ends_on: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopen_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    round: Mapped[InspectionRound] = relationship()
    parent: Mapped["RectificationTask | None"] = relationship(remote_side=[id], back_populates="subtasks")
    subtasks: Mapped[list["RectificationTask"]] = relationship(back_populates="parent",
                                                                order_by="RectificationTask.code")
    place: Mapped[Place] = relationship()
    lead_bureau: Mapped[Bureau] = relationship()
    units: Mapped[list["TaskUnit"]] = relationship(back_populates="task", cascade="all, delete-orphan")
    events: Mapped[list["TaskEvent"]] = relationship(back_populates="task", order_by="TaskEvent.id")

    @property
    def problem(self) -> str:
        return localized(self, "problem")

    @property
    def target(self) -> str:
        return localized(self, "target")

    @property
    def measures(self) -> str:
        return localized(self, "measures")

    @property
    def completion(self) -> str:
        return localized(self, "completion")

    def snapshot(self) -> dict:
        return {"state": self.state, "lead_bureau_id": self.lead_bureau_id, "due_on": self.due_on,
                "long_term": self.long_term, "progress": self.progress, "next_report_due": self.next_report_due,
                "notice_starts_on": self.notice_starts_on, "notice_ends_on": self.notice_ends_on}

    audit_state = snapshot


class UnitRole(TitledEnum):
    LEAD = "lead", _l("Lead unit")                        # 牵头单位 / 责任单位
    COOPERATING = "cooperating", _l("Co-operating unit")  # 配合单位 / 协办
    SUPERVISING = "supervising", _l("Supervising unit")   # 督导单位


class TaskUnit(db.Model):
    """A unit responsible for a task in one role (§5): the lead also appears here."""

    __tablename__ = "rectification_task_units"
    __table_args__ = (enum_check("role", UnitRole), Index("ix_rectification_task_units_bureau", "bureau_id"))

    task_id: Mapped[int] = mapped_column(ForeignKey("rectification_tasks.id"), primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"), primary_key=True)
    role: Mapped[UnitRole] = mapped_column(EnumColumn(UnitRole, 16))

    task: Mapped[RectificationTask] = relationship(back_populates="units")
    bureau: Mapped[Bureau] = relationship()


class TaskIndicator(db.Model):
    """An indicator of the demonstration-city assessment that a task bears on."""

    __tablename__ = "rectification_task_indicators"

    task_id: Mapped[int] = mapped_column(ForeignKey("rectification_tasks.id"), primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), primary_key=True, index=True)


class TaskTip(db.Model):
    """A pollution tip handed over to a task (转办 during an inspection), shown on both."""

    __tablename__ = "rectification_task_tips"

    task_id: Mapped[int] = mapped_column(ForeignKey("rectification_tasks.id"), primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id"), primary_key=True, index=True)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReportState(TitledEnum):
    SUBMITTED = "submitted", _l("Awaiting review")
    ACCEPTED = "accepted", _l("Accepted")
    RETURNED = "returned", _l("Returned for correction")


class ProgressReport(db.Model):
    """A unit's progress report for one period (monthly by default), reviewed by the office; accepted reports
    are public and set the task's progress."""

    __tablename__ = "rectification_reports"
    __table_args__ = (
        enum_check("progress", Progress),
        enum_check("state", ReportState),
        # One live report per task and period: a returned one may be sent again.
        Index("uq_rectification_reports_task_period_live", "task_id", "period", unique=True,
              sqlite_where=text("state <> 'returned'"), postgresql_where=text("state <> 'returned'")),
        Index("ix_rectification_reports_state", "state", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("rectification_tasks.id"), index=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"))
    period: Mapped[str] = mapped_column(String(7))          # "2026-11"
    progress: Mapped[Progress] = mapped_column(EnumColumn(Progress, 16))
    text: Mapped[str] = mapped_column(Text)                 # what was done (the unit writes it; shown as stored)
    state: Mapped[ReportState] = mapped_column(EnumColumn(ReportState, 16), default=ReportState.SUBMITTED)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str] = mapped_column(Text, default="")

    task: Mapped[RectificationTask] = relationship()
    bureau: Mapped[Bureau] = relationship()

    def audit_state(self) -> dict:
        return {"task_id": self.task_id, "period": self.period, "progress": self.progress, "state": self.state}


class EvidencePurpose(TitledEnum):
    PROGRESS = "progress", _l("Progress evidence")
    CLOSURE = "closure", _l("Closure evidence")
    ACCEPTANCE = "acceptance", _l("Acceptance record")
    OBJECTION = "objection", _l("Objection evidence")


class TaskEvidence(StoredFile, db.Model):
    """A file behind a report, a closure application, an acceptance or an objection. Public only once the office
    has cleared it for publication (`public`); objection evidence never is."""

    __tablename__ = "rectification_evidence"
    __table_args__ = (
        enum_check("purpose", EvidencePurpose),
        CheckConstraint("NOT (public AND purpose = 'objection')", name="objection_evidence_private"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("rectification_tasks.id"), index=True)
    purpose: Mapped[EvidencePurpose] = mapped_column(EnumColumn(EvidencePurpose, 16))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("rectification_reports.id"))
    objection_id: Mapped[int | None] = mapped_column(ForeignKey("rectification_objections.id"))
    description: Mapped[str] = mapped_column(String(200), default="")
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class AcceptanceLevel(TitledEnum):
    """Multi-level acceptance (§2: 区级验收 → 市级复核)."""

    DISTRICT = "district", _l("District acceptance")
    CITY = "city", _l("City review")
    PROVINCIAL = "provincial", _l("Provincial review")


class Acceptance(db.Model):
    """An acceptance record (验收) at one level: who checked, when, their opinion, and whether it passed."""

    __tablename__ = "rectification_acceptances"
    __table_args__ = (enum_check("level", AcceptanceLevel),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("rectification_tasks.id"), index=True)
    level: Mapped[AcceptanceLevel] = mapped_column(EnumColumn(AcceptanceLevel, 16))
    accepted_on: Mapped[date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(String(200))           # 验收单位 / 验收组
    opinion: Mapped[str] = mapped_column(Text)               # 验收意见: "已完成整改,同意销号"
    passed: Mapped[bool] = mapped_column(Boolean)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def audit_state(self) -> dict:
        return {"task_id": self.task_id, "level": self.level, "accepted_on": self.accepted_on, "body": self.body,
                "passed": self.passed}


class ObjectionState(TitledEnum):
    OPEN = "open", _l("Received, being checked")
    SUSTAINED = "sustained", _l("Sustained")
    DISMISSED = "dismissed", _l("Not sustained")


class Objection(db.Model):
    """A resident's objection to a task's closure, sent during its public notice (§9). Goes to the office only:
    the objector's name and contact are personal data, never public; the objector follows it with a code."""

    __tablename__ = "rectification_objections"
    __table_args__ = (
        enum_check("state", ObjectionState),
        CheckConstraint("state = 'open' OR answered_at IS NOT NULL", name="answered_has_time"),
        Index("ix_rectification_objections_task_state", "task_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("rectification_tasks.id"))
    code_digest: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[ObjectionState] = mapped_column(EnumColumn(ObjectionState, 16), default=ObjectionState.OPEN)
    text: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(String(60), default="")
    contact: Mapped[str] = mapped_column(String(120))       # a phone number or an e-mail address
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[str] = mapped_column(Text, default="")   # told to the objector on their page
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    task: Mapped[RectificationTask] = relationship()

    def audit_state(self) -> dict:
        return {"task_id": self.task_id, "state": self.state}


class TaskEvent(TimelineEntry, db.Model):
    """One line of a task's timeline. Public entries never carry personal data; internal ones stay in-house."""

    __tablename__ = "rectification_task_events"

    task_id: Mapped[int] = mapped_column(ForeignKey("rectification_tasks.id"), index=True)
    bureau_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"))

    task: Mapped[RectificationTask] = relationship(back_populates="events")
    bureau: Mapped[Bureau | None] = relationship()


class LedgerGeneration(db.Model):
    """A one-row counter bumped in the same transaction as every change the public ledger shows, so that
    rendered ledger fragments are kept until it moves (as app/indicators/cache.py does)."""

    __tablename__ = "rectification_generations"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
