"""Staff sign-in, sign-out and own password."""
from flask import Blueprint, current_app, flash, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import services
from app.accounts.forms import ChangePasswordForm, LoginForm
from app.extensions import db, limiter
from app.web.htmx import render, safe_next, see_other

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return see_other(url_for("admin.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        config = current_app.config
        user, reason = services.authenticate(db.session, form.username.data, form.password.data,
                                             max_failures=config["LOGIN_MAX_FAILURES"],
                                             lock_minutes=config["LOGIN_LOCK_MINUTES"])
        db.session.commit()
        if user:
            session.clear()
            login_user(user)
            session.permanent = True
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return see_other(safe_next(request.args.get("next"), url_for("admin.index")))
        if reason == "locked":
            form.form_errors.append(_("This account is locked after too many failed sign-ins. "
                                      "Try again in %(n)d minutes or ask an administrator.",
                                      n=config["LOGIN_LOCK_MINUTES"]))
        else:
            form.form_errors.append(_("The username or password is wrong."))
        status = 422
    elif request.method == "POST":
        status = 422
    return render("accounts/login.html", form=form, status=status)


@bp.post("/logout")
def logout():
    logout_user()
    session.clear()
    flash(_("You have signed out."), "success")
    return see_other(url_for("web.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        if not services.verify_password(current_user, form.current_password.data):
            form.current_password.errors.append(_("The current password is wrong."))
            status = 422
        else:
            user = current_user._get_current_object()
            try:
                services.set_password(db.session, user, user, form.new_password.data)
            except services.AccountError as error:
                form.new_password.errors.append(str(error))
                status = 422
            else:
                db.session.commit()
                login_user(user)  # the new session version, so this session stays signed in
                flash(_("Your password has been changed."), "success")
                return see_other(url_for("admin.index"))
    elif request.method == "POST":
        status = 422
    return render("accounts/password.html", form=form, status=status)
