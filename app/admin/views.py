"""Staff landing page and the audit log (filter by person, action, object and date)."""
from flask import Blueprint, current_app, request
from flask_babel import lazy_gettext as _l

from app.accounts.permissions import Permission
from app.accounts.queries import staff_by_username
from app.admin.forms import AuditFilterForm
from app.admin.queries import audit_entries
from app.extensions import db
from app.web.auth import permission_required
from app.web.forms import choices
from app.web.htmx import render
from app.web.pagination import paginate

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@permission_required(Permission.STAFF_AREA)
def index():
    return render("admin/index.html", modules=current_app.extensions.get("staff_nav_items", []))


@bp.get("/audit")
@permission_required(Permission.AUDIT_VIEW)
def audit_log():
    form = AuditFilterForm(request.args)
    form.actor.choices = choices([(0, _l("Anyone"))] + [
        (u.id, f"{u.display_name} ({u.username})") for u in staff_by_username(db.session)])
    filters = {}
    if form.validate():
        filters = dict(actor_id=form.actor.data, action=form.action.data, object_type=form.object_type.data,
                       object_id=form.object_id.data, since=form.since.data, until=form.until.data)
    page = paginate(audit_entries(**filters), current_app.config["PAGE_SIZE"])
    return render("admin/audit.html", "admin/_audit_results.html", form=form, page=page)
