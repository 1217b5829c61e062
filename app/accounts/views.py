"""Staff sign-in, sign-out and own password."""
from flask import Blueprint, current_app, flash, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.accounts import services
from app.accounts.forms import ChangePasswordForm, LoginForm
from app.admin.pages import form_page
from app.extensions import db, limiter
from app.web.htmx import render, safe_next, see_other

bp = Blueprint("accounts", __name__)


DEVICE_COOKIE = "known_browser"


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="accounts.known-browser")


def _known_device_user_id() -> int | None:
    """The user this browser signed in as before (a signed cookie set on success), if any."""
    try:
        return int(_device_serializer().loads(request.cookies.get(DEVICE_COOKIE, ""),
                                              max_age=current_app.config["LOGIN_KNOWN_BROWSER_DAYS"] * 86400))
    except (BadSignature, TypeError, ValueError):
        return None


def _failed_login(response) -> bool:
    return response.status_code == 422


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_FAILURE_RATE_LIMIT"], methods=["POST"], deduct_when=_failed_login)
def login():
    if current_user.is_authenticated:
        return see_other(url_for("admin.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        config = current_app.config
        user, _reason = services.authenticate(db.session, form.username.data, form.password.data,
                                              max_failures=config["LOGIN_MAX_FAILURES"],
                                              lock_minutes=config["LOGIN_LOCK_MINUTES"],
                                              known_device_user_id=_known_device_user_id())
        db.session.commit()
        if user:
            session.clear()
            login_user(user)
            session.permanent = True
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            response = see_other(safe_next(request.args.get("next"), url_for("admin.index")))
            response.set_cookie(DEVICE_COOKIE, _device_serializer().dumps(user.id), httponly=True, samesite="Lax",
                                max_age=config["LOGIN_KNOWN_BROWSER_DAYS"] * 86400,
                                secure=config["SESSION_COOKIE_SECURE"])
            return response
        # One message for an unknown user, a wrong password and a locked account: none tells what exists.
        form.form_errors.append(_("The username or password is wrong, or sign-in to this account is paused "
                                  "for a few minutes after repeated failures."))
        status = 422
    elif request.method == "POST":
        status = 422
    return render("accounts/login.html", form=form, status=status)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        services.end_sessions(db.session, current_user._get_current_object())
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "success")
    return see_other(url_for("web.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    user = current_user._get_current_object()

    def change() -> None:
        services.change_own_password(db.session, user, form.current_password.data, form.new_password.data)
        login_user(user)  # the new session version, so this session stays signed in

    return form_page(form, "accounts/password.html", change,
                     success=lambda result: _("Your password has been changed."), then=url_for("admin.index"))
