"""Public indicator pages: overview, district comparison, one indicator; with CSV/XLSX export."""
from dataclasses import dataclass
from functools import cached_property

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.i18n import current_locale, local_today
from app.indicators import cache, evidence, exports, policy, preconditions, queries, report, wording
from app.indicators.judging import STATUS_TITLES
from app.indicators.models import IndicatorEvidenceFile, IndicatorProperty
from app.indicators.periods import PeriodError, parse_period
from app.indicators.rules import Status
from app.web.errors import render_error
from app.web.files import serve_stored
from app.web.htmx import render

bp = Blueprint("indicators", __name__, url_prefix="/indicators")


@bp.context_processor
def wording_context() -> dict:
    """Targets, values, methods and stored names in the reader's words (app.indicators.wording)."""
    return {"words": wording}


def chosen_period(snap: cache.Snapshot) -> str:
    """The period asked for (?period=), else the newest substantially reported one (periods.default_period),
    else last year."""
    asked = request.args.get("period", "").strip()
    if asked:
        try:
            return str(parse_period(asked, today=local_today()))
        except PeriodError:
            abort(404)
    return snap.default_period() or str(local_today().year - 1)


def period_note(snap: cache.Snapshot, period: str) -> dict:
    """What a page says about the completeness of the period it shows: `newer`, a newer period that was
    passed over for this one because it is not substantially reported (only when no period was asked for),
    and `shown`, the coverage of the period shown when it is not substantially reported itself."""
    coverage = snap.coverage()
    shown = next((c for c in coverage if c.period == period), None)
    newer = coverage[0] if coverage and coverage[0].period != period and shown is not None else None
    return {"newer": newer if not request.args.get("period", "").strip() else None,
            "shown": shown if shown is not None and not shown.substantial else None}


class UnknownFormat(Exception):
    """A ?format= the page does not offer; answered with 400 and the formats it does offer."""

    def __init__(self, offered: tuple[str, ...]):
        super().__init__(offered)
        self.offered = offered


def download_format(*offered: str) -> str | None:
    """The download asked for by ?format= (case-insensitive), None for the page itself; anything else
    (including an empty or repeated format) raises UnknownFormat."""
    asked = request.args.getlist("format")
    if not asked:
        return None
    fmt = asked[0].strip().lower()
    if len(asked) > 1 or fmt not in offered:
        raise UnknownFormat(offered)
    return fmt


@bp.errorhandler(UnknownFormat)
def unknown_format(error: UnknownFormat):
    if error.offered:
        message = _("This page can be downloaded only as %(formats)s.",
                    formats=" / ".join(f.upper() for f in error.offered))
    else:
        message = _("This page has no download. Remove “format” from the address to see the page.")
    return render_error(400, _("Unknown download format"), message)


def catalogue_or_404(snap: cache.Snapshot, period: str):
    catalogue = snap.catalogue_for_year(parse_period(period).year)
    if catalogue is None:
        abort(404)
    return catalogue


def places_or_404(snap: cache.Snapshot):
    city, district_list = snap.places()
    if city is None:
        abort(404)
    return city, district_list


@dataclass
class InForce:
    """What a public indicator page shows: the cached snapshot, the period asked for (or the default one), the
    catalogue that period is judged under, and the city with its districts."""

    snap: cache.Snapshot
    period: str
    catalogue: object
    city: object
    districts: list

    @cached_property
    def result(self):
        """The compliance of every place in the period."""
        return self.snap.compliance(self.catalogue, self.period)


def in_force() -> InForce:
    """The page's period, catalogue and places; 404 when the period has no catalogue or the site no city."""
    snap = cache.snapshot(db.session)
    period = chosen_period(snap)
    catalogue = catalogue_or_404(snap, period)
    return InForce(snap, period, catalogue, *places_or_404(snap))


def chosen_place(city, district_list):
    code = request.args.get("place", "").strip()
    if not code or code == city.code:
        return city
    return next((p for p in district_list if p.code == code), None) or abort(404)


def translated_titles() -> dict:
    """Status and property titles translated once per page, not once per table cell."""
    return {"status_titles": {status: str(title) for status, title in STATUS_TITLES.items()},
            "property_titles": {prop.value: str(prop.title) for prop in IndicatorProperty}}


@bp.get("/")
def overview():
    snap = cache.snapshot(db.session)
    period = chosen_period(snap)
    if not request.args.get("period") and (snap.catalogue_for_year(parse_period(period).year) is None
                                           or snap.places()[0] is None):
        return render("indicators/empty.html")  # a new site before its catalogue or city is set up
    catalogue = catalogue_or_404(snap, period)
    city, district_list = places_or_404(snap)
    place = chosen_place(city, district_list)
    result = snap.compliance(catalogue, period)
    before = snap.compliance(catalogue, str(parse_period(period).previous()))
    domain = request.args.get("domain", "")
    prop = request.args.get("property", "")
    status = request.args.get("status", "")
    shown = [i for i in result.indicators
             if (not domain or i.task_group.domain.code == domain)
             and (not prop or i.property_type == prop)
             and (not status or result.status(i, place).status == status)]
    fmt = download_format("csv", "xlsx")
    if fmt:
        return exports.overview(result, place, shown, fmt)
    filters = {"domain": domain, "property": prop, "status": status}
    # The downloads repeat the filters shown, with the period and place spelled out (never a second format).
    download_args = {**{k: v for k, v in request.args.items() if k != "format"}, "period": period, "place": place.code}
    results = snap.fragment(
        ("overview", current_locale(), period, place.id, tuple(sorted(request.args.items(multi=True)))),
        lambda: render_template("indicators/_overview_results.html", period=period, place=place, result=result,
                                shown=shown, changes=queries.changes(result, before, place), statuses=STATUS_TITLES,
                                catalogue=catalogue,
                                Status=Status, download_args=download_args, note=period_note(snap, period),
                                **translated_titles()))
    return render("indicators/overview.html", "indicators/_prerendered.html", fragment=results,
                  catalogue=catalogue, period=period, periods=snap.reported_periods(), city=city,
                  districts=district_list, place=place, filters=filters, statuses=STATUS_TITLES,
                  properties=list(IndicatorProperty), kept_layout=True)


