"""Public indicator pages: overview, district comparison, one indicator; with CSV/XLSX export."""
from flask import Blueprint, Response, abort, current_app, request, send_file
from flask_login import current_user

from app.extensions import db
from app.i18n import local_today
from app.indicators import exports, queries, report, services
from app.indicators.judging import STATUS_TITLES
from app.indicators.models import IndicatorEvidenceFile, IndicatorProperty, ValueState
from app.indicators.periods import PeriodError, parse_period
from app.indicators.rules import Status
from app.org.queries import districts, the_city
from app.web import uploads
from app.web.htmx import render

bp = Blueprint("indicators", __name__, url_prefix="/indicators")


def chosen_period() -> str:
    """The period asked for (?period=), else the newest with approved values, else last year."""
    asked = request.args.get("period", "").strip()
    if asked:
        try:
            return str(parse_period(asked, today=local_today()))
        except PeriodError:
            abort(404)
    return queries.latest_reported_period(db.session) or str(local_today().year - 1)


def catalogue_or_404(period: str):
    catalogue = queries.catalogue_for_year(db.session, parse_period(period).year)
    if catalogue is None:
        abort(404)
    return catalogue


def places_or_404():
    city = the_city(db.session)
    if city is None:
        abort(404)
    return city, districts(db.session)


def chosen_place(city, district_list):
    code = request.args.get("place", "").strip()
    if not code or code == city.code:
        return city
    return next((p for p in district_list if p.code == code), None) or abort(404)


@bp.get("/")
def overview():
    period = chosen_period()
    if not request.args.get("period") and (queries.catalogue_for_year(db.session, parse_period(period).year) is None
                                           or the_city(db.session) is None):
        return render("indicators/empty.html")  # a new site before its catalogue or city is set up
    catalogue = catalogue_or_404(period)
    city, district_list = places_or_404()
    place = chosen_place(city, district_list)
    result = queries.compliance(db.session, catalogue, period, [place])
    before = queries.compliance(db.session, catalogue, str(parse_period(period).previous()), [place],
                                indicators=result.indicators)
    domain = request.args.get("domain", "")
    prop = request.args.get("property", "")
    status = request.args.get("status", "")
    shown = [i for i in result.indicators
             if (not domain or i.task_group.domain.code == domain)
             and (not prop or i.property_type == prop)
             and (not status or result.status(i, place).status == status)]
    if request.args.get("format") in ("csv", "xlsx"):
        return exports.overview(result, place, shown, request.args["format"])
    return render("indicators/overview.html", "indicators/_overview_results.html",
                  catalogue=catalogue, period=period, periods=queries.reported_periods(db.session), city=city,
                  districts=district_list, place=place, result=result, shown=shown,
                  changes=queries.changes(result, before, place),
                  filters={"domain": domain, "property": prop, "status": status},
                  statuses=STATUS_TITLES, properties=list(IndicatorProperty), Status=Status)


@bp.get("/districts")
def district_comparison():
    period = chosen_period()
    catalogue = catalogue_or_404(period)
    _city, district_list = places_or_404()
    result = queries.compliance(db.session, catalogue, period, district_list)
    rows = queries.district_ranking(result, district_list)
    if request.args.get("format") in ("csv", "xlsx"):
        return exports.districts(rows, period, request.args["format"])
    return render("indicators/districts.html", "indicators/_districts_table.html", catalogue=catalogue,
                  period=period, periods=queries.reported_periods(db.session), rows=rows, result=result)


@bp.get("/report")
def gap_report():
    """The analysis report the offices used to write by hand, for the city and every district."""
    period = chosen_period()
    catalogue = catalogue_or_404(period)
    city, district_list = places_or_404()
    sections = report.build(db.session, catalogue, period, city, district_list)
    if request.args.get("format") == "docx":
        body = report.docx(sections, catalogue, period, city.name)
        return Response(body, mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        headers={"Content-Disposition": f'attachment; filename="gap-report-{period}.docx"'})
    return render("indicators/report.html", catalogue=catalogue, period=period, sections=sections,
                  periods=queries.reported_periods(db.session))


@bp.get("/<code>")
def detail(code: str):
    period = chosen_period()
    catalogue = catalogue_or_404(period)
    indicator = queries.indicator_by_code(db.session, catalogue, code) or abort(404)
    city, district_list = places_or_404()
    places = [city, *district_list]
    result = queries.compliance(db.session, catalogue, period, places)
    periods = sorted(queries.reported_periods(db.session))
    series = queries.approved_values(db.session, [m.id for m in indicator.measures], periods, [city.id])
    shown_ids = [v.id for v in result.values.values() if v.period == period]
    return render("indicators/detail.html", indicator=indicator, catalogue=catalogue, period=period,
                  periods=periods, places=places, city=city, result=result, series=series,
                  files=queries.evidence_files(db.session, shown_ids),
                  history=queries.value_history(db.session, indicator, city), statuses=STATUS_TITLES,
                  Status=Status)


@bp.get("/evidence/<int:file_id>")
def evidence_file(file_id: int):
    """An evidence file: public once its value is published; before that only for staff who handle it."""
    row = db.session.get(IndicatorEvidenceFile, file_id) or abort(404)
    published = row.value.state in (ValueState.APPROVED, ValueState.SUPERSEDED)
    staff_may = current_user.is_authenticated and (services.can_edit(current_user, row.value.measure.indicator)
                                                   or services.can_review(current_user))
    if not (published or staff_may):
        abort(404)
    try:
        path = uploads.path_of(current_app.config["UPLOAD_DIR"], row.stored_name)
        response = send_file(path, mimetype=uploads.KINDS[row.kind][0], download_name=row.original_name,
                             as_attachment=row.kind not in uploads.IMAGES, max_age=3600)
    except FileNotFoundError:
        abort(404)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from app.accounts.permissions import Permission
    from app.indicators import admin_views
    from app.web.nav import add_public, add_staff

    app.register_blueprint(bp)
    app.register_blueprint(admin_views.bp)
    add_staff(app, "indicators_admin.tasks", _l("Indicator values"), Permission.INDICATORS_EDIT,
              _l("Enter and submit the values of the indicators your bureau leads, with evidence."))
    add_staff(app, "indicators_admin.board", _l("Indicator task board"), Permission.INDICATORS_BOARD,
              _l("Missing, returned and waiting values per bureau and per district, against the deadline."))
    add_staff(app, "indicators_admin.review_queue", _l("Review indicator values"), Permission.INDICATORS_REVIEW,
              _l("Approve or return values that editors submitted."))
    add_public(app, "indicators.overview", _l("Indicator progress"),
               _l("How the city and each district stand against every official indicator, met or not and by how much."))
