"""The rules tips are handled by: deadlines on the holiday calendar, duplicate detection, the tracking-code key;
built from the site's configuration."""
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from flask import current_app

from app.casework.deadlines import DeadlineRules
from app.extensions import db
from app.tips.duplicates import Thresholds
from app.workdays.models import overrides


@dataclass
class Rules(DeadlineRules):
    """Deadline rules from the configuration, with the holiday calendar (working_days, overrides, zone)."""

    accept_days: int = 15
    conclude_days: int = 60
    extension_max_days: int = 30
    # 信访工作条例 art. 35 (复查) and art. 36 (复核): asked within 30 days of receiving the written answer,
    # answered within 30 days of the request.
    review_request_days: int = 30
    review_days: int = 30
    duplicate_limits: Thresholds = field(default_factory=Thresholds)
    # The key of the tracking codes' hashes: the site's SECRET_KEY (read from the running app when not given).
    code_key: str | None = None

    def tracking_key(self) -> str:
        return self.code_key or current_app.config["SECRET_KEY"]


def rules_from(config, session) -> Rules:
    """The rules the site runs on: its configuration, and the holiday calendar when deadlines count working days."""
    working = config["TIP_WORKING_DAYS"]
    return Rules(accept_days=config["TIP_ACCEPT_DAYS"], conclude_days=config["TIP_CONCLUDE_DAYS"],
                 extension_max_days=config["TIP_EXTENSION_MAX_DAYS"], working_days=working,
                 zone=ZoneInfo(config["BABEL_DEFAULT_TIMEZONE"]), overrides=overrides(session) if working else {},
                 duplicate_limits=Thresholds(radius_m=config["TIP_DUPLICATE_RADIUS_M"],
                                             window_days=config["TIP_DUPLICATE_DAYS"]),
                 code_key=config["SECRET_KEY"])


def rules() -> Rules:
    """The rules of the running site, for the pages and the Open311 API alike."""
    return rules_from(current_app.config, db.session)