@bp.get("/districts")
def district_comparison():
    shown = in_force()
    snap, period, catalogue, district_list, result = (shown.snap, shown.period, shown.catalogue, shown.districts,
                                                      shown.result)
    fmt = download_format("csv", "xlsx")
    if fmt:
        return exports.districts(queries.district_ranking(result, district_list), period, fmt)
    asked = bool(request.args.get("period", "").strip())
    table = snap.fragment(("districts", current_locale(), period, asked), lambda: render_template(
        "indicators/_districts_table.html", period=period, rows=queries.district_ranking(result, district_list),
        note=period_note(snap, period)))
    return render("indicators/districts.html", "indicators/_prerendered.html", fragment=table, catalogue=catalogue,
                  period=period, periods=snap.reported_periods(), kept_layout=True)


@bp.get("/report")
def gap_report():
    """The analysis report the offices used to write by hand, for the city and every district."""
    shown = in_force()
    snap, period, catalogue, city, district_list = (shown.snap, shown.period, shown.catalogue, shown.city,
                                                    shown.districts)
    # Read for each request (not cached): the checklist is not part of the judged indicator values.
    checklists = preconditions.checklists(db.session, catalogue, parse_period(period).year, [city, *district_list])
    sections = report.build(snap, catalogue, period, city, district_list, checklists)
    if download_format("docx"):
        body = report.docx(sections, catalogue, period, city.name)
        return Response(body, mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        headers={"Content-Disposition": f'attachment; filename="gap-report-{period}.docx"'})
    return render("indicators/report.html", catalogue=catalogue, period=period, sections=sections,
                  periods=snap.reported_periods(), note=period_note(snap, period), verdict_lines=report.verdict_lines,
                  failing_preconditions=[(s.place, item) for s in sections if s.checklist
                                         for item in s.checklist.failing])


@bp.get("/report/by-indicator")
def gap_by_indicator():
    """The failing indicators one by one across the districts: where each fails, with the value against the
    target that applies there; the preconditions not met are listed first."""
    download_format()
    shown = in_force()
    snap, period, catalogue, city, district_list = (shown.snap, shown.period, shown.catalogue, shown.city,
                                                    shown.districts)
    checklists = preconditions.checklists(db.session, catalogue, parse_period(period).year, [city, *district_list])
    return render("indicators/report_by_indicator.html", catalogue=catalogue, period=period,
                  periods=snap.reported_periods(), note=period_note(snap, period), city=city,
                  districts=district_list, groups=report.by_indicator(snap, catalogue, period, city, district_list),
                  failing_preconditions=[(checklists[p.id].place, item) for p in [city, *district_list]
                                         for item in checklists[p.id].failing])


@bp.get("/<code>")
def detail(code: str):
    download_format()
    shown = in_force()
    snap, period, catalogue, city, result = shown.snap, shown.period, shown.catalogue, shown.city, shown.result
    indicator = next((i for i in result.indicators if i.code == code), None) or abort(404)
    places = [city, *shown.districts]
    periods = sorted(snap.reported_periods())

    def content() -> str:
        measure_ids = [m.id for m in indicator.measures]
        measure_ids += [m.assigned_target.id for m in indicator.measures if m.assigned_target is not None]
        series = queries.series(db.session, indicator, periods, [city.id])
        shown_ids = [v.id for v in result.values.values() if v.period == period and v.measure_id in measure_ids]
        return render_template("indicators/_detail_content.html", indicator=indicator, period=period,
                               catalogue=catalogue,
                               periods=periods, places=places, city=city, result=result, series=series,
                               files=queries.evidence_files(db.session, shown_ids),
                               history=queries.value_history(db.session, indicator, city), statuses=STATUS_TITLES,
                               Status=Status)
    # Other modules' figures beside the value, read for each request: not part of the cached fragment.
    shown_evidence = evidence.evidence_for(db.session, indicator.provider, parse_period(period).year)
    return render("indicators/detail.html", indicator=indicator, evidence=shown_evidence,
                  fragment=snap.fragment(("detail", current_locale(), period, indicator.id), content))


@bp.get("/evidence/<int:file_id>")
def evidence_file(file_id: int):
    """An evidence file: public once its value is published; before that only for staff who handle it."""
    row = db.session.get(IndicatorEvidenceFile, file_id) or abort(404)
    published = row.value.state.is_published
    staff_may = current_user.is_authenticated and (policy.can_edit(current_user, row.value.measure.indicator)
                                                   or policy.can_review(current_user))
    if not (published or staff_may):
        abort(404)
    return serve_stored(current_app.config["UPLOAD_DIR"], row.stored_name, row.kind, public=published,
                        download_name=row.original_name)


def register(app) -> None:
    """The public pages and their place in the navigation."""
    from flask_babel import lazy_gettext as _l

    from app.web.nav import add_public

    app.register_blueprint(bp)
    add_public(app, "indicators.overview", _l("Indicator progress"),
               _l("How the city and each district stand against every official indicator, met or not and by how much."))
