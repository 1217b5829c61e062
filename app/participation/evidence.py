"""The participation figures of a year, shown beside the survey's participation indicator (38) as evidence: the very
figures of /participation/figures (`year_figures`, read from the running tallies), never counted another way."""
from flask import url_for
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.i18n import local_today, site_zone
from app.indicators.evidence import Evidence
from app.participation.figures import year_figures

# The survey's participation measure feeds indicator 38 under this provider key (app/surveys/indicator_feed.py).
PROVIDER_KEY = "surveys.participation"


def participation_evidence(session: Session, year: int) -> Evidence | None:
    """The city's activities, participants, volunteer hours, visits and suggestions in `year`; None when the
    year has none of them (nothing to show)."""
    city = year_figures(session, year, today=local_today(), zone=site_zone()).city
    if not (city.activities_held or city.participants or city.volunteer_hours or city.visits or city.suggestions):
        return None
    items = [(_("Activities held"), format_decimal(city.activities_held)),
             (_("Participants"), format_decimal(city.participants)),
             (_("Volunteer hours"), format_decimal(round(city.volunteer_hours, 1))),
             (_("Open-day visits"), format_decimal(city.visits)),
             (_("Suggestions received"), format_decimal(city.suggestions)),
             (_("Suggestions answered"), format_decimal(city.answered))]
    if city.on_time_share is not None:
        items.append((_("Share answered on time"), format_percent(city.on_time_share, "#,##0.0%")))
    return Evidence(
        title=_("Participation recorded on this site in %(year)s", year=year), items=items,
        note=_("Counted from the activities, open days and suggestions recorded on this site; the indicator "
               "itself is measured by the sampled survey."),
        link=url_for("participation.figures", year=year), link_text=_("Participation figures by district"))
