"""The jobs table: every background job, whatever runs it (the RQ worker or the in-process threads)."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.db_types import UTCDateTime, utcnow
from app.enums import EnumColumn, TitledEnum, enum_check
from app.extensions import db


class JobState(TitledEnum):
    QUEUED = "queued", _l("Waiting")
    RUNNING = "running", _l("Running")
    DONE = "done", _l("Done")
    FAILED = "failed", _l("Failed, will try again")  # a run failed and runs are left
    DEAD = "dead", _l("Gave up")  # every run failed: the office sees it at /admin/jobs
    DISCARDED = "discarded", _l("Discarded")  # a dead job the office put aside

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.DEAD, JobState.DISCARDED)


# States a runner may take a job from: waiting, or waiting for its next run after a failure.
CLAIMABLE = (JobState.QUEUED, JobState.FAILED)


class Job(db.Model):
    """One background job: its kind names a registered function (app/jobs/registry.py), its arguments are plain
    JSON (ids and options, never personal data), and the runner keeps its state, progress and last error here."""

    __tablename__ = "jobs"
    __table_args__ = (
        enum_check("state", JobState),
        CheckConstraint("attempts >= 0 AND max_attempts >= 1", name="attempts_valid"),
        CheckConstraint("progress_done >= 0", name="progress_not_negative"),
        Index("ix_jobs_state_created_at", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    args: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[JobState] = mapped_column(EnumColumn(JobState, 16), default=JobState.QUEUED)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int | None] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer)
    # The last failure for the office: the exception and where it was raised (no local variables).
    error: Mapped[str] = mapped_column(Text, default="")
    # What the job returned (counts), shown to the office.
    result: Mapped[dict | None] = mapped_column(JSON)
    # A file the job produced (an export), stored under UPLOAD_DIR/jobs or in the object store.
    result_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    result_kind: Mapped[str | None] = mapped_column(String(8))
    result_label: Mapped[str | None] = mapped_column(String(200))
    result_size: Mapped[int | None] = mapped_column(Integer)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # A scheduled duty's run: the kind and the cron slot, unique so that several schedulers make one job of it.
    unique_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Moved on every state change and progress report: a running job whose heartbeat stopped has stalled.
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    requested_by: Mapped[User | None] = relationship()

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, self.progress_done * 100 // self.progress_total)

    def audit_state(self) -> dict:
        return {"kind": self.kind, "args": self.args, "state": self.state, "attempts": self.attempts,
                "max_attempts": self.max_attempts}
