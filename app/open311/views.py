"""Open311 GeoReport v2 under /open311/v2/: discovery, services, service definitions, service requests
(POST with an API key, GET with the standard filters), tokens, and FixMyStreet's servicerequestupdates."""
from decimal import Decimal, InvalidOperation
from functools import wraps

from flask import Blueprint, Response, current_app, g, request
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from wtforms.validators import Length, Optional

from app.db_types import utcnow
from app.extensions import csrf, db, limiter
from app.i18n import normalize_locale, select_locale
from app.open311 import documents, queries, services
from app.open311.formats import (FORMATS, MAX_DESCRIPTION, MAX_REQUESTS, MIME_TYPES, Open311Error, date_range,
                                 parse_w3c, render, render_errors, split_list)
from app.org.queries import districts
from app.tips import services as tips
from app.tips.forms import TipForm
from app.tips.settings import rules
from app.tips.storage import photo_dir
from app.web.params import PAGE_MAX, db_int
from app.web.urls import public_url

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
csrf.exempt(bp)  # clients authenticate with API keys, not cookies; the admin pages keep CSRF
limiter.limit(lambda: current_app.config["OPEN311_RATE_LIMIT"])(bp)
FMT = "<any(xml, json):fmt>"
# Where each form field of the tips module came from in the request, for error descriptions.
PARAMETERS = {"categories": "service_code", "description": "description", "district": "attribute[district]",
              "address": "address_string", "latitude": "lat", "longitude": "long", "reporter_name": "first_name",
              "reporter_phone": "phone", "reported_unit": "attribute[reported_unit]"}
CHANGESET = "2026-12-01T00:00:00Z"  # when this API's shape last changed


def _respond(fmt: str, root: str, body, item: str | None = None) -> Response:
    # Names and notices follow Accept-Language when ?locale= is absent, so caches must tell them apart.
    return Response(render(fmt, root, body, item), 200, mimetype=MIME_TYPES[fmt], headers={"Vary": "Accept-Language"})


def api(view):
    """Answers in the ?locale= (or the browser's) language; every failure in the standard error format."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        locale = normalize_locale(request.values.get("locale")) or select_locale()
        with force_locale(locale):
            g.current_locale = locale
            try:
                return view(*args, **kwargs)
            except Open311Error as error:
                db.session.rollback()
                return _error_response(kwargs.get("fmt", "xml"), error)
    return wrapped


def _error_response(fmt: str, error: Open311Error) -> Response:
    return Response(render_errors(fmt, error), error.status, mimetype=MIME_TYPES[fmt])


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    """Rate limits, wrong methods, oversize bodies: the standard format too."""
    fmt = (request.view_args or {}).get("fmt", "xml")
    fmt = fmt if fmt in FORMATS else "xml"
    return _error_response(fmt, Open311Error(error.code or 500, error.description or error.name))


@bp.get(f"/discovery.{FMT}")
@api
def discovery(fmt: str):
    config = current_app.config
    body = {
        "changeset": CHANGESET,
        "contact": config["OPEN311_CONTACT"] or config["PRIVACY_CONTACT"],
        "key_service": _("Reading is open to all. To post requests, ask the ecological civilization office for an "
                         "API key; keys are issued and revoked in its back office."),
        "endpoints": [{"specification": documents.SPECIFICATION,
                       "url": public_url(".discovery", fmt=fmt).rsplit("/", 1)[0],
                       "changeset": CHANGESET, "type": "production",
                       "formats": [MIME_TYPES["xml"], MIME_TYPES["json"]]}],
    }
    return _respond(fmt, "discovery", body)


def _needs_district() -> bool:
    return len(districts(db.session)) > 1


@bp.get(f"/services.{FMT}")
@api
def service_list(fmt: str):
    needs_district = _needs_district()
    body = [documents.service(c, queries.subtypes(db.session, c), needs_district)
            for c in queries.services(db.session)]
    return _respond(fmt, "services", body, "service")


def _service(code: str):
    category = queries.service(db.session, code)
    if category is None:
        raise Open311Error(404, _("service_code %(code)s not found.", code=code))
    return category


@bp.get(f"/services/<code>.{FMT}")
@api
def service_definition(code: str, fmt: str):
    category = _service(code)
    body = documents.definition(category, queries.subtypes(db.session, category), districts(db.session))
    return _respond(fmt, "service_definition", body)


def _attribute(name: str) -> str:
    return (request.form.get(f"attribute[{name}]") or request.form.get(f"attribute[{name}][]") or "").strip()


def _point(name: str) -> str:
    value = (request.form.get(name) or "").strip()
    if value:
        try:
            Decimal(value)
        except InvalidOperation:
            raise Open311Error(400, _("%(name)s must be a decimal number.", name=name)) from None
    return value


def _tip_form(category, subtype, district, latitude: str, longitude: str) -> TipForm:
    """The tips module's own report form, filled from the request, so the same rules apply (its `validate`)."""
    first, last = (request.form.get("first_name") or "").strip(), (request.form.get("last_name") or "").strip()
    name = f"{first} {last}".strip() if (first + last).isascii() else f"{last}{first}"
    phone = (request.form.get("phone") or "").strip()
    # Real name only with a name and a phone, as on the form; otherwise nothing personal is kept.
    named = bool(name and phone)
    address = (request.form.get("address_string") or "").strip() or f"{latitude}, {longitude}"
    data = MultiDict([("description", request.form.get("description") or ""), ("district", str(district.id)),
                      ("address", address), ("latitude", latitude), ("longitude", longitude),
                      ("reported_unit", _attribute(documents.REPORTED_UNIT)), ("consent", "y"),
                      ("identity", "named" if named else "anonymous"),
                      ("reporter_name", name if named else ""), ("reporter_phone", phone if named else "")])
    for chosen in filter(None, (category, subtype)):
        data.add("categories", str(chosen.id))
    form = TipForm(formdata=data, meta={"csrf": False})
    # GeoReport v2: description is optional and may be up to 4,000 characters (the web form asks for 5–3000).
    form.description.validators = [Optional(), Length(max=MAX_DESCRIPTION, message=_(
        "Describe the problem in at most %(max)d characters.", max=MAX_DESCRIPTION))]
    form.categories.choices = [(c.id, c.name) for c in filter(None, (category, subtype))]
    form.district.choices = [(district.id, district.name)]
    return form


