"""The tips' rules from the site's configuration, for the pages and the Open311 API alike."""
from flask import current_app

from app.extensions import db
from app.i18n import site_zone
from app.tips import services
from app.tips.duplicates import Thresholds
from app.workdays.models import overrides


def rules() -> services.Rules:
    config = current_app.config
    return services.Rules(accept_days=config["TIP_ACCEPT_DAYS"], conclude_days=config["TIP_CONCLUDE_DAYS"],
                          extension_max_days=config["TIP_EXTENSION_MAX_DAYS"],
                          working_days=config["TIP_WORKING_DAYS"], zone=site_zone(),
                          overrides=overrides(db.session) if config["TIP_WORKING_DAYS"] else {},
                          duplicate_limits=Thresholds(radius_m=config["TIP_DUPLICATE_RADIUS_M"],
                                                      window_days=config["TIP_DUPLICATE_DAYS"]))
