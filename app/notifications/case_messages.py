"""What the messages on a resident's own case say: a step on their tip or disclosure request, a change to their
sign-up, the answer to their suggestion. A message names the case by its public number (or the activity, or the
day the suggestion was sent), says its new state in the resident's language, and links the public page where the
resident types their tracking code: it never carries the code, nor anyone's personal data.

The domains announce these in the transaction of the change, with ids and state values only."""
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app.disclosure.models import DisclosureRequest
from app.disclosure.workflow import EVENT_TITLES as DISCLOSURE_TITLES
from app.disclosure.workflow import RequestState
from app.i18n import localized, normalize_locale
from app.notifications import messages, services
from app.notifications.models import Follow, Subject
from app.participation.models import Adoption, Registration, RegistrationState, Suggestion, SuggestionState
from app.tips.models import Tip
from app.tips.workflow import EVENT_TITLES as TIP_TITLES
from app.tips.workflow import TipState
from app.web.urls import public_url

TIP_UPDATED = "tip.updated"
DISCLOSURE_UPDATED = "disclosure.updated"
REGISTRATION_UPDATED = "registration.updated"
SUGGESTION_ANSWERED = "suggestion.answered"

# What changed on a sign-up (the `change` parameter of registration.updated).
PROMOTED = "promoted"
ACTIVITY_CANCELLED = "activity_cancelled"
ACTIVITY_CHANGED = "activity_changed"


def announce_to_each(session, kind: str, subject: Subject, subject_ids, **params) -> int:
    """Announce `kind` on each of many cases (the sign-ups of a cancelled activity) that has an active follow,
    found with one query; gives how many were announced."""
    followed = session.scalars(select(Follow.subject_id).distinct().where(
        Follow.subject == subject, Follow.subject_id.in_(subject_ids), Follow.stopped_at.is_(None)))
    announced = 0
    for subject_id in sorted(followed):
        announced += services.announce(session, kind, subject=subject, subject_id=subject_id, **params) is not None
    return announced


def _recipient_locale() -> str:
    """The recipient's language, as messages.render forces it (app.i18n.current_locale may hold the language of
    an earlier message rendered in the same job)."""
    return normalize_locale(str(get_locale())) or "zh_Hans"


@messages.kind(TIP_UPDATED)
def _tip_updated(session, event) -> dict:
    tip = session.get(Tip, event.subject_id)
    entry = event.params.get("entry", "")
    return {"reference": tip.public_number if tip is not None else "",
            "state": TipState(event.params["state"]).title,
            "happened": TIP_TITLES.get(entry, ""),
            "track_url": public_url("tips.track_form")}


@messages.kind(DISCLOSURE_UPDATED)
def _disclosure_updated(session, event) -> dict:
    request = session.get(DisclosureRequest, event.subject_id)
    return {"reference": request.number if request is not None else "",
            "state": RequestState(event.params["state"]).title,
            "happened": DISCLOSURE_TITLES.get(event.params.get("entry", ""), ""),
            "track_url": public_url("disclosure.track_form")}


@messages.kind(REGISTRATION_UPDATED)
def _registration_updated(session, event) -> dict:
    registration = session.get(Registration, event.subject_id)
    activity = registration.activity if registration is not None else None
    locale = _recipient_locale()
    title = localized(activity, "title", locale) if activity is not None else ""
    change = event.params["change"]
    if change == ACTIVITY_CANCELLED:
        news = _("The activity “%(title)s” is cancelled.", title=title)
    elif change == ACTIVITY_CHANGED:
        news = _("The time or place of the activity “%(title)s” has changed.", title=title)
    else:
        news = _("A place became free: you now have a place at “%(title)s”.", title=title)
    return {"change": change, "news": news,
            "starts": format_datetime(activity.starts_at, "short") if activity is not None else "",
            "ends": format_datetime(activity.ends_at, "short") if activity is not None else "",
            "venue": localized(activity, "venue", locale) if activity is not None else "",
            "state": RegistrationState(event.params["state"]).title, "track_url": public_url("activities.lookup")}


@messages.kind(SUGGESTION_ANSWERED)
def _suggestion_answered(session, event) -> dict:
    suggestion = session.get(Suggestion, event.subject_id)
    adoption = event.params.get("adoption")
    consultation = suggestion.consultation if suggestion is not None else None
    return {"sent_on": format_date(suggestion.submitted_at) if suggestion is not None else "",
            "consultation_title": localized(consultation, "title", _recipient_locale()) if consultation else "",
            "decision": Adoption(adoption).title if adoption else SuggestionState(event.params["state"]).title,
            "track_url": public_url("suggestions.code")}