def _district(attribute: str):
    options = districts(db.session)
    if attribute:
        found = next((d for d in options if d.code == attribute), None)
        if found is None:
            raise Open311Error(400, _("attribute[district] must be one of the listed values."))
        return found
    if len(options) == 1:
        return options[0]
    raise Open311Error(400, _("attribute[district] is required."))


def _key(action: str):
    """The request's API key, its use counted; a refused attempt stays in the audit log. Some clients put the key
    in the query string rather than the body: both are accepted."""
    try:
        return services.authenticate(db.session, request.values.get("api_key"), action)
    except Open311Error:
        db.session.commit()
        raise


@bp.post(f"/requests.{FMT}")
@limiter.limit(lambda: current_app.config["OPEN311_SUBMIT_RATE_LIMIT"])
@api
def create(fmt: str):
    key = _key("create_request")
    code = (request.form.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, _("service_code was not provided."))
    category = _service(code)
    latitude, longitude = _point("lat"), _point("long")
    if not ((latitude and longitude) or (request.form.get("address_string") or "").strip()):
        raise Open311Error(400, _("Give lat and long, or address_string."))
    subtype_code = _attribute(documents.SUBTYPE)
    subtype = next((c for c in queries.subtypes(db.session, category) if c.code == subtype_code), None)
    if subtype_code and subtype is None:
        raise Open311Error(400, _("attribute[subtype] must be one of the listed values."))
    district = _district(_attribute(documents.DISTRICT))
    form = _tip_form(category, subtype, district, latitude, longitude)
    if not form.validate():
        raise Open311Error(400, *[f"{PARAMETERS.get(name, name)}: {errors[0]}" for name, errors in form.errors.items()
                                  if errors])
    data = tips.TipInput(categories=[c for c in (category, subtype) if c], description=form.description.data or "",
                         district=district, address=form.address.data, latitude=form.latitude.data,
                         longitude=form.longitude.data, reported_unit=(form.reported_unit.data or "").strip(),
                         anonymous=form.identity.data != "named", reporter_name=form.reporter_name.data or "",
                         reporter_phone=form.reporter_phone.data or "")
    link, _code = services.create_request(db.session, key, data, rules(), photo_dir(),
                                          media_url=(request.form.get("media_url") or "").strip()[:1000])
    db.session.commit()
    body = [{"service_request_id": link.tip.public_number, "service_notice": documents.service_notice(),
             "account_id": None, "token": link.token}]
    return _respond(fmt, "service_requests", body, "request")


def _page() -> tuple[int, int]:
    """The page and page_size extension; page_size at most 1000, the specification's default limit."""
    try:
        page = db_int(request.args.get("page") or "1")
        size = db_int(request.args.get("page_size") or str(MAX_REQUESTS))
    except ValueError:
        raise Open311Error(400, _("page and page_size must be whole numbers.")) from None
    if not 1 <= page <= PAGE_MAX or not 1 <= size <= MAX_REQUESTS:
        raise Open311Error(400, _("page must be 1 or more and page_size between 1 and %(max)d.", max=MAX_REQUESTS))
    return page, size


