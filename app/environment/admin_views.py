"""Back office of environmental monitoring: sites (air stations, water sections, drinking-water sources), the
value import, station keys, and each site's latest values with their revisions. Bureau editors manage their
own bureau's sites, admins every bureau's; every object is checked on the server."""
import json

from flask import Blueprint, Response, abort, flash, request, session as cookie_session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.utils import secure_filename

from app.accounts.permissions import Permission
from app.admin.pages import form_page
from app.environment import imports, policy, services
from app.environment.forms import ImportForm, KeyForm, SectionForm, SourceForm, StationForm
from app.environment.models import (AirDay, AirHour, AirStation, DataState, DrinkingSource, MeasurementRevision,
                                    StationKey, WaterSample, WaterSection)
from app.extensions import db
from app.indicators import xlsx
from app.indicators.exports import XLSX_MIMETYPE
from app.org.queries import bureaus, districts
from app.web.actions import act
from app.web.auth import deny, permission_required
from app.web.forms import ConfirmForm, choices
from app.web.htmx import render, see_other

bp = Blueprint("environment_admin", __name__, url_prefix="/admin/environment")

# The three kinds of site: the URL segment, the model, the form, and the titles of their pages.
KINDS = {
    "stations": (AirStation, StationForm),
    "sections": (WaterSection, SectionForm),
    "sources": (DrinkingSource, SourceForm),
}
LATEST_HOURS = 48
LATEST_DAYS = 31
LATEST_SAMPLES = 24


def _titles(kind: str) -> dict[str, str]:
    return {
        "stations": {"list": _("Air monitoring stations"), "new": _("New air monitoring station")},
        "sections": {"list": _("Surface-water sections"), "new": _("New surface-water section")},
        "sources": {"list": _("Drinking-water sources"), "new": _("New drinking-water source")},
    }[kind]


def _own(query, model):
    """Only the user's bureau's rows, unless the user sees every bureau."""
    if policy.sees_every_bureau(current_user):
        return query
    return query.where(model.bureau_id == current_user.bureau_id)


def _managed_bureaus():
    return [b for b in bureaus(db.session) if policy.can_manage(current_user, b.id)]


def _site(kind: str, site_id: int):
    """The site, or 404; a site of another bureau is refused (403, audited)."""
    model, _form = KINDS[kind]
    site = db.session.get(model, site_id) or abort(404)
    if not policy.can_manage(current_user, site):
        deny("environment.denied", site)
    return site


@bp.get("/")
@permission_required(Permission.ENVIRONMENT_EDIT)
def index():
    """The sites the user manages, by kind, with links to their values, their forms, the import and the keys."""
    lists = {}
    for kind, (model, _form) in KINDS.items():
        query = _own(select(model), model).order_by(model.active.desc(), model.sort_order, model.code)
        lists[kind] = db.session.scalars(query).all()
    return render("admin/environment/index.html", lists=lists, titles={k: _titles(k) for k in KINDS},
                  every_bureau=policy.sees_every_bureau(current_user))


def _site_form(kind: str, site=None):
    model, form_class = KINDS[kind]
    form = form_class(obj=site)
    form.place_id.choices = choices([(p.id, p.name) for p in districts(db.session, include_inactive=True)])
    form.bureau_id.choices = choices([(b.id, b.name) for b in _managed_bureaus()])
    if site is None and request.method == "GET" and not policy.sees_every_bureau(current_user):
        form.bureau_id.data = current_user.bureau_id
    by = services.by_user(current_user)

    def save():
        data = form.data_for_service()
        if site is None:
            return services.create_site(db.session, by, model, data)
        return services.update_site(db.session, by, site, data)

    return form_page(form, "admin/environment/site_form.html", save,
                     success=lambda saved: _("%(name)s is saved.", name=saved.name),
                     then=url_for(".index"), kind=kind, site=site,
                     heading=site.name if site else _titles(kind)["new"])


def _register_kind(kind: str) -> None:
    """The new, edit, values and deactivate routes of one kind of site."""

    @permission_required(Permission.ENVIRONMENT_EDIT)
    def new():
        return _site_form(kind)

    @permission_required(Permission.ENVIRONMENT_EDIT)
    def edit(site_id: int):
        return _site_form(kind, _site(kind, site_id))

    @permission_required(Permission.ENVIRONMENT_EDIT)
    def values(site_id: int):
        site = _site(kind, site_id)
        return render("admin/environment/site.html", kind=kind, site=site, confirm=ConfirmForm(),
                      **_latest_values(site))

    @permission_required(Permission.ENVIRONMENT_EDIT)
    def deactivate(site_id: int):
        site = _site(kind, site_id)
        if not ConfirmForm().validate_on_submit():
            abort(400)
        page = url_for(f".{kind}_values", site_id=site.id)
        return act(lambda: services.deactivate_site(db.session, services.by_user(current_user), site),
                   success=_("%(name)s is inactive: its values are kept, and it no longer counts in the means.",
                             name=site.name),
                   then=page, refused=lambda error: see_other(page), subject=site, audit_as="environment.denied")

    bp.add_url_rule(f"/{kind}/new", f"{kind}_new", new, methods=["GET", "POST"])
    bp.add_url_rule(f"/{kind}/<int:site_id>/edit", f"{kind}_edit", edit, methods=["GET", "POST"])
    bp.add_url_rule(f"/{kind}/<int:site_id>", f"{kind}_values", values, methods=["GET"])
    bp.add_url_rule(f"/{kind}/<int:site_id>/deactivate", f"{kind}_deactivate", deactivate, methods=["POST"])


for _kind in KINDS:
    _register_kind(_kind)


