"""Staff users."""
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.permissions import Permission, Role, role_has
from app.db_types import UTCDateTime, utcnow
from app.enums import EnumColumn, enum_check
from app.extensions import db
from app.org.models import Bureau

if TYPE_CHECKING:
    from app.participation.models import Organisation

_BUREAU_ROLE_VALUES = ", ".join(f"'{r.value}'" for r in Role if r.needs_bureau)
_ORGANISATION_ROLE_VALUES = ", ".join(f"'{r.value}'" for r in Role if r.needs_organisation)


class User(UserMixin, db.Model):
    """A member of staff. Bureau roles belong to exactly one bureau, organisation roles to exactly one registered
    organisation, and nobody to both (enforced by the database)."""

    __tablename__ = "users"
    __table_args__ = (
        enum_check("role", Role),
        CheckConstraint(f"role NOT IN ({_BUREAU_ROLE_VALUES}) OR bureau_id IS NOT NULL", name="bureau_role_has_bureau"),
        CheckConstraint(f"role NOT IN ({_ORGANISATION_ROLE_VALUES}) OR organisation_id IS NOT NULL",
                        name="organisation_role_has_organisation"),
        CheckConstraint("bureau_id IS NULL OR organisation_id IS NULL", name="bureau_or_organisation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(EnumColumn(Role, 24))
    bureau_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"))
    # The registered organisation an organisation role acts for (app/participation/models.py).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped on password change or deactivation, which ends every open session of the user.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    bureau: Mapped[Bureau | None] = relationship()
    organisation: Mapped["Organisation | None"] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def can(self, permission: Permission) -> bool:
        return self.active and role_has(self.role, permission)

    def audit_state(self) -> dict:
        return {
            "username": self.username, "display_name": self.display_name, "email": self.email,
            "role": self.role, "bureau_id": self.bureau_id, "organisation_id": self.organisation_id,
            "active": self.active,
        }

    def __repr__(self) -> str:
        return f"<User {self.username}>"
