"""Writes for disclosure notices: drafting, review, publication with an index number, corrections, withdrawal,
attachments and categories. Flush, audit, return; never commit.

The review of a notice runs on the workflow engine (`WORKFLOW`, a handler per step); a correction or withdrawal
(`NoticeChange`) moves through its own table and, once a reviewer approves it, takes the notice's step."""
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.casework.timeline import add_entry
from app.db_types import utcnow
from app.indicators.models import Indicator
from app.notices import policy, search
from app.notices.catalogue import Schedule
from app.notices.errors import NoticeError, NoticeStepNotAllowed
from app.notices.models import (LOCALE_SUFFIXES, DisclosureItem, Notice, NoticeAttachment, NoticeCategory, NoticeChange,
                                NoticeEvent, NoticeRevision)
from app.notices.text import has_markup, index_number
from app.notices.workflow import (CHANGE_EVENTS, TRANSITIONS, ChangeKind, ChangeState, ChangeStep, NoticeState, Step,
                                  allowed_change_steps, next_change_state)
from app.notifications import topics as notification_topics
from app.org.models import Bureau, Place
from app.web import uploads
from app.errors import StepNotAllowed
from app.workflow import Entry, StepContext, Workflow

ATTACHMENT_KINDS = frozenset(uploads.KINDS)  # PDF, DOCX, XLSX and images
INDEX_ATTEMPTS = 5


@dataclass
class NoticeInput:
    category: NoticeCategory
    bureau: object
    created_on: date
    titles: dict  # suffix (zh_hans, zh_hant, en) -> text
    summaries: dict = field(default_factory=dict)
    bodies: dict = field(default_factory=dict)
    publish_at: datetime | None = None
    places: list = field(default_factory=list)
    indicators: list = field(default_factory=list)
    disclosure_item: object = None  # the catalogue item the notice fulfils, of the same bureau
    period: str | None = None  # monthly item: the month ("2026-10") it is for; empty = month of created_on


def add_event(session, notice: Notice, step: str, *, actor, note: str = "", public: bool = False,
           at: datetime | None = None) -> NoticeEvent:
    """One line of the notice's history, stamped `at` (now when not given)."""
    entry = add_entry(session, NoticeEvent, step, actor=actor, note=note, public=public, notice=notice)
    entry.at = at or entry.at
    return entry


def _check(data: NoticeInput, now: datetime, *, publish_at_changed: bool = True) -> None:
    if not (data.titles.get("zh_hans") or "").strip():
        raise NoticeError(_("Give the title in Simplified Chinese."), field="title_zh_hans")
    for value in [*data.titles.values(), *data.summaries.values()]:
        if has_markup(value or ""):
            raise NoticeError(_("Titles and summaries are plain text: remove the HTML tags or scripts."))
    if data.publish_at is not None and publish_at_changed and data.publish_at < now:
        raise NoticeError(_("The publication time cannot be in the past."), field="publish_at")
    if data.disclosure_item is not None and data.disclosure_item.bureau_id != data.bureau.id:
        raise NoticeError(_("The catalogue item belongs to another bureau."), field="disclosure_item_id")
    if data.period and not _PERIOD.fullmatch(data.period):
        raise NoticeError(_("Give the month the publication is for as year and month, for example 2026-10."),
                          field="period")


_PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def notice_period(data: NoticeInput) -> str | None:
    """The month a publication of a monthly catalogue item is for: as given, else the month of its date created.
    None for other notices (an event item's occurrence is the notice itself)."""
    item = data.disclosure_item
    if item is None or item.schedule != Schedule.MONTHLY:
        return None
    return data.period or data.created_on.strftime("%Y-%m")


def _apply(notice: Notice, data: NoticeInput) -> None:
    notice.category_id = data.category.id
    notice.bureau_id = data.bureau.id
    notice.created_on = data.created_on
    notice.publish_at = data.publish_at
    for suffix in LOCALE_SUFFIXES:
        setattr(notice, f"title_{suffix}", (data.titles.get(suffix) or "").strip())
        setattr(notice, f"summary_{suffix}", (data.summaries.get(suffix) or "").strip())
        setattr(notice, f"body_{suffix}", (data.bodies.get(suffix) or "").strip())
    notice.disclosure_item_id = getattr(data.disclosure_item, "id", None)
    notice.period = notice_period(data)
    notice.places = list(data.places)
    notice.indicators = list(data.indicators)


