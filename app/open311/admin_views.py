"""Back office of Open311: admins issue API keys (shown once) and revoke them; tip handlers read the
comments citizens sent on a tip through a client and may publish them."""
from flask import Blueprint, abort, request, session as cookie_session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app import audit
from app.accounts.permissions import Permission
from app.extensions import db
from app.open311 import queries, services
from app.open311.forms import KeyForm, PublishCommentForm
from app.open311.models import ApiKey
from app.tips import policy
from app.web.actions import act
from app.web.auth import deny, permission_required
from app.web.forms import ConfirmForm
from app.web.htmx import render, see_other

bp = Blueprint("open311_admin", __name__, url_prefix="/admin/open311")


@bp.route("/keys", methods=["GET", "POST"])
@permission_required(Permission.OPEN311_MANAGE)
def keys():
    form = KeyForm()
    if form.validate_on_submit():
        _row, key = services.issue_key(db.session, current_user, form.name.data)
        db.session.commit()
        cookie_session["new_open311_key"] = key  # shown once on the next page, then forgotten
        return see_other(url_for(".keys"))
    rows = db.session.scalars(select(ApiKey).order_by(ApiKey.revoked_at.is_not(None), ApiKey.id.desc())).all()
    return render("admin/open311/keys.html", "admin/open311/_keys.html", form=form, rows=rows,
                  new_key=cookie_session.pop("new_open311_key", None), confirm=ConfirmForm(),
                  status=422 if request.method == "POST" else 200)


@bp.post("/keys/<int:key_id>/revoke")
@permission_required(Permission.OPEN311_MANAGE)
def revoke(key_id: int):
    row = db.session.get(ApiKey, key_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    keys_page = url_for(".keys")
    return act(lambda: services.revoke_key(db.session, current_user, row),
               success=_("The key is revoked: requests sent with it are refused from now on."), then=keys_page,
               refused=lambda error: see_other(keys_page))


@bp.route("/comments/<int:event_id>", methods=["GET", "POST"])
@permission_required(Permission.TIPS_HANDLE)
def comment(event_id: int):
    """A citizen's comment behind a tip's internal timeline entry: the commenter (for the office only, each
    look audited) and the form that publishes it in words staff checked."""
    row = queries.comment_by_event(db.session, event_id) or abort(404)
    if not policy.can_handle(current_user, row.tip):
        deny("open311.comment_denied", row)
    form = PublishCommentForm()
    if request.method == "GET":
        form.text.data = row.description
        audit.record(db.session, "open311.commenter_viewed", row, actor=current_user)
        db.session.commit()
    elif form.validate():
        return act(lambda: services.publish_comment(db.session, current_user, row, form.text.data),
                   success=_("The comment is public on the tip's timeline."),
                   then=url_for("tips_admin.detail", tip_id=row.tip_id),
                   refused=lambda error: _comment_page(row, form),
                   form=form, audit_as=services.CommentDenied.refused, subject=row)
    return _comment_page(row, form)


def _comment_page(row, form: PublishCommentForm):
    return render("admin/open311/comment.html", comment=row, form=form,
                  status=422 if request.method == "POST" else 200)
