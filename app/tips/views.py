"""Public pages of pollution tips: the report form, the private status page, and the redacted public list."""
from flask import Blueprint, abort, current_app, redirect, request, session as cookie_session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.db_types import utcnow
from app.casework import codes
from app.errors import ActionRefused
from app.extensions import db, limiter
from app.i18n import current_locale, from_local_input, local_today
from app.notifications.forms import record_follow
from app.notifications.models import Subject
from app.org import outlines
from app.org.models import Place
from app.org.queries import districts
from app.tips import cache, policy, queries, services
from app.tips.forms import RATING_CHOICES, RatingForm, TipForm, TrackForm
from app.tips.models import TipCategory, TipPhoto
from app.tips.settings import rules
from app.tips.storage import photo_dir, read_photos
from app.tips.workflow import EVENT_TITLES
from app.web import once, oversize
from app.web.actions import act
from app.web.files import serve_stored
from app.web.forms import FIRST_YEAR, LAST_YEAR, choices
from app.web.htmx import render, see_other
from app.web.pagination import paginate
from app.web.params import db_int, is_db_int

bp = Blueprint("tips", __name__, url_prefix="/tips")
PUBLIC_PAGE_SIZE = 50
PUBLIC_STATUS_TITLES = {"open": _l("Being handled"), "closed": _l("Finished")}


def _form(kinds: list[TipCategory], places: list[Place]) -> TipForm:
    form = TipForm()
    form.categories.choices = [(c.id, c.name) for c in kinds]
    form.district.choices = [(0, _("— choose —"))] + [(d.id, d.name) for d in places]
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


@bp.route("/new", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["TIP_SUBMIT_RATE_LIMIT"], methods=["POST"])
def new():
    kinds, places = queries.categories(db.session), districts(db.session)  # read once for the form and the report
    form = _form(kinds, places)
    once.token()
    if (earlier := once.repeated(db.session, "tips.new")) is not None:  # a double click: the first report's page
        return _show_code(earlier)
    if request.method == "POST" and form.validate():
        photos = read_photos(form.photos, limit=current_app.config["TIP_MAX_PHOTOS"])
        if not form.photos.errors:
            chosen = set(form.categories.data)
            data = services.TipInput(
                categories=[c for c in kinds if c.id in chosen], description=form.description.data.strip(),
                district=next(d for d in places if d.id == form.district.data),
                address=form.address.data.strip(), latitude=form.latitude.data, longitude=form.longitude.data,
                observed_at=from_local_input(form.observed_at.data),
                reported_unit=(form.reported_unit.data or "").strip(), anonymous=form.identity.data != "named",
                reporter_name=(form.reporter_name.data or "").strip(),
                reporter_phone=(form.reporter_phone.data or "").strip())

            def submit() -> str:
                tip, code = services.submit_tip(db.session, data, photos, rules(), photo_dir())
                record_follow(db.session, form, Subject.TIP, tip.id)
                return code
            return once.create(db.session, "tips.new", submit, _show_code)
    return render("tips/new.html", form=form, category_children=_category_children(kinds),
                  status=422 if request.method == "POST" else 200)


@oversize.keeps_text("tips.new")
def _too_large():
    """The report form again after a 413, with the text typed (request.form holds it, the photos are gone)."""
    form = _form(queries.categories(db.session), districts(db.session))
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
        return redirect(url_for(".track", code=codes.normalise(form.code.data)))
    return render("tips/track_form.html", form=form)