def create_notice(session, actor, data: NoticeInput, now: datetime | None = None) -> Notice:
    """A new draft in the actor's bureau (admins choose the bureau)."""
    now = now or utcnow()
    policy.check_edit(actor, data.bureau.id, _("You can only write notices of your own bureau."),
                      "notices.create_denied")
    _check(data, now)
    notice = Notice(state=NoticeState.DRAFT, author_id=actor.id, created_at=now, updated_at=now)
    _apply(notice, data)
    session.add(notice)
    session.flush()
    add_event(session, notice, "created", actor=actor, at=now)
    search.index_notice(session, notice)
    audit.record(session, "notices.create", notice, actor=actor, after=notice.snapshot())
    return notice


def update_notice(session, actor, notice: Notice, data: NoticeInput, *, correction_note: str = "",
                  now: datetime | None = None) -> NoticeChange | None:
    """Change a draft or returned notice; a published one only through a correction with a public note (更正),
    which goes live when a reviewer approves it (returns the change under review)."""
    now = now or utcnow()
    policy.check_edit(actor, notice)
    policy.check_edit(actor, data.bureau.id)
    if notice.state == NoticeState.SUBMITTED:
        raise NoticeError(_("This notice is being reviewed; it can be changed once it is returned."))
    if notice.state == NoticeState.WITHDRAWN:
        raise NoticeError(_("A withdrawn notice cannot be changed."))
    if notice.state == NoticeState.PUBLISHED:
        return _submit_change(session, actor, notice, ChangeKind.CORRECTION, correction_note, data=data, now=now)
    _check(data, now, publish_at_changed=data.publish_at != notice.publish_at)
    before = notice.snapshot()
    _apply(notice, data)
    notice.updated_at = now
    search.index_notice(session, notice)
    audit.record(session, "notices.update", notice, actor=actor, before=before, after=notice.snapshot())
    return None


def request_withdrawal(session, actor, notice: Notice, reason: str, now: datetime | None = None) -> NoticeChange:
    """Ask for a published notice to be withdrawn (撤回); it stays live until a reviewer approves."""
    policy.check_edit(actor, notice, _("You can only act on notices of your own bureau."), "notices.step_denied")
    return _submit_change(session, actor, notice, ChangeKind.WITHDRAWAL, reason, now=now or utcnow())


def proposal_of(data: NoticeInput) -> dict:
    """A correction's new values as stored with the change (ids and texts)."""
    return {"category_id": data.category.id, "bureau_id": data.bureau.id, "created_on": data.created_on.isoformat(),
            "titles": {s: (data.titles.get(s) or "").strip() for s in LOCALE_SUFFIXES},
            "summaries": {s: (data.summaries.get(s) or "").strip() for s in LOCALE_SUFFIXES},
            "bodies": {s: (data.bodies.get(s) or "").strip() for s in LOCALE_SUFFIXES},
            "place_ids": [p.id for p in data.places], "indicator_ids": [i.id for i in data.indicators],
            "disclosure_item_id": getattr(data.disclosure_item, "id", None), "period": notice_period(data)}


def proposal_input(session, notice: Notice, proposal: dict) -> NoticeInput:
    """A stored correction back as input (the publication time of a published notice stays what it was)."""
    ids = proposal.get("place_ids") or []
    indicator_ids = proposal.get("indicator_ids") or []
    return NoticeInput(
        category=session.get(NoticeCategory, proposal["category_id"]),
        bureau=session.get(Bureau, proposal["bureau_id"]),
        created_on=date.fromisoformat(proposal["created_on"]), titles=dict(proposal["titles"]),
        summaries=dict(proposal["summaries"]), bodies=dict(proposal["bodies"]), publish_at=notice.publish_at,
        places=list(session.scalars(select(Place).where(Place.id.in_(ids)))) if ids else [],
        indicators=list(session.scalars(select(Indicator).where(Indicator.id.in_(indicator_ids)))) if indicator_ids
        else [],
        disclosure_item=session.get(DisclosureItem, proposal["disclosure_item_id"])
        if proposal.get("disclosure_item_id") else None, period=proposal.get("period"))


def _not_now(state) -> str:
    return _("This step is not possible while the notice is “%(state)s”.", state=state.title)


