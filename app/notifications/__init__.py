"""Notifications: updates to residents who asked for them, on their case (a tip, a disclosure request, a sign-up, a
suggestion) or on topics of their district (new notices, heavy pollution days), by e-mail over SMTP or by text
message through an SMS gateway; written in the resident's language, sent by background jobs, every send recorded.

A domain tells of a change with `services.announce(session, "tip.updated", subject=Subject.TIP, subject_id=…)` in
the change's transaction, and registers what such a message says with `@messages.kind("tip.updated")` and a
template in templates/notifications/."""
from flask import Flask


def init_app(app: Flask) -> None:
    # Importing the modules registers the message kinds and the jobs.
    from app.notifications import (admin_views, case_messages, models, services, subscriptions,  # noqa: F401
                                   topics, views)

    views.init_app(app)
    admin_views.init_app(app)
