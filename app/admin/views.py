"""Staff landing page and the audit log (filter by person, action, object and date)."""
from datetime import datetime, time, timedelta

from flask import Blueprint, current_app, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from app.accounts.models import User
from app.accounts.permissions import Permission
from app.audit import AuditEntry
from app.extensions import db
from app.i18n import site_zone
from app.web.auth import permission_required
from app.web.forms import BaseForm, choices
from app.web.htmx import render
from app.web.pagination import paginate

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@permission_required(Permission.STAFF_AREA)
def index():
    return render("admin/index.html", modules=current_app.extensions.get("staff_nav_items", []))


class AuditFilterForm(BaseForm):
    """A GET search form: no CSRF token, since it changes nothing."""

    class Meta:
        csrf = False

    actor = SelectField(_l("Person"), coerce=int, choices=[], validators=[Optional()])
    action = StringField(_l("Action"), validators=[Optional(), Length(max=64)],
                         description=_l("For example accounts. or accounts.login"))
    object_type = StringField(_l("Object type"), validators=[Optional(), Length(max=64)])
    object_id = StringField(_l("Object number"), validators=[Optional(), Length(max=64)])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])


def _local_midnight(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=site_zone())


@bp.get("/audit")
@permission_required(Permission.AUDIT_VIEW)
def audit_log():
    form = AuditFilterForm(request.args)
    form.actor.choices = choices([(0, _l("Anyone"))] + [
        (u.id, f"{u.display_name} ({u.username})") for u in db.session.scalars(select(User).order_by(User.username))])
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if form.validate():
        if form.actor.data:
            query = query.where(AuditEntry.actor_id == form.actor.data)
        if form.action.data:
            query = query.where(AuditEntry.action.startswith(form.action.data.strip(), autoescape=True))
        if form.object_type.data:
            query = query.where(AuditEntry.object_type == form.object_type.data.strip())
        if form.object_id.data:
            query = query.where(AuditEntry.object_id == form.object_id.data.strip())
        if form.since.data:
            query = query.where(AuditEntry.at >= _local_midnight(form.since.data))
        if form.until.data:
            query = query.where(AuditEntry.at < _local_midnight(form.until.data + timedelta(days=1)))
    page = paginate(db.session, query, current_app.config["PAGE_SIZE"])
    return render("admin/audit.html", "admin/_audit_results.html", form=form, page=page)