def _submit_change(session, actor, notice: Notice, kind: ChangeKind, note: str, *, data: NoticeInput | None = None,
                   now: datetime) -> NoticeChange:
    note = note.strip()
    if not WORKFLOW.can_take(notice, kind.notice_step):
        raise NoticeStepNotAllowed(_not_now(notice.state))
    if not note:
        if kind == ChangeKind.CORRECTION:
            raise NoticeError(_("A published notice is changed only by a correction: say what was corrected and why."),
                              field="correction_note")
        raise NoticeError(_("Give the reason for the withdrawal; it stays public."), field="comment")
    if data is not None:
        _check(data, now, publish_at_changed=False)
    change = notice.open_change
    if change is not None and (change.state == ChangeState.SUBMITTED or change.kind != kind):
        raise NoticeError(_("Another change of this notice is under way (%(kind)s, “%(state)s”): it must be decided or "
                            "cancelled first.", kind=change.kind.title, state=change.state.title))
    if change is None:
        change = NoticeChange(notice=notice, kind=kind, state=ChangeState.SUBMITTED, created_at=now)
        session.add(change)
        before = None
    else:  # a returned change, revised and submitted again
        before = change.snapshot()
        change.state = next_change_state(change.state, ChangeStep.RESUBMIT)
    change.note, change.author_id, change.updated_at = note, actor.id, now
    change.proposal = proposal_of(data) if data is not None else None
    change.reviewer_id, change.decided_at = None, None
    add_event(session, notice, CHANGE_EVENTS[(kind, ChangeStep.RESUBMIT)], actor=actor, note=note, at=now)
    session.flush()
    audit.record(session, f"notices.{kind.value}_submit", notice, actor=actor, before=before,
                 after=change.snapshot(), note=note[:500])
    return change


def decide_change(session, actor, change: NoticeChange, step: ChangeStep, *, comment: str = "",
                  now: datetime | None = None) -> None:
    """A reviewer who did not ask for the change approves it (it goes live) or returns it with the reason;
    the bureau may cancel it while it is not approved."""
    now = now or utcnow()
    comment = comment.strip()
    notice = change.notice
    policy.check_change_step(actor, change, step)
    if step not in allowed_change_steps(change.state):
        raise NoticeStepNotAllowed(_("This step is not possible while the change is “%(state)s”.",
                                     state=change.state.title))
    if step == ChangeStep.RETURN and not comment:
        raise NoticeError(_("Say what the author should change."), field="comment")
    before = change.snapshot()
    change.state = next_change_state(change.state, step)
    if step == ChangeStep.APPROVE:
        change.reviewer_id, change.decided_at = actor.id, now
        session.flush()
        WORKFLOW.take(session, actor, notice, change.kind.notice_step, now=now, change=change)
    else:
        change.updated_at = now
        if step == ChangeStep.RETURN:
            change.review_comment = comment
        else:
            change.decided_at = now
        add_event(session, notice, CHANGE_EVENTS[(change.kind, step)], actor=actor, note=comment, at=now)
        session.flush()
    audit.record(session, f"notices.{change.kind.value}_{step.value}", notice, actor=actor, before=before,
                 after=change.snapshot(), note=comment[:500])


def _next_seq(session, bureau_id: int, year: int) -> int:
    current = session.scalar(select(func.max(Notice.index_seq)).where(Notice.bureau_id == bureau_id,
                                                                     Notice.index_year == year))
    return (current or 0) + 1


def allocate_index_number(session, notice: Notice, scheme: str, next_seq=_next_seq) -> str:
    """Give the notice the next 索引号 of its bureau and year; the unique constraint decides under concurrency.

    Each attempt runs in a savepoint: a number taken meanwhile by another transaction fails the flush,
    and the next attempt reads the new maximum.
    """
    year = notice.created_on.year
    for _attempt in range(INDEX_ATTEMPTS):
        seq = next_seq(session, notice.bureau_id, year)
        try:
            with session.begin_nested():
                notice.index_year, notice.index_seq = year, seq
                notice.index_number = index_number(scheme, bureau_code=notice.bureau.code, year=year, seq=seq)
                session.flush()
        except IntegrityError:
            continue
        return notice.index_number
    raise NoticeError(_("No index number could be given just now; please try again."))


WORKFLOW: Workflow[NoticeState, Step] = Workflow("notices", TRANSITIONS, policy=policy.check_step, record=add_event,
                                                 refuse=lambda notice, step: _not_now(notice.state))


def _entry(context: StepContext, note: str = "", *, public: bool = False) -> Entry:
    """The step's history line, stamped with the step's time, which is also the notice's last change."""
    context.case.updated_at = context.now
    return Entry(public_note=note, public=public, extra={"at": context.now})


