"""The public ledger (督察整改台账): the tasks of published rounds with the counts bulletins publish, filtered by
round, district, lead unit and status (one URL serves the page or, for htmx, the results); each task's page with
its units, deadline, status, progress, reports, evidence cleared for publication, linked indicators and tips, the
public timeline and, while it is in public notice, the notice with the link to the objection form; an Atom feed of
tasks put in notice, closed and reopened; CSV and XLSX downloads of the filtered ledger.

The results and a task page's body are rendered once per generation of the ledger, day and language
(app.rectification.cache); nothing personal is ever shown (objections, who reported or reviewed)."""
from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select

from app.db_types import utcnow
from app.extensions import db
from app.i18n import current_locale, local_today
from app.notices import feeds
from app.org.models import Bureau, Place
from app.rectification import cache, exports, public, timeline
from app.rectification.models import RectificationTask
from app.rectification.status import task_status
from app.rectification.storage import evidence_dir
from app.rectification.workflow import Status, Step, TaskState
from app.web.files import serve_stored
from app.web.htmx import render
from app.web.pagination import paginate
from app.web.params import page_arg
from app.web.urls import public_url

bp = Blueprint("rectification", __name__, url_prefix="/rectification")
PAGE_SIZE = 20  # cards on a phone: a page stays a few screens long
FEED_SIZE = 50
DOWNLOADS = ("csv", "xlsx")

# The colour each status is shown in (三色: green done, yellow under way, red behind; grey long-term), and what
# the colour means, said in words beside it (never colour alone).
STATUS_COLOURS = {Status.DONE: "green", Status.ON_SCHEDULE: "yellow", Status.BEHIND: "red",
                  Status.LONG_TERM: "grey"}
STATUS_MEANINGS = {
    Status.DONE: _l("Green: the rectification is completed (closed, in the closure procedure, or reported "
                    "complete)."),
    Status.ON_SCHEDULE: _l("Yellow: work is under way and on schedule."),
    Status.BEHIND: _l("Red: the deadline has passed or the last report says the work is behind."),
    Status.LONG_TERM: _l("Grey: a long-term task, kept up without an end date."),
}
# What the public timeline says of each step (the closure workflow's steps, and the tip links of this part); a step
# of another part not named here shows its workflow title, or its name.
EVENT_TITLES: dict[str, object] = timeline.titles()
# What a feed entry says happened.
FEED_TITLES = {Step.START_NOTICE.value: _l("Put in public notice"), Step.CLOSE.value: _l("Closed"),
               Step.REOPEN.value: _l("Reopened")}


def _by_code(model, code: str):
    return db.session.scalar(select(model).where(model.code == code)) if code else None


def _filters() -> public.Filters:
    """The filters from the query string; unknown values are ignored rather than refused (a shared link may age),
    and a draft round is unknown."""
    args = request.args
    status = args.get("status", "")
    return public.Filters(round=public.round_by_code(db.session, args.get("round", "")),
                          district=_by_code(Place, args.get("district", "")),
                          unit=_by_code(Bureau, args.get("unit", "")),
                          status=Status(status) if status in Status.values() else None)


def _download_format() -> str | None:
    fmt = request.args.get("format", "").strip().lower()
    if not fmt:
        return None
    if fmt not in DOWNLOADS:
        abort(404)
    return fmt


def status_of(task: RectificationTask, today) -> Status:
    return task_status(task.state, task.progress, task.due_on, task.long_term, today)


def stored_excerpt(obj, field: str, length: int = 140) -> Markup:
    """The start of a stored per-locale text in the reader's language, or the Simplified Chinese one marked
    lang="zh-Hans" (as the `stored` filter does) when no translation is stored."""
    locale = current_locale()
    own = getattr(obj, f"{field}_{locale.lower()}", "") or ""
    text = own or getattr(obj, f"{field}_zh_hans")
    if len(text) > length:
        text = text[:length].rstrip() + "…"
    if own or locale == "zh_Hans":
        return escape(text)
    return Markup('<span lang="zh-Hans">%s</span>') % text


def untranslated(obj, field: str) -> bool:
    """True when a stored per-locale text has no translation for the reader and shows the Simplified Chinese one
    (to be marked lang="zh-Hans" where the `stored` filter cannot, as in an <option>)."""
    locale = current_locale()
    return locale != "zh_Hans" and not getattr(obj, f"{field}_{locale.lower()}", "")


