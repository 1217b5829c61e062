"""The notices back office: drafting and editing (own bureau), review, corrections, withdrawal, attachments,
and the category tree."""
from datetime import date

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app import audit
from app.accounts.permissions import Permission
from app.casework.supervision import COLOURS
from app.db_types import utcnow
from app.extensions import db
from app.i18n import from_local_input, local_today, site_zone
from app.indicators.models import Indicator
from app.notices import policy, queries, services
from app.notices.catalogue import Schedule, Status, disclosure_rate
from app.notices.errors import NoticeError, NoticeNotPermitted
from app.notices.forms import AttachmentForm, CategoryForm, DisclosureItemForm, NoticeForm, StepForm
from app.notices.models import LOCALE_SUFFIXES, DisclosureItem, Notice, NoticeAttachment, NoticeCategory, NoticeChange
from app.notices.text import render_markdown
from app.notices.workflow import EVENT_TITLES, ChangeKind, ChangeState, ChangeStep, NoticeState, Step
from app.org.models import Bureau, Place
from app.org.queries import bureaus, districts
from app.web.actions import act
from app.web.auth import deny, permission_required
from app.web.forms import ConfirmForm
from app.web.htmx import render, see_other
from app.web.pagination import paginate
from app.workdays.models import overrides

bp = Blueprint("notices_admin", __name__, url_prefix="/admin/notices")


def _notice(notice_id: int) -> Notice:
    notice = db.session.get(Notice, notice_id) or abort(404)
    if not policy.can_see(current_user, notice):
        deny("notices.access_denied", notice)
    return notice


def _act(action, *, subject, **options):
    """`act` (commit and go on, or roll back and answer `refused`), with a refusal for want of permission audited
    under the action the service named (notices.review_denied, notices.self_review_denied…): act() itself audits
    every such refusal of one call under a single `audit_as`."""
    def run():
        try:
            return action()
        except NoticeNotPermitted as error:
            db.session.rollback()
            audit.record(db.session, error.refused, subject, actor=current_user, note=str(error)[:500])
            db.session.commit()
            raise NoticeError(str(error), field=error.field) from error
    return act(run, **options)


def _on_detail(notice_id: int, anchor: str = "") -> dict:
    """Where a step or an attachment taken on the notice's page leads, taken or refused: back to that page."""
    url = url_for(".detail", notice_id=notice_id) + anchor
    return {"then": url, "refused": lambda error: see_other(url)}


def _form(notice: Notice | None = None) -> NoticeForm:
    """The notice form with its choices; editors may only pick their own bureau."""
    form = NoticeForm(obj=notice)
    form.category_id.choices = _category_choices(queries.categories(db.session))
    own = [b for b in bureaus(db.session) if policy.can_edit(current_user, b.id)]
    form.bureau_id.choices = [(b.id, b.name) for b in own]
    form.place_ids.choices = [(p.id, p.name) for p in districts(db.session)]
    indicators = db.session.scalars(select(Indicator).order_by(Indicator.catalogue_id.desc(), Indicator.id))
    form.indicator_ids.choices = [(i.id, f"{i.catalogue.code} · {i.code} {i.name}") for i in indicators]
    items = [i for b in own for i in queries.disclosure_items(db.session, b.id)]
    form.disclosure_item_id.choices = [(0, _("— none —"))] + [(i.id, f"{i.bureau.name} · {i.name}") for i in items]
    if notice is not None and request.method == "GET":
        form.place_ids.data = [p.id for p in notice.places]
        form.indicator_ids.data = [i.id for i in notice.indicators]
        form.disclosure_item_id.data = notice.disclosure_item_id or 0
        form.period.data = _month(notice.period)
        if notice.publish_at:
            form.publish_at.data = notice.publish_at.astimezone(site_zone()).replace(tzinfo=None)
        change = notice.open_change
        if change is not None and change.kind == ChangeKind.CORRECTION:  # revise the returned correction
            _fill_from_proposal(form, change)
    if request.method == "POST" and isinstance(form.bureau_id.data, int) and \
            not policy.can_edit(current_user, form.bureau_id.data):
        # Only a tampered form offers another bureau: the choice is refused (422) and the attempt kept.
        audit.record(db.session, "notices.bureau_denied", notice, actor=current_user,
                     note=f"bureau {form.bureau_id.data}")
        db.session.commit()
    if notice is None and request.method == "GET":
        form.created_on.data = local_today()
        form.period.data = local_today().replace(day=1)
        if current_user.bureau_id:
            form.bureau_id.data = current_user.bureau_id
    return form