@bp.route("/track/<code>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["TIP_TRACK_RATE_LIMIT"])
def track(code: str):
    """The reporter's private status page: the public timeline, the reply, and the rating once concluded."""
    tip = queries.find_by_code(db.session, code, current_app.config["SECRET_KEY"])
    if tip is not None and db.session.is_modified(tip):  # a code filed before codes were keyed: keep it re-keyed
        db.session.commit()
    if tip is None:
        form = TrackForm(data={"code": code}, meta={"csrf": False})
        form.code.errors = [_("No report has this tracking code. Check it and try again.")]
        return render("tips/track_form.html", form=form, status=404)
    tip_rules = rules()
    review_until = services.review_window_end(tip, tip_rules)
    # After the 30 days the review is no longer offered (a form posted late is refused by the service).
    review_open = bool(review_until) and tip_rules.local_date(utcnow()) <= review_until
    form, offered = _rating_form(tip, review_open)
    page = dict(code=code, form=form, offered=offered, tip_rules=tip_rules,
                review_until=review_until if review_open else None)
    if not form.validate_on_submit():
        return _track_page(tip, **page)
    asks_review = form.satisfied.data in ("review", "re_review")

    def refused(error):
        tip = queries.find_by_code(db.session, code, current_app.config["SECRET_KEY"])
        return _track_page(tip, **page)
    return act(_beside_the_choice(lambda: _answer(tip, form, asks_review, tip_rules), offered),
               success=_("Your request for a review has been received.") if asks_review
               else _("Thank you for rating the handling."),
               then=url_for(".track", code=code), refused=refused, form=form)


def _answer(tip, form: RatingForm, asks_review: bool, tip_rules: services.Rules) -> None:
    if asks_review:
        services.request_review(db.session, tip, form.comment.data or "", tip_rules)
    else:
        services.rate(db.session, tip, form.satisfied.data == "yes", form.comment.data or "", tip_rules)


def _beside_the_choice(action, offered: list[str]):
    """A refused answer is shown beside the choice (or the comment it is about) when the form is on the page,
    and above the page when it is not."""
    def run():
        try:
            return action()
        except ActionRefused as error:
            error.field = (error.field if error.field in ("satisfied", "comment") else "satisfied") if offered else None
            raise
    return run


def _track_page(tip, *, code: str, form: RatingForm, offered: list[str], tip_rules: services.Rules, review_until):
    """The status page: the state, the reply, the rating form with the choices offered, the public timeline."""
    followed = tip.merged_into or tip  # a merged report follows the tip it joined to its end
    return render("tips/track.html", tip=tip, followed=followed, code=code, form=form, event_titles=EVENT_TITLES,
                  due=queries.current_due(followed), review_until=review_until, review_days=tip_rules.review_days,
                  offered=offered,
                  status=422 if request.method == "POST" else 200)


def _rating_form(tip, review_open: bool) -> tuple[RatingForm, list[str]]:
    """The form and the choices offered. After the conclusion the reporter may ask for a review (复查), after
    the review for a re-review (复核), within 30 days (信访工作条例 arts. 35–36); after the re-review only rate.
    A case the office closed without the reporter's answer still takes a review request within those days.
    Choices not offered stay valid on a post, so that the service says why it refuses them."""
    form = RatingForm()
    asked = "re_review" if tip.review_opinion else "review"
    form.satisfied.choices = choices([(value, RATING_CHOICES[value]) for value in ("yes", asked, "no")])
    rating = ["yes", "no"] if tip.awaiting_rating else []
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


def _query_key() -> tuple:
    """What a kept page depends on besides the tips' data: the language and the whole query string."""
    return current_locale(), tuple(sorted(request.args.items(multi=True)))


@bp.get("/")
def index():
    def context():
        filters = _public_filters()
        page = paginate(lambda **rows: queries.public_list(db.session, **rows, **filters), PUBLIC_PAGE_SIZE)
        config = current_app.config
        places = districts(db.session)
        return dict(page=page, due=queries.current_due, filters=filters, categories=queries.categories(db.session),
                    districts=places, statuses=PUBLIC_STATUS_TITLES,
                    points=map_points(page.items, config["TIP_BOUNDS"], config["TIP_PUBLIC_COORDINATE_PLACES"]),
                    outlines=outlines.shapes(places, config["TIP_BOUNDS"]))
    return cache.generation.page(db.session, _query_key(), "tips/index.html", "tips/_list.html", context)


@bp.get("/stats")
def stats():
    """Public statistics by kind, district and month, from running tallies (flat cost however many tips)."""
    this_year = local_today().year  # the year shown by default: part of the key

    def context():
        years = queries.statistics_years(db.session)
        year = request.args.get("year", type=db_int) or this_year
        if not FIRST_YEAR <= year <= LAST_YEAR:
            year = this_year
        district_id = request.args.get("district", type=db_int)
        places = districts(db.session)
        if district_id not in {d.id for d in places}:
            district_id = None
        figures = queries.statistics(db.session, year, district_id=district_id)
        return dict(figures=figures, year=year, years=sorted(set(years) | {this_year}, reverse=True),
                    district_id=district_id, districts=places,
                    categories=queries.categories(db.session, active_only=False))
    return cache.generation.page(db.session, (this_year, *_query_key()), "tips/stats.html", "tips/_stats.html",
                                 context)


exposure_bp = Blueprint("exposure", __name__)


@exposure_bp.get("/exposure")
def exposure():
    """曝光台: verified cases the office chose to publish, in its own words, with cleared photos only."""
    return cache.generation.page(db.session, _query_key(), "tips/exposure.html", None, lambda: dict(
        page=paginate(lambda **rows: queries.exposure_board(db.session, **rows), PUBLIC_PAGE_SIZE)))


@bp.get("/photos/<int:photo_id>")
def photo(photo_id: int):
    """A cleared photo for anyone; any photo for staff who handle the tip."""
    row = db.session.get(TipPhoto, photo_id) or abort(404)
    if not row.cleared and not (current_user.is_authenticated and policy.can_handle(current_user, row.tip)):
        abort(404)
    return serve_stored(photo_dir(), row.stored_name, row.kind, public=row.cleared)
