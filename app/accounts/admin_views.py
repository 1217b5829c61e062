"""Back office for staff accounts (admins only)."""
from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.accounts import queries, services
from app.accounts.forms import NewUserForm, SetPasswordForm, UserForm
from app.accounts.models import User
from app.accounts.permissions import Permission, Role
from app.admin.pages import form_page
from app.db_types import utcnow
from app.extensions import db
from app.org.models import Bureau
from app.org.queries import bureaus
from app.participation import organisations
from app.participation.models import Organisation
from app.web.auth import permission_required
from app.web.forms import choices
from app.web.htmx import render

bp = Blueprint("accounts_admin", __name__, url_prefix="/admin/users")


def _prepare(form: UserForm) -> None:
    form.bureau_id.choices = choices([(0, _l("— none —"))] + [(b.id, b.name) for b in bureaus(db.session)])
    form.organisation_id.choices = choices([(0, _l("— none —"))] + [
        (o.id, o.name) for o in organisations.all_organisations(db.session)])


def _bureau(form: UserForm):
    return db.session.get(Bureau, form.bureau_id.data) if form.bureau_id.data else None


def _organisation(form: UserForm):
    return db.session.get(Organisation, form.organisation_id.data) if form.organisation_id.data else None


@bp.get("/")
@permission_required(Permission.USERS_MANAGE)
def index():
    return render("admin/users/index.html", users=queries.staff_accounts(db.session), now=utcnow())


@bp.route("/new", methods=["GET", "POST"])
@permission_required(Permission.USERS_MANAGE)
def new():
    # From an organisation's page: the account of one of its organisers.
    organisation = request.args.get("organisation", type=int) if request.method == "GET" else None
    form = NewUserForm(data={"role": Role.ORGANISATION_ORGANISER.value, "organisation_id": organisation}
                       if organisation else None)
    _prepare(form)
    return form_page(
        form, "admin/users/form.html",
        lambda: services.create_user(db.session, current_user, username=form.username.data,
                                     display_name=form.display_name.data, password=form.new_password.data,
                                     role=form.role.data, bureau=_bureau(form), email=form.email.data,
                                     organisation=_organisation(form)),
        success=lambda created: _("The account %(name)s has been created.", name=created.username),
        then=url_for(".index"), user=None)


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.USERS_MANAGE)
def edit(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = UserForm(obj=user, bureau_id=user.bureau_id or 0)
    if not form.organisation_id.raw_data:  # the object's None wins over a keyword: "none" is the option 0
        form.organisation_id.data = user.organisation_id or 0
    _prepare(form)
    del form.username
    return form_page(
        form, "admin/users/form.html",
        lambda: services.update_user(db.session, current_user, user, display_name=form.display_name.data,
                                     email=form.email.data, role=form.role.data, bureau=_bureau(form),
                                     active=form.active.data, organisation=_organisation(form)),
        success=lambda saved: _("The account %(name)s has been updated.", name=saved.username),
        then=url_for(".index"), user=user)


@bp.route("/<int:user_id>/password", methods=["GET", "POST"])
@permission_required(Permission.USERS_MANAGE)
def set_password(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = SetPasswordForm()
    return form_page(
        form, "admin/users/password.html",
        lambda: services.set_password(db.session, current_user, user, form.new_password.data),
        success=lambda result: _("A new password has been set for %(name)s; their other sessions have ended.",
                                 name=user.username),
        then=url_for(".index"), user=user)
