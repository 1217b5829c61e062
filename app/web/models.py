"""Tables of the shared web plumbing: the claimed one-time form tokens (app/web/once.py)."""
from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db_types import UTCDateTime, utcnow
from app.extensions import db


class FormSubmission(db.Model):
    """A claimed one-time form token and the sealed result of the submission that claimed it."""

    __tablename__ = "form_submissions"
    __table_args__ = (UniqueConstraint("form", "token_hash", name="once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form: Mapped[str] = mapped_column(String(40))  # the endpoint of the form, e.g. tips.new
    token_hash: Mapped[str] = mapped_column(String(64))  # keyed hash of the token; the token is not stored
    sealed_result: Mapped[str] = mapped_column(String(512), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
