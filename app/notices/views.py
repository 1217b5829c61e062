"""Public pages of disclosure notices: the list with filters and search, the notice, attachments, Atom feeds,
and the site's sitemap."""
from flask import Blueprint, Response, abort, current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.db_types import utcnow
from app.extensions import db
from app.i18n import current_locale
from app.notices import cache, feeds, policy, queries, services
from app.notices.models import NoticeAttachment, NoticeCategory
from app.notices.text import excerpt, highlight, render_markdown
from app.notices.workflow import EVENT_TITLES, NoticeState
from app.org.models import Bureau, Place
from app.org.queries import bureaus, districts
from app.web.files import serve_stored
from app.web.pagination import paginate
from app.web.params import is_db_int
from app.web.urls import public_url

bp = Blueprint("notices", __name__, url_prefix="/notices")
sitemap_bp = Blueprint("sitemap", __name__)
MAX_QUERY = 100
SITEMAP_PART = 45_000  # notices per sitemap file (the protocol allows 50,000 addresses)


def _by_code(model, code: str):
    return db.session.scalar(select(model).where(model.code == code)) if code else None


def _filters() -> queries.Filters:
    """Filters from the query string; unknown values are ignored rather than refused (a shared link may age)."""
    args = request.args
    year = args.get("year", "")
    return queries.Filters(category=_by_code(NoticeCategory, args.get("category", "")),
                           bureau=_by_code(Bureau, args.get("bureau", "")),
                           year=int(year) if is_db_int(year) and 1900 < int(year) < 3000 else None,
                           district=_by_code(Place, args.get("district", "")),
                           q=" ".join(args.get("q", "").split())[:MAX_QUERY])


def _query_key() -> tuple:
    """What a kept page depends on besides the notices' data: the language and the whole query string."""
    return current_locale(), tuple(sorted(request.args.items(multi=True)))


@bp.get("/")
def index():
    now = utcnow()

    def context():
        filters = _filters()
        page = paginate(lambda **window: queries.public_page(db.session, now, filters, **window),
                        current_app.config["NOTICE_PAGE_SIZE"])
        return dict(page=page, filters=filters, categories=queries.categories(db.session),
                    bureaus=bureaus(db.session), districts=districts(db.session), years=queries.years(db.session, now),
                    highlight=highlight, excerpt=excerpt, State=NoticeState)
    # The list as of now is the list as of the newest publication time that has come (none came in between).
    key = (cache.latest_published(db.session, now), *_query_key())
    return cache.generation.page(db.session, key, "notices/index.html", "notices/_results.html", context)


@bp.get("/<int:notice_id>")
def detail(notice_id: int):
    def context():
        # A notice not public yet is a 404, never kept; once public, only a write (a new generation) changes that.
        notice = queries.public_notice(db.session, notice_id, utcnow()) or abort(404)
        title, title_fallback = notice.text("title")
        summary, summary_fallback = notice.text("summary")
        body, body_fallback = notice.text("body")
        return dict(notice=notice, title=title, summary=summary, body=render_markdown(body),
                    fallback=title_fallback or summary_fallback or body_fallback, title_fallback=title_fallback,
                    summary_fallback=summary_fallback, body_fallback=body_fallback, State=NoticeState,
                    event_titles=EVENT_TITLES, render_markdown=render_markdown)
    return cache.generation.page(db.session, (notice_id, *_query_key()), "notices/detail.html", None, context)


@bp.get("/attachments/<int:attachment_id>")
def attachment(attachment_id: int):
    """An attachment: public once its notice is; before that only for the staff who handle the notice."""
    row = db.session.get(NoticeAttachment, attachment_id) or abort(404)
    public = row.notice.is_public(utcnow()) and row.notice.state == NoticeState.PUBLISHED
    if not (public or (current_user.is_authenticated and policy.can_see(current_user, row.notice))):
        abort(404)
    return serve_stored(services.attachment_dir(current_app.config["UPLOAD_DIR"]), row.stored_name, row.kind,
                        public=public, download_name=row.original_name)


def _feed(category: NoticeCategory | None) -> Response:
    now = utcnow()
    city = current_app.config["CITY_NAME"]
    rows = queries.feed_entries(db.session, now, category)
    entries = []
    for notice in rows:
        withdrawn = notice.state == NoticeState.WITHDRAWN
        entries.append({
            "id": feeds.stable_id(city, f"notices/{notice.id}"),
            "title": (_("Withdrawn: %(title)s", title=notice.title) if withdrawn else notice.title),
            "updated": notice.updated_at if notice.updated_at > notice.published_at else notice.published_at,
            "published": notice.published_at,
            "link": public_url("notices.detail", notice_id=notice.id),
            "summary": notice.withdrawn_reason if withdrawn else notice.summary,
            "category": notice.category.name,
        })
    site = current_app.config["SITE_NAMES"].get(current_locale()) or current_app.config["SITE_NAME"]
    title = _("Disclosure notices") + (f" · {category.name}" if category else "") + f" · {site}"
    if category is None:
        alternate, self_url = public_url(".index"), public_url(".feed")
    else:
        alternate = public_url(".index", category=category.code)
        self_url = public_url(".category_feed", code=category.code)
    body = feeds.atom_feed(
        feed_id=feeds.stable_id(city, f"notices/feed/{category.code if category else 'all'}"), title=title,
        author=site, alternate=alternate, self_url=self_url,
        updated=max((entry["updated"] for entry in entries), default=now), entries=entries,
        language=current_locale().replace("_", "-"))
    return Response(body, mimetype="application/atom+xml")


@bp.get("/feed.atom")
def feed():
    return _feed(None)


@bp.get("/categories/<code>/feed.atom")
def category_feed(code: str):
    return _feed(_by_code(NoticeCategory, code) or abort(404))


def _sitemap_part(number: int) -> list:
    """Part `number` of the sitemap: the sections (part 1 only) and one slice of the published notices."""
    pages = []
    if number == 1:
        pages = [(public_url(endpoint), None) for endpoint in
                 ("web.home", "indicators.overview", "surveys.index", "tips.index", "notices.index")
                 if endpoint in current_app.view_functions]
    rows = queries.sitemap_notices(db.session, utcnow(), offset=(number - 1) * SITEMAP_PART, limit=SITEMAP_PART)
    return pages + [(public_url("notices.detail", notice_id=notice_id), updated)
                    for notice_id, updated in rows]


@sitemap_bp.get("/sitemap.xml")
def sitemap():
    """The public pages for search engines: the sections and every published notice; past the protocol's
    limit of 50,000 addresses per file, an index of parts."""
    parts = max(1, -(-queries.published_count(db.session, utcnow()) // SITEMAP_PART))
    if parts == 1:
        return Response(feeds.sitemap(_sitemap_part(1)), mimetype="application/xml")
    return Response(feeds.sitemap_index([public_url(".sitemap_part", number=n)
                                         for n in range(1, parts + 1)]), mimetype="application/xml")


@sitemap_bp.get("/sitemap-<int:number>.xml")
def sitemap_part(number: int):
    if number < 1:
        abort(404)
    urls = _sitemap_part(number)
    if not urls:
        abort(404)
    return Response(feeds.sitemap(urls), mimetype="application/xml")