@WORKFLOW.handles(Step.SUBMIT)
def _submit(context: StepContext) -> Entry:
    notice = context.case
    if notice.publish_at is not None and notice.publish_at < context.now:
        raise NoticeError(_("The publication time cannot be in the past."), field="publish_at")
    return _entry(context, context.text("comment"))


@WORKFLOW.handles(Step.APPROVE)
def _approve(context: StepContext) -> Entry:
    """Publish now, or at publish-at (no job needed: the public queries compare with now), with an index number."""
    notice = context.case
    notice.reviewer_id = context.actor.id
    notice.published_at = max(notice.publish_at, context.now) if notice.publish_at else context.now
    notice.review_comment = ""
    allocate_index_number(context.session, notice, context.rules)
    search.index_notice(context.session, notice)
    notification_topics.notice_approved(context.session, notice, context.now)
    return _entry(context, context.text("comment"), public=True)


@WORKFLOW.handles(Step.RETURN)
def _return(context: StepContext) -> Entry:
    comment = context.text("comment")
    if not comment:
        raise NoticeError(_("Say what the author should change."), field="comment")
    context.case.review_comment = comment
    return _entry(context, comment)


@WORKFLOW.handles(Step.CORRECT)
def _correct(context: StepContext) -> Entry:
    """The approved correction goes live: the replaced text is kept as a revision with the public note."""
    notice, change = context.case, context.data["change"]
    data = proposal_input(context.session, notice, change.proposal)
    if data.category is None or data.bureau is None:
        raise NoticeError(_("The category or bureau of this correction no longer exists: return it to its author."))
    context.session.add(NoticeRevision(notice=notice, number=notice.revision, at=context.now,
                                       actor_id=change.author_id, note=change.note, title_zh_hans=notice.title_zh_hans,
                                       summary_zh_hans=notice.summary_zh_hans, body_zh_hans=notice.body_zh_hans))
    _apply(notice, data)
    notice.revision += 1
    search.index_notice(context.session, notice)
    return _entry(context, change.note, public=True)


@WORKFLOW.handles(Step.WITHDRAW)
def _withdraw(context: StepContext) -> Entry:
    """The approved withdrawal goes live: a public stub with the reason stays."""
    notice, change = context.case, context.data["change"]
    notice.withdrawn_at, notice.withdrawn_reason = context.now, change.note
    notice.state = context.target  # before indexing: a withdrawn stub is found by its title only
    search.index_notice(context.session, notice)
    return _entry(context, change.note, public=True)


def take_step(session, actor, notice: Notice, step: Step, *, comment: str = "", index_scheme: str = "",
              now: datetime | None = None) -> NoticeChange | None:
    """Submit, approve (publish now or at publish-at), return with a comment, or ask for a withdrawal with a
    reason (which a reviewer then approves, see decide_change)."""
    if step == Step.CORRECT:
        raise NoticeError(_("A correction is made by editing the published notice."))
    if step == Step.WITHDRAW:
        return request_withdrawal(session, actor, notice, comment, now=now)
    try:
        WORKFLOW.take(session, actor, notice, step, rules=index_scheme, now=now, comment=comment)
    except StepNotAllowed as error:  # the engine's own refusal, as this domain's
        raise NoticeStepNotAllowed(str(error)) from error
    return None