def _fill_from_proposal(form: NoticeForm, change: NoticeChange) -> None:
    proposal = change.proposal
    form.category_id.data, form.bureau_id.data = proposal["category_id"], proposal["bureau_id"]
    form.created_on.data = date.fromisoformat(proposal["created_on"])
    for suffix in LOCALE_SUFFIXES:
        for field in ("title", "summary", "body"):
            getattr(form, f"{field}_{suffix}").data = proposal[f"{field}s"].get(suffix, "")
    form.place_ids.data, form.indicator_ids.data = proposal["place_ids"], proposal["indicator_ids"]
    form.disclosure_item_id.data = proposal.get("disclosure_item_id") or 0
    form.period.data = _month(proposal.get("period"))
    form.correction_note.data = change.note


def _input(form: NoticeForm) -> services.NoticeInput:
    category = db.session.get(NoticeCategory, form.category_id.data)
    bureau = db.session.get(Bureau, form.bureau_id.data)
    places = db.session.scalars(select(Place).where(Place.id.in_(form.place_ids.data or []))).all()
    indicators = db.session.scalars(select(Indicator).where(Indicator.id.in_(form.indicator_ids.data or []))).all()
    return services.NoticeInput(
        category=category, bureau=bureau, created_on=form.created_on.data,
        publish_at=from_local_input(form.publish_at.data),
        titles=_per_locale(form, "title"), summaries=_per_locale(form, "summary"), bodies=_per_locale(form, "body"),
        places=places, indicators=indicators,
        disclosure_item=db.session.get(DisclosureItem, form.disclosure_item_id.data or 0),
        period=form.period.data.strftime("%Y-%m") if form.period.data else None)


def _per_locale(form, field: str) -> dict:
    """A text field's values per locale suffix (title_zh_hans, title_zh_hant, title_en → {"zh_hans": …})."""
    return {suffix: getattr(form, f"{field}_{suffix}").data for suffix in LOCALE_SUFFIXES}


def _category_choices(categories) -> list[tuple[int, str]]:
    """Categories in tree order, each indented by its depth."""
    return [(c.id, "　" * c.depth + c.name) for c in categories]


def _month(period: str | None) -> date | None:
    """A stored "2026-10" as the first day of that month, for the month field."""
    return date.fromisoformat(f"{period}-01") if period else None


@bp.get("/")
@permission_required(Permission.NOTICES_WORK)
def index():
    """Notices the user works on: their bureau's (editors) or all (reviewers, admins), by state."""
    state = request.args.get("state", "")
    if state not in {*NoticeState.values(), queries.CHANGES_AWAITING_REVIEW}:
        state = ""
    page = paginate(queries.staff_list(db.session, current_user, state), current_app.config["PAGE_SIZE"])
    return render("admin/notices/index.html", "admin/notices/_rows.html", page=page, state=state,
                  states=list(NoticeState), changes_filter=queries.CHANGES_AWAITING_REVIEW)


def _notice_form_page(form: NoticeForm, notice: Notice | None):
    return render("admin/notices/form.html", form=form, notice=notice, State=NoticeState, ChangeState=ChangeState,
                  status=422 if request.method == "POST" else 200)


@bp.route("/new", methods=["GET", "POST"])
@permission_required(Permission.NOTICES_EDIT)
def new():
    form = _form()
    if request.method == "POST" and form.validate():
        return _act(lambda: services.create_notice(db.session, current_user, _input(form)), subject=None,
                    success=_("Draft saved."), then=lambda notice: url_for(".detail", notice_id=notice.id),
                    refused=lambda error: _notice_form_page(form, None), form=form, summary=True)
    return _notice_form_page(form, None)


@bp.get("/<int:notice_id>")
@permission_required(Permission.NOTICES_WORK)
def detail(notice_id: int):
    notice = _notice(notice_id)
    change = notice.open_change
    proposed = None
    if change is not None and change.kind == ChangeKind.CORRECTION:
        proposed = {"title": change.proposal["titles"]["zh_hans"], "summary": change.proposal["summaries"]["zh_hans"],
                    "body": render_markdown(change.proposal["bodies"]["zh_hans"])}
    body, _fallback = notice.text("body", "zh_Hans")
    return render("admin/notices/detail.html", notice=notice, steps=policy.offered_steps(current_user, notice),
                  step_form=StepForm(formdata=None), attachment_form=AttachmentForm(formdata=None),
                  confirm=ConfirmForm(), body=render_markdown(body), can_edit=policy.can_edit(current_user, notice),
                  event_titles=EVENT_TITLES, Step=Step, now=utcnow(), change=change,
                  change_steps=[] if change is None else policy.offered_change_steps(current_user, change),
                  proposed=proposed, State=NoticeState, ChangeStep=ChangeStep, ChangeState=ChangeState,
                  ChangeKind=ChangeKind)


