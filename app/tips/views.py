"""Public pages of pollution tips: the report form, the private status page, and the redacted public list."""
from decimal import Decimal

from flask import (Blueprint, abort, current_app, flash, redirect, request, send_file, session as cookie_session,
                   url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app.db_types import utcnow
from app.extensions import db, limiter
from app.i18n import from_local_input, local_today
from app.org import outlines
from app.org.queries import districts
from app.tips import queries, services
from app.tips.forms import RATING_CHOICES, RatingForm, TipForm, TrackForm
from app.tips.models import TipCategory, TipPhoto
from app.tips.settings import rules_from
from app.tips.workflow import ANSWERED_STATES, EVENT_TITLES, TipState
from app.web import once, oversize, uploads
from app.web.htmx import render, see_other
from app.web.forms import FIRST_YEAR, LAST_YEAR, choices
from app.web.params import db_int, is_db_int, page_arg

bp = Blueprint("tips", __name__, url_prefix="/tips")
PUBLIC_PAGE_SIZE = 50
PUBLIC_STATUS_TITLES = {"open": _l("Being handled"), "closed": _l("Finished")}


def rules() -> services.Rules:
    return rules_from(current_app.config, db.session)


def _photo_dir() -> str:
    return str(current_app.config["UPLOAD_DIR"]) + "/tips"


def _form() -> TipForm:
    form = TipForm()
    form.categories.choices = [(c.id, c.name) for c in queries.categories(db.session)]
    form.district.choices = [(0, _("— choose —"))] + [(d.id, d.name) for d in districts(db.session)]
    if form.identity.data != "named":  # a name or phone typed for an anonymous report is neither checked nor kept
        for named_only in (form.reporter_name, form.reporter_phone):
            named_only.data, named_only.raw_data = "", []
    return form


def _category_children(categories: list[TipCategory]) -> dict[int, list[int]]:
    """The sub-types listed under each kind on the form (only under a kind that is itself offered)."""
    offered = {c.id for c in categories}
    children: dict[int, list[int]] = {}
    for category in categories:
        if category.parent_id in offered:
            children.setdefault(category.parent_id, []).append(category.id)
    return children


def _inside_city(latitude: Decimal, longitude: Decimal) -> bool:
    south, north, west, east = (Decimal(v) for v in current_app.config["TIP_BOUNDS"].split(","))
    return latitude.is_finite() and longitude.is_finite() and south <= latitude <= north and west <= longitude <= east


def _check(form: TipForm) -> bool:
    """The checks WTForms can't express: who's named, where, when."""
    valid = True
    if form.district.data == 0:
        form.district.errors.append(_("Choose the district."))
        valid = False
    if form.identity.data == "named" and not (form.reporter_name.data or "").strip():
        form.reporter_name.errors.append(_("Give your name, or choose to report anonymously."))
        valid = False
    if form.identity.data == "named" and not (form.reporter_phone.data or "").strip():
        form.reporter_phone.errors.append(_("Give a phone number so the bureau can reach you about a reward."))
        valid = False
    if (form.latitude.data is None) != (form.longitude.data is None):
        form.longitude.errors.append(_("Give both latitude and longitude, or neither."))
        valid = False
    elif form.latitude.data is not None and not _inside_city(form.latitude.data, form.longitude.data):
        form.latitude.errors.append(_("This point is outside the city."))
        valid = False
    if form.observed_at.data and from_local_input(form.observed_at.data) > utcnow():
        form.observed_at.errors.append(_("The time you noticed it cannot be in the future."))
        valid = False
    return valid


@bp.route("/new", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["TIP_SUBMIT_RATE_LIMIT"], methods=["POST"])
def new():
    form = _form()
    once.token()
    if request.method == "POST" and (earlier := once.earlier_result(db.session, "tips.new", once.posted_token())):  # a double click or resubmission: the first report's page
        return _show_code(earlier)
    if request.method == "POST" and form.validate() & _check(form):
        files = [f for f in (form.photos.data or []) if f and f.filename]
        photos = []
        if len(files) > current_app.config["TIP_MAX_PHOTOS"]:
            form.photos.errors.append(_("Send at most %(n)d photos.", n=current_app.config["TIP_MAX_PHOTOS"]))
        for upload in files[:current_app.config["TIP_MAX_PHOTOS"]]:
            try:
                photos.append(services.process_photo(upload.read(), current_app.config["MAX_TIP_PHOTO_BYTES"]))
            except services.TipError as error:
                form.photos.errors.append(f"{upload.filename}: {error}")
        if not form.photos.errors:
            chosen = db.session.scalars(select(TipCategory).where(TipCategory.id.in_(form.categories.data))).all()
            data = services.TipInput(
                categories=chosen, description=form.description.data.strip(),
                district=next(d for d in districts(db.session) if d.id == form.district.data),
                address=form.address.data.strip(), latitude=form.latitude.data, longitude=form.longitude.data,
                observed_at=from_local_input(form.observed_at.data),
                reported_unit=(form.reported_unit.data or "").strip(), anonymous=form.identity.data != "named",
                reporter_name=(form.reporter_name.data or "").strip(),
                reporter_phone=(form.reporter_phone.data or "").strip())
            try:
                claim = once.claim(db.session, "tips.new", once.posted_token())
            except once.AlreadyClaimed:  # the same form, posted twice at once: show what the first one made
                db.session.rollback()
                return _show_code(once.earlier_result(db.session, "tips.new", once.posted_token()))
            tip, code = services.submit_tip(db.session, data, photos, rules(), _photo_dir())
            once.settle(claim, once.posted_token(), code)
            db.session.commit()
            return _show_code(code)
        form.photos.errors.append(_("Nothing was sent yet: choose the photos again (your text is kept)."))
    return render("tips/new.html", form=form, category_children=_category_children(queries.categories(db.session)),
                  status=422 if request.method == "POST" else 200)


@oversize.keeps_text("tips.new")
def _too_large():
    """The report form again after a 413, with the text typed (request.form holds it, the photos are gone)."""
    form = _form()
    once.token()
    form.photos.errors = [_("All you sent was larger than %(mb)d MB, so nothing was sent yet: choose fewer or "
                            "smaller photos (your text is kept).",
                            mb=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024))]
    return render("tips/new.html", form=form, status=413)