@bp.get(f"/requests.{FMT}")
@api
def request_list(fmt: str):
    numbers = split_list(request.args.get("service_request_id"))
    if numbers:  # the specification: service_request_id overrides every other argument
        tips_found = queries.requests_by_number(db.session, numbers)
    else:
        statuses = sorted(set(split_list(request.args.get("status"))))
        if not set(statuses) <= {"open", "closed"}:
            raise Open311Error(400, _("status must be open, closed, or both."))
        start, end = date_range(request.args.get("start_date"), request.args.get("end_date"), utcnow())
        page, size = _page()
        tips_found = queries.requests(db.session, codes=split_list(request.args.get("service_code")),
                                      statuses=statuses, start=start, end=end, limit=size, offset=(page - 1) * size)
    return _respond(fmt, "service_requests", [documents.request(t) for t in tips_found], "request")


@bp.get(f"/requests/<number>.{FMT}")
@api
def request_detail(number: str, fmt: str):
    found = queries.requests_by_number(db.session, [number])
    if not found:
        raise Open311Error(404, _("service_request_id %(id)s not found.", id=number))
    return _respond(fmt, "service_requests", [documents.request(found[0])], "request")


@bp.get(f"/tokens/<token>.{FMT}")
@api
def token(token: str, fmt: str):
    link = queries.by_token(db.session, token)
    if link is None:
        raise Open311Error(404, _("token %(token)s not found.", token=token))
    return _respond(fmt, "service_requests", [{"service_request_id": link.tip.public_number, "token": link.token}],
                    "request")


@bp.get(f"/servicerequestupdates.{FMT}")
@api
def update_list(fmt: str):
    """The public timeline entries between start_date and end_date (the last 90 days by default): page 1 holds
    the newest page_size (at most 1000) of the window, page 2 the ones before them, and so on; each page is
    listed oldest first."""
    start, end = date_range(request.args.get("start_date"), request.args.get("end_date"), utcnow())
    page, size = _page()
    events = queries.updates(db.session, start=start, end=end, limit=size, offset=(page - 1) * size)
    comment_ids = queries.published_comment_ids(db.session, events)
    body = [documents.update(e, comment_ids.get(e.id)) for e in events]
    return _respond(fmt, "service_request_updates", body, "request_update")


# Limits of the comment fields, as stored (CitizenComment).
COMMENT_FIELDS = {"update_id": 64, "status": 32, "media_url": 1000, "first_name": 100, "last_name": 100,
                  "email": 254, "phone": 40}


def _comment_field(name: str) -> str:
    value = (request.form.get(name) or "").strip()
    if len(value) > COMMENT_FIELDS[name]:
        raise Open311Error(400, _("%(name)s may be at most %(max)d characters.", name=name, max=COMMENT_FIELDS[name]))
    return value


@bp.post(f"/servicerequestupdates.{FMT}")
@limiter.limit(lambda: current_app.config["OPEN311_SUBMIT_RATE_LIMIT"])
@api
def create_update(fmt: str):
    """FixMyStreet's post_service_request_update: a citizen's comment on a request, kept for staff (who may
    publish it); it never changes the request's status by itself."""
    key = _key("post_service_request_update")
    number = (request.form.get("service_request_id") or "").strip()
    if not number:
        raise Open311Error(400, _("service_request_id was not provided."))
    found = queries.requests_by_number(db.session, [number])
    if not found:
        raise Open311Error(404, _("service_request_id %(id)s not found.", id=number))
    description = (request.form.get("description") or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, _("description may be at most %(max)d characters.", max=MAX_DESCRIPTION))
    media_url = _comment_field("media_url")
    if not description and not media_url:
        raise Open311Error(400, _("description was not provided."))
    moment = (request.form.get("updated_datetime") or "").strip()
    data = services.CommentInput(
        client_update_id=_comment_field("update_id"), client_datetime=parse_w3c(moment, "updated_datetime")
        if moment else None, status=_comment_field("status").lower(), description=description, media_url=media_url,
        first_name=_comment_field("first_name"), last_name=_comment_field("last_name"),
        email=_comment_field("email"), phone=_comment_field("phone"))
    comment = services.receive_comment(db.session, key, found[0], data)
    db.session.commit()
    return _respond(fmt, "service_request_updates", [{"update_id": comment.update_id}], "request_update")


@bp.route("/<path:unknown>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@api
def unknown(unknown: str):
    """Anything else under /open311/v2/ is answered in the standard format too: 405 for a known resource
    asked with the wrong method, 404 otherwise."""
    fmt = "json" if unknown.endswith(".json") else "xml"
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in ("GET", "POST"):
        try:
            endpoint, _args = adapter.match(request.path, method=method)
        except HTTPException:
            continue
        if endpoint != request.endpoint:
            allowed.append(method)
    if allowed:
        response = _error_response(fmt, Open311Error(405, _("Use %(methods)s here.", methods=", ".join(allowed))))
        response.headers["Allow"] = ", ".join(allowed)
        return response
    return _error_response(fmt, Open311Error(404, _("There is no such resource in the Open311 API.")))
