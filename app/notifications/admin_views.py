"""The office's notifications page (/admin/notifications): how messages went over the last days, the latest ones
(masked addresses only) and how many residents subscribed to what, where."""
from datetime import timedelta

from flask import Blueprint, current_app, request

from app.accounts.permissions import Permission
from app.db_types import utcnow
from app.extensions import db
from app.notifications import queries
from app.notifications.models import Channel, DeliveryState
from app.web.auth import permission_required
from app.web.htmx import render
from app.web.pagination import paginate

bp = Blueprint("notifications_admin", __name__, url_prefix="/admin/notifications")
WINDOW_DAYS = 30


@bp.get("/")
@permission_required(Permission.JOBS_MANAGE)
def index():
    """Counts by state and channel, the latest deliveries (filtered by state), subscriptions by topic and place."""
    value = request.args.get("state", "")
    state = DeliveryState(value) if value in DeliveryState.values() else None
    page = paginate(queries.latest_deliveries(state), current_app.config["PAGE_SIZE"])
    return render("admin/notifications/index.html", page=page, state=state,
                  states=list(DeliveryState), channels=list(Channel), window_days=WINDOW_DAYS,
                  counts=queries.delivery_counts(db.session, utcnow() - timedelta(days=WINDOW_DAYS)),
                  subscribers=queries.subscriber_counts(db.session), last_error_line=queries.last_error_line)


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from app.web.nav import add_staff

    app.register_blueprint(bp)
    add_staff(app, "notifications_admin.index", _l("Notifications"), Permission.JOBS_MANAGE,
              _l("Messages sent to residents by e-mail and text message, and the subscriptions by topic and "
                 "district."))