@bp.route("/<int:notice_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.NOTICES_EDIT)
def edit(notice_id: int):
    notice = _notice(notice_id)
    if not policy.can_edit(current_user, notice):
        deny("notices.edit_denied", notice)
    form = _form(notice)
    if request.method == "POST" and form.validate():
        correcting = notice.state == NoticeState.PUBLISHED
        return _act(lambda: services.update_notice(db.session, current_user, notice, _input(form),
                                                   correction_note=form.correction_note.data or ""),
                    subject=notice, form=form, summary=True, then=url_for(".detail", notice_id=notice.id),
                    success=_("Correction submitted for review: the published version stays until a reviewer "
                              "approves it.") if correcting else _("Saved."),
                    refused=lambda error: _notice_form_page(form, notice))
    return _notice_form_page(form, notice)


@bp.post("/<int:notice_id>/step/<step>")
@permission_required(Permission.NOTICES_WORK)
def take_step(notice_id: int, step: str):
    notice = _notice(notice_id)
    form = StepForm()
    if step not in Step.values() or not form.validate_on_submit():
        abort(400)
    step = Step(step)
    return _act(lambda: services.take_step(db.session, current_user, notice, step, comment=form.comment.data or "",
                                           index_scheme=current_app.config["NOTICE_INDEX_SCHEME"]),
                subject=notice, **_on_detail(notice_id),
                success=_("Withdrawal submitted for review: the notice stays published until a reviewer approves it.")
                if step == Step.WITHDRAW else _("Done: %(step)s.", step=step.title))


@bp.post("/changes/<int:change_id>/<step>")
@permission_required(Permission.NOTICES_WORK)
def decide_change(change_id: int, step: str):
    """Approve or return a correction or withdrawal (reviewers), or cancel it (the bureau)."""
    change = db.session.get(NoticeChange, change_id) or abort(404)
    notice = _notice(change.notice_id)
    form = StepForm()
    if step not in ChangeStep.values() or not form.validate_on_submit():
        abort(400)
    step = ChangeStep(step)
    return _act(lambda: services.decide_change(db.session, current_user, change, step,
                                               comment=form.comment.data or ""),
                subject=notice, success=_("Done: %(step)s.", step=step.title), **_on_detail(notice.id))


@bp.post("/<int:notice_id>/attachments")
@permission_required(Permission.NOTICES_EDIT)
def attach(notice_id: int):
    notice = _notice(notice_id)
    form = AttachmentForm()
    if not form.validate_on_submit():
        abort(400)
    upload = form.file.data
    if not upload or not upload.filename:
        flash(_("Choose a file to attach."), "error")
        return see_other(url_for(".detail", notice_id=notice_id) + "#attachments")

    def attach_file():
        try:
            return services.add_attachment(db.session, current_user, notice, upload.read(), upload.filename,
                                           services.attachment_dir(current_app.config["UPLOAD_DIR"]),
                                           current_app.config["MAX_NOTICE_ATTACHMENT_BYTES"])
        except NoticeNotPermitted:
            raise
        except NoticeError as error:  # the message names the file it is about
            raise NoticeError(f"{upload.filename}: {error}", field=error.field) from error
    return _act(attach_file, subject=notice, success=_("Attached."), **_on_detail(notice_id, "#attachments"))


@bp.post("/attachments/<int:attachment_id>/delete")
@permission_required(Permission.NOTICES_EDIT)
def detach(attachment_id: int):
    row = db.session.get(NoticeAttachment, attachment_id) or abort(404)
    notice = _notice(row.notice_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _act(lambda: services.remove_attachment(db.session, current_user, row,
                                                   services.attachment_dir(current_app.config["UPLOAD_DIR"])),
                subject=notice, success=_("Attachment removed."), **_on_detail(notice.id, "#attachments"))


def _category_form(category: NoticeCategory | None) -> CategoryForm:
    form = CategoryForm(obj=category)
    others = [c for c in queries.categories(db.session, active_only=False) if category is None or c.id != category.id]
    form.parent_id.choices = [(0, _("— none (top level) —")), *_category_choices(others)]
    if request.method == "GET" and category is not None:
        form.parent_id.data = category.parent_id or 0
    return form


def _form_page(form, save, done_url: str, template: str, **context):
    """A back-office form page: on a valid POST run save(), then 303 to done_url; otherwise the page (422 on POST)."""
    def page(error=None):
        return render(template, form=form, status=422 if request.method == "POST" else 200, **context)
    if request.method == "POST" and form.validate():
        return _act(save, subject=None, form=form, summary=True, success=_("Saved."), then=done_url, refused=page)
    return page()


def _category_page(category: NoticeCategory | None):
    form = _category_form(category)

    def save():
        services.save_category(db.session, current_user, category, code=form.code.data,
                               names=_per_locale(form, "name"),
                               parent=db.session.get(NoticeCategory, form.parent_id.data or 0),
                               sort_order=form.sort_order.data or 0, active=form.active.data)
    return _form_page(form, save, url_for(".categories"), "admin/notices/categories.html", category=category,
                      categories=queries.categories(db.session, active_only=False))


@bp.route("/categories", methods=["GET", "POST"])
@permission_required(Permission.NOTICES_MANAGE)
def categories():
    return _category_page(None)


@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
@permission_required(Permission.NOTICES_MANAGE)
def category(category_id: int):
    return _category_page(db.session.get(NoticeCategory, category_id) or abort(404))


@bp.get("/disclosure")
@permission_required(Permission.NOTICES_WORK)
def disclosure():
    """三色督办 of the disclosure catalogue: each bureau's upcoming and overdue items (editors see their own)."""
    own_only = not policy.sees_every_bureau(current_user)
    bureau_code = request.args.get("bureau", "")
    bureau = None if own_only else db.session.scalar(select(Bureau).where(Bureau.code == bureau_code))
    bureau_id = current_user.bureau_id if own_only else getattr(bureau, "id", None)
    items = queries.disclosure_items(db.session, bureau_id)
    statuses = queries.catalogue_status(db.session, items, utcnow(), local_today(), overrides=overrides(db.session),
                                        warn_days=current_app.config["DISCLOSURE_WARN_DAYS"])
    rows = [(status.item, o) for status in statuses for o in status.occurrences
            if o.status in (Status.MISSING, Status.UPCOMING) or o.due >= local_today().replace(day=1)]
    rows.sort(key=lambda row: (row[1].status != Status.MISSING, row[1].due))
    counts = {colour: sum(o.colour == colour for _item, o in rows if o.published_on is None)
              for colour in COLOURS}
    on_time, due = disclosure_rate([o for status in statuses for o in status.occurrences
                                    if o.due.year == local_today().year])
    return render("admin/notices/disclosure.html", "admin/notices/_disclosure_rows.html", rows=rows, counts=counts,
                  bureaus=[] if own_only else bureaus(db.session), bureau=bureau, on_time=on_time, due=due,
                  year=local_today().year)


def _item_form(item: DisclosureItem | None) -> DisclosureItemForm:
    form = DisclosureItemForm(obj=item)
    form.bureau_id.choices = [(b.id, b.name) for b in bureaus(db.session)]
    form.category_id.choices = [(0, _("— none —")), *_category_choices(queries.categories(db.session))]
    form.schedule.choices = Schedule.choices()
    if request.method == "GET":
        form.category_id.data = getattr(item, "category_id", None) or 0
        if item is None:
            form.starts_on.data = local_today().replace(day=1)
    return form


def _item_page(item: DisclosureItem | None):
    form = _item_form(item)

    def save():
        services.save_disclosure_item(db.session, current_user, item, services.ItemInput(
            code=form.code.data, bureau=db.session.get(Bureau, form.bureau_id.data),
            names=_per_locale(form, "name"), schedule=Schedule(form.schedule.data),
            starts_on=form.starts_on.data, due_day=form.due_day.data, working_days=form.working_days.data or 0,
            category=db.session.get(NoticeCategory, form.category_id.data or 0), active=form.active.data))
    return _form_page(form, save, url_for(".catalogue"), "admin/notices/catalogue.html", item=item,
                      items=queries.disclosure_items(db.session, active_only=False))


@bp.route("/catalogue", methods=["GET", "POST"])
@permission_required(Permission.NOTICES_MANAGE)
def catalogue():
    """The disclosure catalogue (主动公开目录): what each bureau must publish, and when."""
    return _item_page(None)


@bp.route("/catalogue/<int:item_id>", methods=["GET", "POST"])
@permission_required(Permission.NOTICES_MANAGE)
def catalogue_item(item_id: int):
    return _item_page(db.session.get(DisclosureItem, item_id) or abort(404))