def _show_code(code: str | None):
    if code is None:  # the first post of this form failed after all: start afresh
        return see_other(url_for(".new"))
    cookie_session["new_tip_code"] = code  # shown once on the next page, then forgotten
    return see_other(url_for(".submitted"))


@bp.get("/nearby")
def nearby():
    """Open reports of the same kind in the chosen district from the last weeks, shown on the report form
    (htmx) so a resident can see the pollution is already being handled; public fields only."""
    district_id = request.args.get("district", type=db_int)
    category_ids = [int(c) for c in request.args.getlist("categories") if is_db_int(c)]
    tips = queries.open_nearby(db.session, district_id, category_ids, utcnow(),
                               days=current_app.config["TIP_DUPLICATE_DAYS"]) if district_id and category_ids else []
    return render("tips/_nearby.html", "tips/_nearby.html", tips=tips)


@bp.get("/submitted")
def submitted():
    code = cookie_session.pop("new_tip_code", None)
    if code is None:
        return redirect(url_for(".track_form"))
    return render("tips/submitted.html", code=code)


@bp.get("/track")
@limiter.limit(lambda: current_app.config["TIP_TRACK_RATE_LIMIT"])
def track_form():
    form = TrackForm(request.args, meta={"csrf": False})
    if request.args.get("code") and form.validate():
        return redirect(url_for(".track", code=services.normalise_code(form.code.data)))
    return render("tips/track_form.html", form=form)


