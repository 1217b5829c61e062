"""The office's tip links (转办) on a task: the tips handed over to it, a form to link one by its number, and a
button to take a link back. The panel re-renders itself through htmx and works as plain forms without it."""
from flask import Blueprint, abort, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts.permissions import Permission
from app.extensions import db
from app.rectification import tip_links
from app.rectification.models import RectificationTask
from app.rectification.tip_link_forms import TipLinkForm
from app.web.actions import act
from app.web.auth import permission_required
from app.web.forms import ConfirmForm
from app.web.htmx import render

bp = Blueprint("rectification_tip_links", __name__, url_prefix="/admin/rectification")


def _task(code: str) -> RectificationTask:
    return db.session.scalar(select(RectificationTask).where(RectificationTask.code == code)) or abort(404)


def _page(task: RectificationTask, *, form: TipLinkForm | None = None, status: int = 200):
    return render("admin/rectification/tip_links.html", "admin/rectification/_tip_links.html", task=task,
                  tips=tip_links.linked_tips(db.session, task), form=form or TipLinkForm(formdata=None),
                  confirm=ConfirmForm(), status=status)


@bp.get("/tasks/<code>/tips")
@permission_required(Permission.RECTIFICATION_MANAGE)
def tips(code: str):
    return _page(_task(code))


@bp.post("/tasks/<code>/tips")
@permission_required(Permission.RECTIFICATION_MANAGE)
def link(code: str):
    task = _task(code)
    form = TipLinkForm()
    if not form.validate_on_submit():
        return _page(task, form=form, status=422)
    return act(lambda: tip_links.link_tip(db.session, current_user, task, form.tip.data),
               success=_("The tip is linked to task %(code)s.", code=task.code), then=url_for(".tips", code=code),
               refused=lambda error: _page(_task(code), form=form, status=422), form=form, subject=task,
               fragment=lambda result: _page(_task(code)))


@bp.post("/tasks/<code>/tips/<int:tip_id>/unlink")
@permission_required(Permission.RECTIFICATION_MANAGE)
def unlink(code: str, tip_id: int):
    task = _task(code)
    if not ConfirmForm().validate_on_submit():
        return _page(task, status=422)
    return act(lambda: tip_links.unlink_tip(db.session, current_user, task, tip_id),
               success=_("The tip link is removed."), then=url_for(".tips", code=code),
               refused=lambda error: _page(_task(code), status=422), subject=task,
               fragment=lambda result: _page(_task(code)))
