"""The office's overdue board (三色督办): the tasks being rectified in three colours, filtered by round, district and
lead unit, with 督办 (an urging note to the lead unit)."""
from flask import Blueprint, abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app.accounts.permissions import Permission
from app.extensions import db
from app.i18n import local_today
from app.org.queries import bureaus, districts, the_city
from app.rectification import supervision
from app.rectification.models import InspectionRound, RectificationTask
from app.rectification.report_forms import BoardFilterForm, UrgeForm
from app.web.actions import act
from app.web.auth import permission_required
from app.web.forms import choices
from app.web.htmx import render, safe_next, see_other
from app.web.pagination import paginate

bp = Blueprint("rectification_board", __name__, url_prefix="/admin/rectification")


def _warn_days() -> int:
    return int(current_app.config["RECTIFICATION_WARN_DAYS"])


def _filter_form() -> BoardFilterForm:
    form = BoardFilterForm(request.args)
    rounds = db.session.scalars(select(InspectionRound).order_by(InspectionRound.feedback_on.desc(),
                                                                 InspectionRound.id.desc()))
    city = the_city(db.session)
    places = ([city] if city is not None else []) + districts(db.session)
    form.round.choices = choices([(0, _l("All rounds"))] + [(r.id, f"{r.code} · {r.title}") for r in rounds])
    form.district.choices = choices([(0, _l("All districts"))] + [(p.id, p.name) for p in places])
    form.unit.choices = choices([(0, _l("All units"))] + [(b.id, b.name) for b in bureaus(db.session)])
    form.colour.choices = choices([("", _l("All being rectified"))] + [
        (colour, supervision.COLOUR_TITLES[colour]) for colour in supervision.COLOURS])
    return form


def _filter(form: BoardFilterForm) -> supervision.BoardFilter:
    """The filters chosen; one that is not among the choices (a stale link, a probe) is dropped."""
    def chosen(field):
        return field.data if field.data and not field.errors else None
    form.validate()
    return supervision.BoardFilter(round_id=chosen(form.round), place_id=chosen(form.district),
                                   bureau_id=chosen(form.unit), colour=chosen(form.colour) or "")


@bp.get("/board")
@permission_required(Permission.RECTIFICATION_MANAGE)
def board():
    """Counts in three colours and the tasks of the chosen colour, the nearest deadline first."""
    today, warn_days = local_today(), _warn_days()
    form = _filter_form()
    where = _filter(form)
    page = paginate(lambda **rows: supervision.board(db.session, where, today, warn_days, **rows),
                    current_app.config["PAGE_SIZE"])
    counts = supervision.colour_counts(db.session, where, today, warn_days)
    args = {key: value for key, value in request.args.items() if key in ("round", "district", "unit")}
    return render("admin/rectification/board.html", "admin/rectification/_board_rows.html", form=form,
                  page=page, rows=page.items, counts=counts, where=where, args=args, warn_days=warn_days,
                  colour_titles=supervision.COLOUR_TITLES, colours=supervision.COLOURS,
                  urge_form=UrgeForm(formdata=None), back=request.full_path.rstrip("?"))


@bp.post("/tasks/<int:task_id>/urge")
@permission_required(Permission.RECTIFICATION_MANAGE)
def urge(task_id: int):
    """督办: the answer is the board again (as it was filtered), with the message."""
    task = db.session.get(RectificationTask, task_id) or abort(404)
    form = UrgeForm()
    if not form.validate_on_submit():
        abort(400)
    back = safe_next(request.form.get("next"), url_for(".board"))
    if not back.startswith(url_for(".board")):
        back = url_for(".board")
    return act(lambda: supervision.urge(db.session, current_user, task, local_today(), _warn_days(),
                                        form.note.data or ""),
               success=_("Urging sent to %(unit)s: task %(code)s.", unit=task.lead_bureau.name, code=task.code),
               then=back, refused=lambda error: see_other(back), audit_as="rectification.refused", subject=task)
