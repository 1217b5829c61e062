"""The public subscribe page, and the links in messages: confirm a subscription, stop updates. Opening a link
only shows a page with a button (mail scanners open links too); the button's POST does it."""
from flask import Blueprint, abort, current_app, redirect, request, url_for
from flask import session as cookie_session

from app.extensions import db, limiter
from app.i18n import current_locale
from app.notifications import services, subscriptions
from app.notifications.subscribe_forms import SubscribeForm
from app.notifications.models import Follow, Subscription
from app.org.queries import districts
from app.web import once
from app.web.forms import ConfirmForm
from app.web.htmx import render, see_other

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def _subscribe_page(form: SubscribeForm, status: int = 200):
    return render("notifications/subscribe.html", form=form, status=status)


@bp.route("/subscribe", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["NOTIFICATION_SUBSCRIBE_RATE_LIMIT"], methods=["POST"])
def subscribe():
    """Ask for updates on new notices and heavy pollution days, for the whole city or one district."""
    form = SubscribeForm()
    form.set_districts(districts(db.session))
    once.token()
    if (earlier := once.repeated(db.session, "notifications.subscribe")) is not None:  # a double click
        return _show_sent(earlier)
    if request.method != "POST":
        return _subscribe_page(form)
    if not form.validate():
        return _subscribe_page(form, 422)

    def make() -> dict:
        record = subscriptions.subscribe(db.session, form.address.data, form.chosen_topics, form.place_id,
                                         current_locale())
        return {"hint": record.address_hint, "channel": record.channel.value}
    return once.create(db.session, "notifications.subscribe", make, _show_sent)


def _show_sent(result: dict | None):
    if result is None:
        return see_other(url_for(".subscribe"))
    cookie_session["notification_sent_to"] = result  # shown once on the next page, then forgotten
    return see_other(url_for(".subscribed"))


@bp.get("/subscribed")
def subscribed():
    """Where the confirmation link went (the masked address only)."""
    result = cookie_session.pop("notification_sent_to", None)
    if not isinstance(result, dict) or "hint" not in result:
        return redirect(url_for(".subscribe"))
    return render("notifications/subscribed.html", hint=result["hint"], by_sms=result.get("channel") == "sms")


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