def add_attachment(session, actor, notice: Notice, data: bytes, filename: str, upload_dir: str,
                   max_bytes: int) -> NoticeAttachment:
    """Attach a PDF, DOCX, XLSX or image, recognised by its content, to a notice still being written."""
    _check_attachments(actor, notice)
    try:
        kind = uploads.check(data, filename, accepted=ATTACHMENT_KINDS, max_bytes=max_bytes)
    except uploads.UploadError as error:
        messages = {
            "empty": _("The file is empty."),
            "too large": _("The file is larger than %(mb)d MB.", mb=max_bytes // (1024 * 1024)),
            "kind": _("Only PDF, Word (DOCX), Excel (XLSX) and image (JPEG, PNG, WebP) files can be attached."),
            "pixels": _("This image is too large in pixels; please send a smaller one."),
            "unreadable": _("This image could not be read; please send another."),
        }
        raise NoticeError(messages[str(error)], field="file") from error
    stored = uploads.store(data, filename, kind, upload_dir)
    row = NoticeAttachment(notice=notice, stored_name=stored.stored_name, original_name=stored.original_name,
                           kind=kind, size=stored.size, sha256=stored.sha256)
    session.add(row)
    session.flush()
    audit.record(session, "notices.attach", row, actor=actor, after={"notice_id": notice.id, "kind": kind,
                                                                     "name": stored.original_name})
    return row


def _check_attachments(actor, notice: Notice) -> None:
    policy.check_edit(actor, notice)
    if not notice.state.editable:
        raise NoticeError(_("Attachments can be changed only while the notice is a draft or returned."))


def remove_attachment(session, actor, attachment: NoticeAttachment, upload_dir: str) -> None:
    notice = attachment.notice
    _check_attachments(actor, notice)
    audit.record(session, "notices.detach", attachment, actor=actor,
                 before={"notice_id": notice.id, "name": attachment.original_name})
    session.delete(attachment)
    session.flush()
    try:
        uploads.delete(upload_dir, attachment.stored_name)
    except FileNotFoundError:
        pass


def save_category(session, actor, category: NoticeCategory | None, *, code: str, names: dict,
                  parent: NoticeCategory | None, sort_order: int = 0, active: bool = True) -> NoticeCategory:
    """Create or change a category of the disclosure catalogue (admins)."""
    policy.check_manage(actor, _("Only administrators manage the categories."), "notices.category_denied")
    if not (names.get("zh_hans") or "").strip():
        raise NoticeError(_("Give the name in Simplified Chinese."), field="name_zh_hans")
    existing = session.scalar(select(NoticeCategory).where(NoticeCategory.code == code))
    if existing is not None and existing is not category:
        raise NoticeError(_("Another category already has this code."), field="code")
    node = parent
    while node is not None:
        if category is not None and node.id == category.id:
            raise NoticeError(_("A category cannot be placed under itself."), field="parent_id")
        node = node.parent
    before = category.audit_state() if category else None
    category = category or NoticeCategory()
    category.code, category.parent_id, category.sort_order, category.active = code, getattr(parent, "id", None), \
        sort_order, active
    for suffix in LOCALE_SUFFIXES:
        setattr(category, f"name_{suffix}", (names.get(suffix) or "").strip())
    session.add(category)
    session.flush()
    audit.record(session, "notices.category_save", category, actor=actor, before=before,
                 after=category.audit_state())
    return category


@dataclass
class ItemInput:
    code: str
    bureau: object
    names: dict
    schedule: Schedule
    starts_on: date
    due_day: int | None = None
    working_days: int = 20
    category: NoticeCategory | None = None
    active: bool = True


def save_disclosure_item(session, actor, item: DisclosureItem | None, data: ItemInput) -> DisclosureItem:
    """Create or change an item of the disclosure catalogue (admins)."""
    policy.check_manage(actor, _("Only administrators manage the disclosure catalogue."), "notices.catalogue_denied")
    if not (data.names.get("zh_hans") or "").strip():
        raise NoticeError(_("Give the name in Simplified Chinese."), field="name_zh_hans")
    if data.schedule == Schedule.MONTHLY and not (data.due_day and 1 <= data.due_day <= 31):
        raise NoticeError(_("A monthly item needs the day of the month it is due by (1–31)."), field="due_day")
    if data.schedule == Schedule.EVENT and not 1 <= data.working_days <= 60:
        raise NoticeError(_("Give the number of working days (1–60)."), field="working_days")
    existing = session.scalar(select(DisclosureItem).where(DisclosureItem.code == data.code))
    if existing is not None and existing is not item:
        raise NoticeError(_("Another catalogue item already has this code."), field="code")
    before = item.audit_state() if item else None
    item = item or DisclosureItem()
    item.code, item.bureau_id, item.schedule, item.starts_on = data.code, data.bureau.id, data.schedule, \
        data.starts_on
    item.due_day = data.due_day if data.schedule == Schedule.MONTHLY else None
    item.working_days = data.working_days
    item.category_id, item.active = getattr(data.category, "id", None), data.active
    for suffix in LOCALE_SUFFIXES:
        setattr(item, f"name_{suffix}", (data.names.get(suffix) or "").strip())
    session.add(item)
    session.flush()
    audit.record(session, "notices.catalogue_save", item, actor=actor, before=before, after=item.audit_state())
    return item


def attachment_dir(upload_root: str) -> str:
    return str(Path(upload_root) / "notices")