@bp.route("/track/<code>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["TIP_TRACK_RATE_LIMIT"])
def track(code: str):
    """The reporter's private status page: the public timeline, the reply, and the rating once concluded."""
    tip = queries.find_by_code(db.session, code, current_app.config["SECRET_KEY"])
    if tip is None:
        form = TrackForm(data={"code": code}, meta={"csrf": False})
        form.code.errors = [_("No report has this tracking code. Check it and try again.")]
        return render("tips/track_form.html", form=form, status=404)
    tip_rules = rules()
    review_until = services.review_window_end(tip, tip_rules)
    # After the 30 days the review is no longer offered (a form posted late is refused by the service).
    review_open = bool(review_until) and tip_rules.local_date(utcnow()) <= review_until
    form, offered = _rating_form(tip, review_open)
    if form.validate_on_submit():
        try:
            if form.satisfied.data in ("review", "re_review"):
                services.request_review(db.session, tip, form.comment.data or "", tip_rules)
            else:
                services.rate(db.session, tip, form.satisfied.data == "yes", form.comment.data or "", tip_rules)
        except services.TipError as error:  # shown beside the choice, with what was typed kept
            db.session.rollback()
            tip = queries.find_by_code(db.session, code, current_app.config["SECRET_KEY"])
            if not offered:  # no form on the page to show it in
                flash(str(error), "error")
            field = form[error.field] if error.field in ("satisfied", "comment") else form.satisfied
            field.errors = [*field.errors, str(error)]
        else:
            db.session.commit()
            flash(_("Your request for a review has been received.") if tip.state_enum in REVIEWING
                  else _("Thank you for rating the handling."), "success")
            return see_other(url_for(".track", code=code))
    followed = tip.merged_into or tip  # a merged report follows the tip it joined to its end
    return render("tips/track.html", tip=tip, followed=followed, code=code, form=form, event_titles=EVENT_TITLES,
                  due=queries.current_due(followed), review_until=review_until if review_open else None,
                  review_days=tip_rules.review_days, offered=offered, status=422 if request.method == "POST" else 200)


REVIEWING = (TipState.REVIEWING, TipState.RE_REVIEWING)


def _rating_form(tip, review_open: bool) -> tuple[RatingForm, list[str]]:
    """The form and the choices offered. After the conclusion the reporter may ask for a review (复查), after
    the review for a re-review (复核), within 30 days (信访工作条例 arts. 35–36); after the re-review only rate.
    A case the office closed without the reporter's answer still takes a review request within those days.
    Choices not offered stay valid on a post, so that the service says why it refuses them."""
    form = RatingForm()
    asked = "re_review" if tip.review_opinion else "review"
    form.satisfied.choices = choices([(value, RATING_CHOICES[value]) for value in ("yes", asked, "no")])
    rating = ["yes", "no"] if tip.state_enum in ANSWERED_STATES else []
    offered = [*rating[:1], *([asked] if review_open else []), *rating[1:]]
    return form, offered


def _public_filters() -> dict:
    """The list's filters from the query string; anything unknown is ignored."""
    args = request.args
    status = args.get("status", "")
    return {"status": status if status in queries.PUBLIC_STATUS else "",
            "category_id": args.get("category", type=db_int), "district_id": args.get("district", type=db_int)}


def map_points(tips, bounds: str, places: int) -> list[dict]:
    """Where each listed tip goes on the plain map (x, y in 0–1000 × 0–1000 of the city's bounding box), from
    coordinates rounded so that no home can be pinpointed; tips without a point are left off."""
    south, north, west, east = (float(v) for v in bounds.split(","))
    points = []
    for tip in tips:
        if tip.latitude is None or tip.longitude is None:
            continue
        lat, lon = round(float(tip.latitude), places), round(float(tip.longitude), places)
        points.append({"tip": tip, "latitude": lat, "longitude": lon,
                       "x": round((lon - west) / (east - west) * 1000, 1),
                       "y": round((north - lat) / (north - south) * 1000, 1)})
    return points


@bp.get("/")
def index():
    page = page_arg()
    filters = _public_filters()
    tips = queries.public_list(db.session, limit=PUBLIC_PAGE_SIZE + 1, offset=(page - 1) * PUBLIC_PAGE_SIZE,
                               **filters)
    config = current_app.config
    shown = tips[:PUBLIC_PAGE_SIZE]
    places = districts(db.session)
    return render("tips/index.html", "tips/_list.html", tips=shown, page=page, has_next=len(tips) > PUBLIC_PAGE_SIZE,
                  due=queries.current_due, filters=filters, categories=queries.categories(db.session),
                  districts=places, statuses=PUBLIC_STATUS_TITLES,
                  points=map_points(shown, config["TIP_BOUNDS"], config["TIP_PUBLIC_COORDINATE_PLACES"]),
                  outlines=outlines.shapes(places, config["TIP_BOUNDS"]))


@bp.get("/stats")
def stats():
    """Public statistics by kind, district and month, from running tallies (flat cost however many tips)."""
    years = queries.statistics_years(db.session)
    this_year = local_today().year
    year = request.args.get("year", type=db_int) or this_year
    if not FIRST_YEAR <= year <= LAST_YEAR:
        year = this_year
    district_id = request.args.get("district", type=db_int)
    places = districts(db.session)
    if district_id not in {d.id for d in places}:
        district_id = None
    figures = queries.statistics(db.session, year, district_id=district_id)
    return render("tips/stats.html", "tips/_stats.html", figures=figures, year=year,
                  years=sorted(set(years) | {this_year}, reverse=True), district_id=district_id, districts=places,
                  categories=queries.categories(db.session, active_only=False))


exposure_bp = Blueprint("exposure", __name__)


@exposure_bp.get("/exposure")
def exposure():
    """曝光台: verified cases the office chose to publish, in its own words, with cleared photos only."""
    page = page_arg()
    cases = queries.exposure_board(db.session, limit=PUBLIC_PAGE_SIZE + 1, offset=(page - 1) * PUBLIC_PAGE_SIZE)
    return render("tips/exposure.html", cases=cases[:PUBLIC_PAGE_SIZE], page=page,
                  has_next=len(cases) > PUBLIC_PAGE_SIZE)


@bp.get("/photos/<int:photo_id>")
def photo(photo_id: int):
    """A cleared photo for anyone; any photo for staff who handle the tip."""
    row = db.session.get(TipPhoto, photo_id) or abort(404)
    if not row.cleared and not (current_user.is_authenticated and services.can_handle(current_user, row.tip)):
        abort(404)
    try:
        path = uploads.path_of(_photo_dir(), row.stored_name)
    except FileNotFoundError:
        abort(404)
    response = send_file(path, mimetype=uploads.KINDS[row.kind][0], max_age=0)
    response.headers["Cache-Control"] = "private, no-store" if not row.cleared else "public, max-age=3600"
    # As for evidence files and attachments: opened on its own, a stored file can run nothing and is never sniffed.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def init_app(app) -> None:
    from app.accounts.permissions import Permission
    from app.tips import admin_views
    from app.web.nav import add_public, add_staff

    app.register_blueprint(bp)
    app.register_blueprint(exposure_bp)
    app.register_blueprint(admin_views.bp)
    app.register_blueprint(admin_views.calendar_bp)
    add_public(app, "tips.new", _l("Report pollution"),
               _l("Tell us about pollution in a minute, anonymously if you wish, and follow your report to its end."))
    add_public(app, "tips.index", _l("Pollution reports and statistics"),
               _l("Every report, without personal details, with its status, a map and the handling statistics."))
    add_public(app, "exposure.exposure", _l("Exposure board"),
               _l("Verified pollution cases and what was done about them."), in_menu=False)
    add_staff(app, "tips_admin.overdue", _l("Overdue tips"), Permission.TIPS_SUPERVISE,
              _l("Tips past their deadline by bureau, with escalation (督办)."))
    add_staff(app, "tips_admin.queue", _l("Pollution tips"), Permission.TIPS_HANDLE,
              _l("Accept, assign, investigate and conclude tips, with the deadline of each in colour."))
    add_staff(app, "calendar_admin.index", _l("Holiday calendar"), Permission.CALENDAR_MANAGE,
              _l("Public holidays and make-up working days used to count deadlines in working days."))
