"""Back office for staff accounts (admins only)."""
from flask import Blueprint, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app.accounts import services
from app.accounts.forms import NewUserForm, SetPasswordForm, UserForm
from app.accounts.models import User
from app.accounts.permissions import Permission
from app.db_types import utcnow
from app.extensions import db
from app.org.models import Bureau
from app.org.queries import bureaus
from app.web.auth import permission_required
from app.web.forms import choices
from app.web.htmx import render, see_other

bp = Blueprint("accounts_admin", __name__, url_prefix="/admin/users")


def _prepare(form: UserForm) -> None:
    form.bureau_id.choices = choices([(0, _l("— none —"))] + [(b.id, b.name) for b in bureaus(db.session)])


def _bureau(form: UserForm):
    return db.session.get(Bureau, form.bureau_id.data) if form.bureau_id.data else None


@bp.get("/")
@permission_required(Permission.USERS_MANAGE)
def index():
    users = db.session.scalars(select(User).order_by(User.role, User.username)).all()
    return render("admin/users/index.html", users=users, now=utcnow())


@bp.route("/new", methods=["GET", "POST"])
@permission_required(Permission.USERS_MANAGE)
def new():
    form = NewUserForm()
    _prepare(form)
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            user = services.create_user(db.session, current_user, username=form.username.data,
                                        display_name=form.display_name.data, password=form.new_password.data,
                                        role=form.role.data, bureau=_bureau(form), email=form.email.data)
        except services.AccountError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The account %(name)s has been created.", name=user.username), "success")
            return see_other(url_for(".index"))
    return render("admin/users/form.html", form=form, user=None, status=status)


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.USERS_MANAGE)
def edit(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = UserForm(obj=user, bureau_id=user.bureau_id or 0)
    _prepare(form)
    del form.username
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            services.update_user(db.session, current_user, user, display_name=form.display_name.data,
                                 email=form.email.data, role=form.role.data, bureau=_bureau(form),
                                 active=form.active.data)
        except services.AccountError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The account %(name)s has been updated.", name=user.username), "success")
            return see_other(url_for(".index"))
    return render("admin/users/form.html", form=form, user=user, status=status)


@bp.route("/<int:user_id>/password", methods=["GET", "POST"])
@permission_required(Permission.USERS_MANAGE)
def set_password(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = SetPasswordForm()
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        services.set_password(db.session, current_user, user, form.new_password.data)
        db.session.commit()
        flash(_("A new password has been set for %(name)s; their other sessions have ended.", name=user.username),
              "success")
        return see_other(url_for(".index"))
    return render("admin/users/password.html", form=form, user=user, status=status)