def due_date(task: RectificationTask) -> str:
    """The parsed deadline: a day, or the month for a deadline written as a month ("2024年12月底")."""
    if task.due_on is None:
        return ""
    if task.due_precision == "month":
        return format_date(task.due_on, "MMMM y")
    return format_date(task.due_on, "medium")


@bp.context_processor
def ledger_context() -> dict:
    return {"status_colours": STATUS_COLOURS, "status_meanings": STATUS_MEANINGS, "Status": Status,
            "TaskState": TaskState, "excerpt": stored_excerpt, "due_date": due_date,
            "untranslated": untranslated}


@bp.get("/")
def index():
    filters = _filters()
    today = local_today()
    fmt = _download_format()
    if fmt:
        return exports.download(db.session, filters, today, fmt)
    snap = cache.snapshot(db.session, today)
    key = (current_locale(), tuple(sorted(filters.args().items())))
    number = page_arg()

    def results() -> str:
        page = paginate(public.ledger_tasks(filters, today), PAGE_SIZE)
        return render_template("rectification/_ledger.html", page=page, filters=filters, today=today,
                               counts=public.counts(db.session, filters, today), status_of=status_of)

    def filter_form() -> str:
        return render_template("rectification/_filters.html", filters=filters,
                               rounds=public.published_rounds(db.session), places=public.ledger_places(db.session),
                               units=public.lead_units(db.session), statuses=list(Status))

    fragment = snap.fragment(("index", *key, number), results)
    return render("rectification/index.html", "rectification/_prerendered.html", fragment=fragment,
                  filter_form=snap.fragment(("filters", *key), filter_form), filters=filters, kept_layout=True)


@bp.get("/tasks/<code>")
def task(code: str):
    today = local_today()
    snap = cache.snapshot(db.session, today)
    task_id = public.public_task_id(db.session, code) or abort(404)  # one probe of the code's unique index

    def body() -> str:
        found = public.public_task(db.session, code) or abort(404)
        return render_template("rectification/_task_body.html", task=found, today=today,
                               status=status_of(found, today), record=public.task_record(db.session, found),
                               event_titles=EVENT_TITLES, status_of=status_of)

    return render("rectification/task.html", code=code, body=snap.fragment(("task", current_locale(), task_id), body),
                  kept_layout=True)


@bp.get("/evidence/<int:evidence_id>")
def evidence(evidence_id: int):
    """An evidence file cleared for publication (TaskEvidence.public), of a task of a published round; any other
    file is not found, whoever asks (staff see them in the back office)."""
    found = public.public_evidence(db.session, evidence_id) or abort(404)
    return serve_stored(evidence_dir(current_app.config["UPLOAD_DIR"]), found.stored_name, found.kind,
                        public=True, download_name=found.original_name)


@bp.get("/feed.atom")
def feed():
    """Tasks put in public notice, closed (销号) and reopened, newest first."""
    city = current_app.config["CITY_NAME"]
    entries = []
    for event in public.feed_events(db.session, FEED_SIZE):
        task = event.task
        what = str(FEED_TITLES[event.step])
        summary = task.problem
        if event.step == Step.START_NOTICE.value and task.notice_starts_on and task.notice_ends_on:
            summary = _("Public notice from %(start)s to %(end)s.", start=format_date(task.notice_starts_on),
                        end=format_date(task.notice_ends_on)) + " " + summary
        entries.append({"id": feeds.stable_id(city, f"rectification/events/{event.id}"),
                        "title": f"{what}: {task.code} {stored_excerpt(task, 'problem', 60).striptags()}",
                        "updated": event.at, "published": event.at,
                        "link": public_url("rectification.task", code=task.code), "summary": summary,
                        "category": what})
    site = current_app.config["SITE_NAMES"].get(current_locale()) or current_app.config["SITE_NAME"]
    body = feeds.atom_feed(
        feed_id=feeds.stable_id(city, "rectification/feed"), title=_("Rectification ledger") + f" · {site}",
        author=site, alternate=public_url(".index"), self_url=public_url(".feed"),
        updated=max((entry["updated"] for entry in entries), default=utcnow()), entries=entries,
        language=current_locale().replace("_", "-"))
    return Response(body, mimetype="application/atom+xml")


def tasks_for_tip(tip) -> list[dict]:
    """The published tasks a tip was handed over to, for the tip's pages (a template global)."""
    return [{"code": task.code, "url": url_for("rectification.task", code=task.code), "task": task}
            for task in public.tasks_of_tip(db.session, tip.id)]
