"""The participation landing page (/participation/) and the yearly figures by district, with CSV/XLSX download."""
from time import monotonic

from flask import Blueprint, Response, current_app, request
from flask_babel import gettext as _

from app.db_types import utcnow
from app.extensions import db
from app.i18n import local_today, site_zone
from app.participation import figures as queries
from app.web import exports
from app.web.errors import render_error
from app.web.htmx import render
from app.web.params import db_int

bp = Blueprint("participation", __name__, url_prefix="/participation")

FIRST_YEAR = 2000
FORMATS = ("csv", "xlsx")


def chosen_year() -> int:
    """?year= when it is a year the site could hold, else this year (city time)."""
    this_year = local_today().year
    year = request.args.get("year", type=db_int) or this_year
    return year if FIRST_YEAR <= year <= this_year + 1 else this_year



def headline_figures(year: int) -> queries.YearFigures:
    """This year's figures for the landing page, kept PARTICIPATION_HEADLINE_SECONDS in each worker. They read the
    running tallies (a few dozen rows) and the facilities' open days, whatever the number of sign-ups; kept anyway
    as this is the part's most visited page (the figures page and the evidence read them afresh)."""
    seconds = current_app.config["PARTICIPATION_HEADLINE_SECONDS"]
    kept = current_app.extensions.get("participation_headline")
    now = monotonic()
    if seconds and kept is not None and kept[0] == year and now - kept[1] < seconds:
        return kept[2]
    figures = queries.year_figures(db.session, year, today=local_today(), zone=site_zone())
    current_app.extensions["participation_headline"] = (year, now, figures)
    return figures


@bp.get("/")
def index():
    """What residents can take part in next, and this year's figures."""
    today = local_today()
    return render("participation/index.html",
                  activities=queries.next_activities(db.session, utcnow()),
                  open_days=queries.next_open_days(db.session, today),
                  consultations=queries.open_consultations(db.session, today), figures=headline_figures(today.year))


def _header() -> list[str]:
    return [_("Place"), _("Activities held"), _("Participants"), _("Volunteer hours"), _("Open-day visits"),
            _("Facilities meeting their minimum open days"), _("Active facilities"), _("Suggestions received"),
            _("Suggestions answered"), _("Suggestions due"), _("Answered on time"), _("Share answered on time")]


def _row(row: queries.Figures, total: bool) -> list:
    return [_("City total") if total or row.place is None else row.place.name, row.activities_held, row.participants,
            round(row.volunteer_hours, 1), row.visits, row.facilities_met, row.facilities, row.suggestions,
            row.answered, row.due, row.on_time,
            exports.Percent(row.on_time_share) if row.on_time_share is not None else None]


@bp.get("/figures")
def figures():
    """Participation figures of a year for the city and each district; ?format=csv|xlsx downloads the table."""
    asked = request.args.getlist("format")
    if len(asked) > 1 or (asked and asked[0].strip().lower() not in FORMATS):
        return render_error(400, _("Unknown download format"), _(
            "This page can be downloaded only as %(formats)s.", formats=" / ".join(f.upper() for f in FORMATS)))
    year = chosen_year()
    today = local_today()
    table = queries.year_figures(db.session, year, today=today, zone=site_zone())
    if asked:
        rows = [_row(r, r is table.city) for r in table.rows]
        name = f"participation-figures-{year}"
        if asked[0].strip().lower() == "csv":
            return Response(exports.csv_bytes(_header(), rows), content_type=exports.CSV_CONTENT_TYPE,
                            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
        return Response(exports.xlsx_bytes(str(year), _header(), rows), mimetype=exports.XLSX_MIMETYPE,
                        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
    years = list(range(today.year, max(FIRST_YEAR, today.year - 9) - 1, -1))
    if year not in years:
        years = sorted({*years, year}, reverse=True)
    return render("participation/figures.html", "participation/figures_table.html", table=table, year=year,
                  years=years)
