"""Back office for the city's attributes, its districts and the bureaus (admins only)."""
from flask import Blueprint, abort, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.accounts.permissions import Permission
from app.admin.pages import form_page
from app.extensions import db
from app.org import services
from app.org.forms import BureauForm, PlaceForm
from app.org.models import Bureau, Place
from app.org.queries import bureaus, districts, the_city
from app.web.auth import permission_required
from app.web.forms import choices
from app.web.htmx import render

bp = Blueprint("org_admin", __name__, url_prefix="/admin")


@bp.get("/places")
@permission_required(Permission.ORG_MANAGE)
def places():
    return render("admin/org/places.html", city=the_city(db.session),
                  districts=districts(db.session, include_inactive=True))


def _saved(saved: Place | Bureau) -> str:
    return _("%(name)s has been saved.", name=saved.name)


def _save_place(place: Place | None):
    form = PlaceForm(obj=place)
    if place is not None and place.is_city:
        del form.kind
        del form.active
    return form_page(form, "admin/org/place_form.html",
                     lambda: services.save_place(db.session, current_user, place, form.data_for_service()),
                     success=_saved, then=url_for(".places"), place=place)


@bp.route("/places/new", methods=["GET", "POST"])
@permission_required(Permission.ORG_MANAGE)
def new_place():
    return _save_place(None)


@bp.route("/places/<int:place_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.ORG_MANAGE)
def edit_place(place_id: int):
    return _save_place(db.session.get(Place, place_id) or abort(404))


@bp.get("/bureaus")
@permission_required(Permission.ORG_MANAGE)
def bureau_list():
    return render("admin/org/bureaus.html", bureaus=bureaus(db.session, include_inactive=True))


def _save_bureau(bureau: Bureau | None):
    form = BureauForm(obj=bureau, place_id=(bureau.place_id if bureau else None) or 0)
    form.place_id.choices = choices([(0, _l("— city bureau —"))] + [(p.id, p.name) for p in districts(db.session)])
    return form_page(form, "admin/org/bureau_form.html",
                     lambda: services.save_bureau(db.session, current_user, bureau, form.data_for_service()),
                     success=_saved, then=url_for(".bureau_list"), bureau=bureau)


@bp.route("/bureaus/new", methods=["GET", "POST"])
@permission_required(Permission.ORG_MANAGE)
def new_bureau():
    return _save_bureau(None)


@bp.route("/bureaus/<int:bureau_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.ORG_MANAGE)
def edit_bureau(bureau_id: int):
    return _save_bureau(db.session.get(Bureau, bureau_id) or abort(404))
