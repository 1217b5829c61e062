"""Public surface-water pages: sections by month with the city's summary, a section's two years, and the
drinking-water sources by quarter."""
from flask import Blueprint, abort, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.environment import water_queries as queries
from app.environment import drinking, water
from app.environment.models import SourceKind, WaterBody
from app.extensions import db
from app.indicators import wording
from app.web.errors import render_error
from app.web.htmx import render

bp = Blueprint("environment_water", __name__, url_prefix="/environment/water")

# The standard a source of each kind is judged against (indicator 25).
SOURCE_STANDARDS = {
    SourceKind.SURFACE: _l("GB 3838-2002, class Ⅲ and the supplementary items of table 2"),
    SourceKind.GROUND: _l("GB/T 14848-2017, class Ⅲ"),
}


def _tp_limit(body: WaterBody) -> str:
    limit = drinking.limit_of("tp", drinking.SourceKind.SURFACE, water.BodyKind(body.value)).upper
    assert limit is not None
    return f"{float(limit):g}"


# The class Ⅲ total phosphorus limit (mg/L) of a surface source on a river and on a lake or reservoir.
TP_LIMITS = {body: _tp_limit(body) for body in WaterBody}


def bad_parameter(message: str):
    """A 400 page naming what was wrong with the query string."""
    return render_error(400, _("This address cannot be shown"), message)


@bp.get("/")
def index():
    """Every section in a month (the newest with samples by default) and the city's summary."""
    given = request.args.get("month")
    if given:
        month = queries.parse_month(given)
        if month is None:
            return bad_parameter(_("The month must be written as year and month, for example 2025-03."))
    else:
        month = queries.latest_section_month(db.session)
    shown = queries.sections_in_month(db.session, month)
    return render("environment/water.html", "environment/_water_sections.html", shown=shown,
                  months=queries.section_months(db.session), queries=queries, words=wording)


@bp.get("/sections/<code>")
def section(code: str):
    """One section: its class each month over two years and every item's value as reported."""
    found = queries.section_by_code(db.session, code)
    if found is None:
        abort(404)
    samples = queries.section_history(db.session, found)
    given = request.args.get("month")
    chosen = samples[0] if samples else None
    if given:
        month = queries.parse_month(given)
        if month is None:
            return bad_parameter(_("The month must be written as year and month, for example 2025-03."))
        chosen = next((s for s in samples if s.period == month), None)
        if chosen is None:
            abort(404)
    return render("environment/water_section.html", "environment/_water_values.html", section=found,
                  samples=samples, chosen=chosen, queries=queries, words=wording)


@bp.get("/sources")
def sources():
    """The drinking-water sources in a quarter (the newest with samples by default) and the year's share."""
    given = request.args.get("quarter")
    if given:
        quarter = queries.parse_quarter(given)
        if quarter is None:
            return bad_parameter(_("The quarter must be written as the year, Q and its number, for example 2025Q1."))
    else:
        quarter = queries.latest_source_quarter(db.session)
    rows = queries.sources_in_quarter(db.session, quarter)
    year = queries.year_compliance(db.session, int(quarter[:4])) if quarter else None
    return render("environment/sources.html", "environment/_sources_table.html", quarter=quarter, rows=rows,
                  year=year, quarters=queries.source_quarters(db.session), standards=SOURCE_STANDARDS,
                  tp_limits=TP_LIMITS, bodies=WaterBody, queries=queries, words=wording)
