"""The office's back office of registered organisations: register, change, suspend with a reason, reinstate; each
organisation's page lists its organisers' accounts (made in the accounts back office) and its activities."""
from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.permissions import Permission
from app.admin.pages import form_page
from app.extensions import db
from app.org.queries import districts
from app.participation import organisations
from app.participation.models import Organisation
from app.participation.organisation_forms import OrganisationForm, SuspendForm
from app.web.actions import act
from app.web.auth import permission_required
from app.web.forms import ConfirmForm
from app.web.htmx import render

bp = Blueprint("organisations_admin", __name__, url_prefix="/admin/participation/organisations")
MANAGE = Permission.PARTICIPATION_ORGANISATIONS
FIELDS = ("name_zh_hans", "name_zh_hant", "name_en", "place_id", "credit_code", "contact_name", "contact_phone",
          "contact_email")


def _organisation(organisation_id: int) -> Organisation:
    return db.session.get(Organisation, organisation_id) or abort(404)


@bp.get("/")
@permission_required(MANAGE)
def index():
    return render("admin/participation/organisation_index.html",
                  organisations=organisations.all_organisations(db.session),
                  counts=organisations.activity_counts(db.session))


def _form(organisation: Organisation | None = None) -> OrganisationForm:
    data = None
    if organisation is not None and request.method == "GET":
        data = {name: getattr(organisation, name) for name in FIELDS}
        data["kind"] = organisation.kind.value
    form = OrganisationForm(data=data)
    form.place_id.choices = [(d.id, d.name) for d in districts(db.session)]
    return form


def _input(form: OrganisationForm) -> organisations.OrganisationInput:
    return organisations.OrganisationInput(
        kind=form.kind.data, name_zh_hans=form.name_zh_hans.data, name_zh_hant=form.name_zh_hant.data or "",
        name_en=form.name_en.data or "", place_id=form.place_id.data, credit_code=form.credit_code.data or "",
        contact_name=form.contact_name.data, contact_phone=form.contact_phone.data,
        contact_email=form.contact_email.data or "")


@bp.route("/new", methods=["GET", "POST"])
@permission_required(MANAGE)
def new():
    form = _form()
    return form_page(form, "admin/participation/organisation_form.html",
                     lambda: organisations.register_organisation(db.session, current_user, _input(form)),
                     success=lambda saved: _("%(name)s is registered. Now give it an organiser's account.",
                                             name=saved.name_zh_hans),
                     then=url_for(".index"), organisation=None)


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@permission_required(MANAGE)
def edit(organisation_id: int):
    organisation = _organisation(organisation_id)
    form = _form(organisation)
    return form_page(form, "admin/participation/organisation_form.html",
                     lambda: organisations.update_organisation(db.session, current_user, organisation, _input(form)),
                     success=lambda saved: _("%(name)s has been saved.", name=saved.name_zh_hans),
                     then=url_for(".detail", organisation_id=organisation_id), organisation=organisation)


def _detail_page(organisation: Organisation, *, suspend_form: SuspendForm | None = None, status: int = 200):
    return render("admin/participation/organisation_detail.html", organisation=organisation,
                  accounts=organisations.organisers_of(db.session, organisation),
                  activities=organisations.activities_of(db.session, organisation), confirm=ConfirmForm(),
                  suspend_form=suspend_form or SuspendForm(formdata=None), status=status)


@bp.get("/<int:organisation_id>")
@permission_required(MANAGE)
def detail(organisation_id: int):
    return _detail_page(_organisation(organisation_id))


@bp.post("/<int:organisation_id>/suspend")
@permission_required(MANAGE)
def suspend(organisation_id: int):
    organisation = _organisation(organisation_id)
    form = SuspendForm()
    refused = lambda error=None: _detail_page(_organisation(organisation_id), suspend_form=form, status=422)
    if not form.validate_on_submit():
        return refused()
    return act(lambda: organisations.suspend_organisation(db.session, current_user, organisation, form.reason.data),
               success=_("The organisation is suspended: its activities cannot be created, changed or published."),
               then=url_for(".detail", organisation_id=organisation_id), refused=refused, form=form,
               subject=organisation, summary=True)


@bp.post("/<int:organisation_id>/reinstate")
@permission_required(MANAGE)
def reinstate(organisation_id: int):
    organisation = _organisation(organisation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return act(lambda: organisations.reinstate_organisation(db.session, current_user, organisation),
               success=_("The organisation is reinstated."), then=url_for(".detail", organisation_id=organisation_id),
               refused=lambda error: _detail_page(_organisation(organisation_id), status=422), subject=organisation)
