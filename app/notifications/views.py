"""The links in messages: confirm a subscription, stop updates. Opening a link only shows a page with a button
(mail scanners open links too); the button's POST does it."""
from flask import Blueprint, abort, url_for

from app.extensions import db
from app.notifications import services, subscriptions
from app.notifications.models import Follow, Subscription
from app.web.forms import ConfirmForm
from app.web.htmx import render, see_other

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def _recipient(token: str) -> Follow | Subscription:
    return services.recipient_of(db.session, token) or abort(404)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    subscription = _recipient(token)
    if not isinstance(subscription, Subscription):
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit() and subscription.stopped_at is None:
        subscriptions.confirm(db.session, subscription)
        db.session.commit()
        return see_other(url_for(".confirm", token=token))
    return render("notifications/confirm.html", subscription=subscription, form=form)


@bp.route("/stop/<token>", methods=["GET", "POST"])
def stop(token: str):
    recipient = _recipient(token)
    form = ConfirmForm()
    if form.validate_on_submit():
        subscriptions.stop(db.session, recipient)
        db.session.commit()
        return see_other(url_for(".stop", token=token))
    return render("notifications/stop.html", recipient=recipient, form=form,
                  subscription=recipient if isinstance(recipient, Subscription) else None)


@bp.after_request
def _private(response):
    """The links are capabilities: kept out of referrers and caches."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def init_app(app) -> None:
    app.register_blueprint(bp)