def _revisions(kind: str, ids: list[int]) -> dict[int, list[dict]]:
    """What each record replaced, newest first, with the old values read back for the page."""
    found: dict[int, list[dict]] = {}
    if ids:
        for revision in db.session.scalars(
                select(MeasurementRevision).where(MeasurementRevision.kind == kind,
                                                  MeasurementRevision.record_id.in_(ids))
                .order_by(MeasurementRevision.replaced_at.desc(), MeasurementRevision.id.desc())):
            previous = json.loads(revision.previous)
            values = previous.get("values") if kind == "water_sample" else {
                name: previous.get(name) for name in (*services.HOUR_ITEMS, *services.DAY_ITEMS)
                if previous.get(name) is not None}
            found.setdefault(revision.record_id, []).append({
                "at": revision.replaced_at, "by": revision.replaced_by, "values": values or {},
                "previous_state": revision.previous_state, "new_state": revision.new_state})
    return found


def _latest_values(site) -> dict:
    """The site's newest values, each with what it replaced."""
    if isinstance(site, AirStation):
        hours = db.session.scalars(select(AirHour).where(AirHour.station_id == site.id)
                                   .order_by(AirHour.observed_at.desc()).limit(LATEST_HOURS)).all()
        days = db.session.scalars(select(AirDay).where(AirDay.station_id == site.id)
                                  .order_by(AirDay.day.desc()).limit(LATEST_DAYS)).all()
        return {"hours": hours, "days": days,
                "hour_revisions": _revisions("air_hour", [h.id for h in hours]),
                "day_revisions": _revisions("air_day", [d.id for d in days])}
    column = WaterSample.section_id if isinstance(site, WaterSection) else WaterSample.source_id
    samples = db.session.scalars(select(WaterSample).where(column == site.id)
                                 .order_by(WaterSample.period.desc()).limit(LATEST_SAMPLES)).all()
    return {"samples": samples, "sample_revisions": _revisions("water_sample", [s.id for s in samples])}


@bp.route("/import", methods=["GET", "POST"])
@permission_required(Permission.ENVIRONMENT_EDIT)
def import_values():
    """Upload a file of values: every row checked, then all recorded, or nothing and the rows' errors."""
    form = ImportForm()
    errors: list[tuple[int, str]] = []
    if form.validate_on_submit():
        upload = form.file.data
        result = imports.import_file(db.session, current_user, form.kind.data, upload.stream.read(),
                                     state=DataState(form.state.data),
                                     filename=secure_filename(upload.filename or "") or "upload")
        if not result.errors:
            db.session.commit()
            flash(_("Imported: %(inserted)d new, %(replaced)d replaced (old values kept as revisions), "
                    "%(unchanged)d unchanged.", **{k: v for k, v in result.outcome.counts().items()
                                                   if k != "refused"}), "success")
            return see_other(url_for(".import_values"))
        db.session.rollback()
        errors = result.errors
    return render("admin/environment/import.html", form=form, errors=errors,
                  kinds=list(imports.KIND_TITLES.items()),
                  status=422 if request.method == "POST" else 200)


@bp.get("/import/template.xlsx")
@permission_required(Permission.ENVIRONMENT_EDIT)
def import_template():
    """An empty file of the asked kind (?kind=air_hourly …) with the headers the import reads."""
    try:
        kind = imports.ImportKind(request.args.get("kind", imports.ImportKind.AIR_HOURLY.value))
    except ValueError:
        abort(404)
    body = xlsx.write_rows(kind.value, imports.template_headers(kind), [])
    return Response(body, mimetype=XLSX_MIMETYPE,
                    headers={"Content-Disposition": f'attachment; filename="environment-{kind.value}.xlsx"'})


@bp.route("/keys", methods=["GET", "POST"])
@permission_required(Permission.ENVIRONMENT_EDIT)
def keys():
    """Station keys of the user's bureau (all for admins): create one (shown once), revoke one."""
    form = KeyForm()
    form.bureau_id.choices = choices([(b.id, b.name) for b in _managed_bureaus()])
    if request.method == "GET" and not policy.sees_every_bureau(current_user):
        form.bureau_id.data = current_user.bureau_id

    def create():
        _row, key = services.create_station_key(db.session, services.by_user(current_user), form.bureau_id.data,
                                                form.name.data)
        cookie_session["new_station_key"] = key  # shown once on the next page, then forgotten
        return key

    rows = db.session.scalars(_own(select(StationKey), StationKey)
                              .order_by(StationKey.revoked_at.is_not(None), StationKey.id.desc())).all()
    page = lambda error=None: render(  # noqa: E731
        "admin/environment/keys.html", form=form, rows=rows, confirm=ConfirmForm(),
        new_key=cookie_session.pop("new_station_key", None) if request.method == "GET" else None,
        status=422 if request.method == "POST" else 200)
    if not form.validate_on_submit():
        return page()
    return act(create, success=_("The key is created. Copy it now: it is not shown again."),
               then=url_for(".keys"), refused=page, form=form, audit_as="environment.denied")


@bp.post("/keys/<int:key_id>/revoke")
@permission_required(Permission.ENVIRONMENT_EDIT)
def revoke_key(key_id: int):
    row = db.session.get(StationKey, key_id) or abort(404)
    if not policy.can_manage(current_user, row.bureau_id):
        deny("environment.denied", row)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    page = url_for(".keys")
    return act(lambda: services.revoke_station_key(db.session, services.by_user(current_user), row),
               success=_("The key is revoked: pushes with it are refused from now on."), then=page,
               refused=lambda error: see_other(page), subject=row, audit_as="environment.denied")
