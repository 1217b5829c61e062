"""What a message says: each event kind names a text template (templates/notifications/<template>.txt with the
blocks `subject`, `body` and `sms`) and the function that gives it what to say. A message is written in the
language the resident used when they asked for it, with links on PUBLIC_BASE_URL."""
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app, g
from flask_babel import force_locale

from app.notifications.models import Event

TEMPLATE_FOLDER = "notifications"
SMS_LIMIT = 300  # characters; longer texts are cut (a gateway splits at 70, and charges per part)


@dataclass(frozen=True)
class Kind:
    name: str
    template: str
    # (session, event) -> the template's variables; runs under the recipient's language and a request context.
    describe: Callable[[Any, Event], dict]


_kinds: dict[str, Kind] = {}


def kind(name: str, template: str | None = None) -> Callable[[Callable[[Any, Event], dict]], Callable]:
    """Register what events of `name` say: the decorated function gives the template's variables."""
    def decorator(describe: Callable[[Any, Event], dict]) -> Callable[[Any, Event], dict]:
        _kinds[name] = Kind(name, template or name.replace(".", "_"), describe)
        return describe
    return decorator


def get(name: str) -> Kind | None:
    return _kinds.get(name)


def names() -> list[str]:
    return sorted(_kinds)


@dataclass(frozen=True)
class Text:
    subject: str
    body: str
    sms: str
    stop_url: str


def render(session, event: Event, locale: str, stop_url: Callable[[], str]) -> Text:
    """The event's message in `locale`, ending with the link `stop_url()` gives to stop such messages."""
    definition = _kinds.get(event.kind)
    if definition is None:
        raise LookupError(f"no message is registered for events of kind {event.kind!r}")
    app = current_app._get_current_object()
    base = app.config["PUBLIC_BASE_URL"] or "http://localhost"
    with app.test_request_context("/", base_url=base), force_locale(locale):
        # The request context shares the job's app context and its `g`: the locale worked out for the previous
        # message must not stay (app.i18n.current_locale keeps it there).
        g.current_locale = locale
        link = stop_url()
        values = {**definition.describe(session, event), "event": event, "stop_url": link}
        template = app.jinja_env.get_template(f"{TEMPLATE_FOLDER}/{definition.template}.txt")
        app.update_template_context(values)
        context = template.new_context(values)
        parts = {name: "".join(template.blocks[name](context)).strip() for name in ("subject", "body", "sms")}
        g.pop("current_locale", None)
    sms = parts["sms"]
    return Text(" ".join(parts["subject"].split()), parts["body"] + "\n",
                sms if len(sms) <= SMS_LIMIT else sms[:SMS_LIMIT - 1] + "…", link)
