"""Writes for pollution tips: reporting (with photos re-encoded and duplicates flagged), the handling steps,
merging, extensions, ratings, review (复查) and re-review (复核), rewards, the exposure board, escalation, and
every look at a reporter's identity. Each keeps the statistics tallies up to date. Flush, audit, return; never
commit."""
import hashlib
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import exists, select, update

from app import audit
from app.accounts.permissions import Role
from app.db_types import add_to_counters, utcnow
from app.tips import duplicates
from app.tips.models import ExtensionState, RewardState, Tip, TipEvent, TipPhoto, TipTally, tip_category_links
from app.tips.workflow import (ANSWERED_STATES, OFFICE_STEPS, REPORTER_STEPS, Finding, Step, TipState, TransitionError,
                               next_state)
from app.web import uploads
from app.workdays.days import add_days

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 16  # 31^16 ≈ 7·10^23 codes: guessing one is hopeless, and the lookup is rate-limited
DUPLICATE_CANDIDATES = 100  # the newest open tips compared with a new one


class TipError(Exception):
    """A tip action that cannot be done; the message is for the user, `field` the form field it is about."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass
class Rules:
    """Deadline rules from the configuration, with the holiday calendar."""

    accept_days: int = 15
    conclude_days: int = 60
    extension_max_days: int = 30
    # 信访工作条例 art. 35 (复查) and art. 36 (复核): asked within 30 days of receiving the written answer,
    # answered within 30 days of the request.
    review_request_days: int = 30
    review_days: int = 30
    working_days: bool = False
    overrides: dict = field(default_factory=dict)
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    duplicate_limits: duplicates.Thresholds = field(default_factory=duplicates.Thresholds)

    def due(self, start: date, days: int) -> date:
        return add_days(start, days, working=self.working_days, overrides=self.overrides)

    def local_date(self, moment: datetime) -> date:
        """Deadlines count from the city's date, not UTC's (8 hours apart in the early morning)."""
        return moment.astimezone(self.zone).date()


@dataclass
class TipInput:
    categories: list
    description: str
    district: object
    address: str
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    observed_at: datetime | None = None
    reported_unit: str = ""
    anonymous: bool = True
    reporter_name: str = ""
    reporter_phone: str = ""


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def process_photo(data: bytes, max_bytes: int) -> tuple[bytes, str]:
    """Check a photo by its content and re-encode it, which drops location and camera metadata."""
    kind = uploads.sniff(data)
    if kind not in uploads.IMAGES:
        raise TipError(_("Photos must be JPEG, PNG or WebP images."))
    if len(data) > max_bytes:
        raise TipError(_("Each photo must be smaller than %(mb)d MB.", mb=max_bytes // (1024 * 1024)))
    try:
        return uploads.clean_image(data, kind), kind
    except uploads.UploadError as error:
        if str(error) == "pixels":
            raise TipError(_("This photo is too large in pixels; please send a smaller one.")) from error
        raise TipError(_("This photo could not be read; please send another.")) from error


def _event(session, tip: Tip, step: str, *, actor=None, note: str = "", public: bool = True,
           bureau=None) -> TipEvent:
    event = TipEvent(tip=tip, step=step, public=public, note=note, actor_id=getattr(actor, "id", None),
                     bureau_id=getattr(bureau, "id", None), at=utcnow())
    session.add(event)
    return event


def _store_photos(session, tip: Tip, photos: list[tuple[bytes, str]], upload_dir: str, *, by_staff: bool) -> None:
    for data, kind in photos:
        stored = uploads.store(data, f"photo.{kind}", kind, upload_dir, cleaned=True)  # process_photo did it
        session.add(TipPhoto(tip=tip, stored_name=stored.stored_name, kind=kind, size=len(data), by_staff=by_staff))


def _tally(session, tip: Tip, rules: Rules, counts: dict[str, int], *, by_category: bool = False) -> None:
    """Add to the statistics of the month the tip was received, its district, every kind (and each kind)."""
    month = tip.submitted_at.astimezone(rules.zone).strftime("%Y-%m")
    category_ids = [0] + ([c.id for c in tip.categories] if by_category else [])
    add_to_counters(session, TipTally, ["month", "district_id", "category_id", "name"], [
        {"month": month, "district_id": tip.district_id, "category_id": category_id, "name": name, "total": value}
        for name, value in counts.items() if value for category_id in category_ids])


def _days_since_received(tip: Tip, rules: Rules, now: datetime) -> int:
    return (rules.local_date(now) - rules.local_date(tip.submitted_at)).days


def _as_report(tip: Tip) -> duplicates.Report:
    return duplicates.Report(category_ids=frozenset(c.id for c in tip.categories), district_id=tip.district_id,
                             description=tip.description, address=tip.address, submitted_at=tip.submitted_at,
                             latitude=tip.latitude, longitude=tip.longitude)


def _flag_possible_duplicate(session, tip: Tip, rules: Rules) -> None:
    """Point the handler at an open tip that looks like the same pollution; merging is the handler's call.

    Only the columns compared are read, for the newest open tips of a kind in common in the district within
    the window, so the cost stays that of a few dozen rows however many tips the city has."""
    limits = rules.duplicate_limits
    kinds = [c.id for c in tip.categories]
    rows = session.execute(
        select(Tip.id, Tip.district_id, Tip.description, Tip.address, Tip.submitted_at, Tip.latitude, Tip.longitude)
        .where(Tip.district_id == tip.district_id, Tip.id != tip.id,
               Tip.submitted_at >= tip.submitted_at - timedelta(days=limits.window_days),
               Tip.state.in_([s.value for s in TipState if s.is_open]),
               exists().where(tip_category_links.c.tip_id == Tip.id, tip_category_links.c.category_id.in_(kinds)))
        .order_by(Tip.id.desc()).limit(DUPLICATE_CANDIDATES)).all()
    if not rows:
        return
    kinds_of = defaultdict(set)
    for tip_id, category_id in session.execute(select(tip_category_links.c.tip_id, tip_category_links.c.category_id)
                                               .where(tip_category_links.c.tip_id.in_([r.id for r in rows]))):
        kinds_of[tip_id].add(category_id)
    candidates = [(r.id, duplicates.Report(frozenset(kinds_of[r.id]), r.district_id, r.description, r.address,
                                           r.submitted_at, r.latitude, r.longitude)) for r in rows]
    match = duplicates.best_match(_as_report(tip), candidates, limits)
    if match is not None:
        tip.duplicate_of_id = match
        original = session.get(Tip, match)
        _event(session, tip, "possible_duplicate", note=original.public_number, public=False)


def submit_tip(session, data: TipInput, photos: list[tuple[bytes, str]], rules: Rules, upload_dir: str,
               now: datetime | None = None) -> tuple[Tip, str]:
    """Store a new tip and return it with the reporter's tracking code (shown once, stored only as a hash)."""
    now = now or utcnow()
    code = new_code()
    bureau_id = next((c.bureau_id for c in data.categories if c.bureau_id), None)
    tip = Tip(code_hash=code_hash(code), description=data.description, district_id=data.district.id,
              address=data.address, latitude=data.latitude, longitude=data.longitude, observed_at=data.observed_at,
              reported_unit=data.reported_unit, anonymous=data.anonymous,
              reporter_name="" if data.anonymous else data.reporter_name,
              reporter_phone="" if data.anonymous else data.reporter_phone, bureau_id=bureau_id,
              submitted_at=now, accept_due=rules.due(rules.local_date(now), rules.accept_days), state=TipState.SUBMITTED.value)
    tip.categories = list(data.categories)
    session.add(tip)
    session.flush()
    _store_photos(session, tip, photos, upload_dir, by_staff=False)
    _event(session, tip, "submitted")
    _flag_possible_duplicate(session, tip, rules)
    _tally(session, tip, rules, {"received": 1}, by_category=True)
    session.flush()
    return tip, code


def add_internal_note(session, tip: Tip, note: str, actor=None) -> None:
    """An internal timeline note (never public), e.g. a link an Open311 client sent with a report."""
    _event(session, tip, "note", actor=actor, note=note, public=False)
    session.flush()


def add_public_comment(session, tip: Tip, text: str, *, actor=None, public: bool = False) -> TipEvent:
    """A citizen's comment on a tip (from an Open311 client): an internal entry staff read, or, once staff
    publish it (in their chosen words, without personal data), a public one."""
    event = _event(session, tip, "comment" if public else "comment_received", actor=actor, note=text, public=public)
    session.flush()
    return event


def can_handle(user, tip: Tip) -> bool:
    """Admins handle every tip; a tip handler only those assigned (or routed) to their own bureau."""
    if not user.active:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.TIP_HANDLER and tip.bureau_id is not None and tip.bureau_id == user.bureau_id


def review_window_end(tip: Tip, rules: Rules) -> date | None:
    """The last day on which the reporter may ask for a review (复查, after the conclusion) or a re-review (复核,
    after the review opinion): 30 days from the written answer (信访工作条例 arts. 35–36). None when no
    further review can be asked for: the re-review is final, and a rating the reporter gave is their answer."""
    state = tip.state_enum
    if state not in (TipState.CONCLUDED, TipState.REVIEWED, TipState.CLOSED) or tip.re_review_opinion:
        return None
    if state == TipState.CLOSED and tip.rating is not None:
        return None
    answered = tip.review_answered_at if tip.review_opinion else tip.concluded_at
    if answered is None:
        return None
    return rules.due(rules.local_date(answered), rules.review_request_days)


def next_review_step(tip: Tip) -> Step:
    """A review (复查) after the conclusion, a re-review (复核) after the review opinion."""
    return Step.REQUEST_RE_REVIEW if tip.review_opinion else Step.REQUEST_REVIEW


def take_step(session, actor, tip: Tip, step: Step, rules: Rules, *, note: str = "", bureau=None,
              findings: str = "", measures_taken: str = "", reply: str = "", photos=(), upload_dir: str = "",
              finding: Finding | str | None = None, now: datetime | None = None) -> None:
    """Move a tip one step on, with the checks each step needs, a timeline entry and an audit entry."""
    now = now or utcnow()
    if not can_handle(actor, tip):
        raise TipError(_("You cannot act on this tip."))
    if step in REPORTER_STEPS:
        raise TipError(_("Only the reporter rates the handling."))
    if step in OFFICE_STEPS and actor.role != Role.ADMIN:
        raise TipError(_("Only the office that receives tips can do this."))
    if step == Step.MERGE:
        raise TipError(_("Choose the tip to merge this one into."))
    try:
        target = next_state(tip.state_enum, step)
    except TransitionError as error:
        raise TipError(_("This step is not possible while the tip is “%(state)s”.",
                         state=tip.state_enum.title)) from error
    before = tip.snapshot()
    note = note.strip()
    if step == Step.REJECT:
        if not note:
            raise TipError(_("Say why the tip is not accepted and where the reporter can turn instead."), field="note")
        tip.not_accepted_reason = note
    if step in (Step.ASSIGN, Step.TRANSFER):
        if bureau is None:
            raise TipError(_("Choose the bureau."), field="bureau_id")
        if step == Step.TRANSFER and bureau.id == tip.bureau_id:
            raise TipError(_("The tip is already with this bureau."), field="bureau_id")
        tip.bureau_id = bureau.id
    if step == Step.ACCEPT:
        tip.accepted_at = now
        tip.conclude_due = rules.due(rules.local_date(now), rules.conclude_days)
    if step == Step.CONCLUDE:
        if finding is not None and finding not in {f.value for f in Finding}:
            raise TipError(_("Say whether the report was substantiated, partly substantiated or not substantiated."),
                           field="finding")
        if not (findings.strip() and reply.strip()):
            raise TipError(_("Write the findings and the reply to the reporter before concluding."),
                           field="reply" if findings.strip() else "findings")
        tip.findings, tip.measures_taken, tip.reply = findings.strip(), measures_taken.strip(), reply.strip()
        tip.finding = Finding(finding).value if finding is not None else None
        tip.concluded_at = now
        _store_photos(session, tip, list(photos), upload_dir, by_staff=True)
    if step == Step.ANSWER_REVIEW:
        if not reply.strip():
            raise TipError(_("Write the opinion for the reporter."), field="reply")
        if tip.state_enum == TipState.REVIEWING:
            tip.review_opinion = reply.strip()
        else:
            tip.re_review_opinion = reply.strip()
        tip.review_answered_at = now
    if step == Step.CLOSE and tip.rating is None and note == "":
        note = _("Closed without a rating from the reporter.")
    if step in (Step.ACCEPT, Step.REJECT):
        _tally(session, tip, rules, {"decided": 1, "accepted" if step == Step.ACCEPT else "not_accepted": 1,
                                     "decide_days": _days_since_received(tip, rules, now),
                                     "decided_on_time": int(rules.local_date(now) <= tip.accept_due)})
    if step == Step.CONCLUDE and not tip.review_requested:  # a conclusion after a review is not counted again
        _tally(session, tip, rules, {"concluded": 1, "conclude_days": _days_since_received(tip, rules, now),
                                     "conclude_on_time": int(rules.local_date(now) <= tip.conclude_due)})
    event = step.value
    if step == Step.ANSWER_REVIEW:
        event = "review_answered" if tip.state_enum == TipState.REVIEWING else "re_review_answered"
        tip.review_due = None
    tip.state = target.value
    public_note = {Step.REJECT: note, Step.CONCLUDE: reply.strip(), Step.ANSWER_REVIEW: reply.strip()}.get(step, "")
    _event(session, tip, event, actor=actor, note=public_note, public=True, bureau=bureau)
    if note and step != Step.REJECT:
        _event(session, tip, "note", actor=actor, note=note, public=False)
    session.flush()
    audit.record(session, f"tips.{step.value}", tip, actor=actor, before=before, after=tip.snapshot(),
                 note=note[:500])


def _deadline_passed(tip: Tip, rules: Rules, now: datetime) -> bool:
    return tip.conclude_due is not None and rules.local_date(now) > tip.conclude_due


def request_extension(session, actor, tip: Tip, days: int, reason: str, rules: Rules,
                      now: datetime | None = None) -> None:
    """A handler asks once for more time (at most the configured maximum), with a reason, before the
    conclusion deadline has passed."""
    now = now or utcnow()
    if not can_handle(actor, tip):
        raise TipError(_("You cannot act on this tip."))
    if tip.state_enum not in (TipState.ACCEPTED, TipState.ASSIGNED, TipState.INVESTIGATING):
        raise TipError(_("An extension can only be asked for while the tip is being handled."))
    if _deadline_passed(tip, rules, now):
        # 信访工作条例 art. 34: the 60 days may be extended, which an expired deadline can no longer be.
        raise TipError(_("The deadline passed on %(date)s: an extension can only be asked for before it expires.",
                         date=format_date(tip.conclude_due)), field="days")
    if tip.extension_state is not None:
        raise TipError(_("An extension has already been asked for this tip; only one is allowed."))
    if not 1 <= days <= rules.extension_max_days:
        raise TipError(_("An extension is between 1 and %(n)d days.", n=rules.extension_max_days), field="days")
    if not reason.strip():
        raise TipError(_("Give the reason for the extension."), field="reason")
    tip.extension_state, tip.extension_days, tip.extension_reason = ExtensionState.REQUESTED.value, days, reason.strip()
    _event(session, tip, "extension_requested", actor=actor, note=reason.strip(), public=False)
    session.flush()
    audit.record(session, "tips.extension_request", tip, actor=actor, after={"days": days}, note=reason[:500])


def decide_extension(session, actor, tip: Tip, approve: bool, rules: Rules, now: datetime | None = None) -> None:
    """The office approves (the conclusion deadline moves) or refuses a requested extension; it approves only
    before the deadline expires, so a late conclusion is never made "on time" afterwards."""
    now = now or utcnow()
    if actor.role != Role.ADMIN:
        raise TipError(_("Only the office that receives tips can do this."))
    if tip.extension_state != ExtensionState.REQUESTED:
        raise TipError(_("No extension is waiting for a decision."))
    if approve and _deadline_passed(tip, rules, now):
        raise TipError(_("The deadline passed on %(date)s: an extension can only be approved before it expires.",
                         date=format_date(tip.conclude_due)))
    before = tip.snapshot()
    if approve:
        tip.extension_state = ExtensionState.APPROVED.value
        tip.conclude_due = rules.due(tip.conclude_due or rules.local_date(now), tip.extension_days)
        _event(session, tip, "extension_approved", actor=actor,
               note=_("Deadline extended by %(n)d days: %(reason)s", n=tip.extension_days, reason=tip.extension_reason))
    else:
        tip.extension_state = ExtensionState.REFUSED.value
        _event(session, tip, "extension_refused", actor=actor, public=False)
    session.flush()
    audit.record(session, "tips.extension_" + ("approve" if approve else "refuse"), tip, actor=actor,
                 before=before, after=tip.snapshot())


def rate(session, tip: Tip, satisfied: bool, comment: str, rules: Rules | None = None) -> None:
    """The reporter rates the answer (the conclusion, or a review opinion) without asking for a review: the
    case closes, and this final rating is the one the statistics count. Not satisfied and wanting another
    look is `request_review`."""
    rules = rules or Rules()
    if tip.state_enum not in ANSWERED_STATES:
        raise TipError(_("The handling can be rated once the tip is concluded."))
    step = Step.RATE_SATISFIED if satisfied else Step.RATE_UNSATISFIED
    tip.rating = "satisfied" if satisfied else "unsatisfied"
    tip.rating_comment = comment.strip()[:1000]
    tip.state = next_state(tip.state_enum, step).value
    _tally(session, tip, rules, {tip.rating: 1})
    _event(session, tip, "rated_satisfied" if satisfied else "rated_unsatisfied_closed", public=True)
    if tip.rating_comment:
        _event(session, tip, "rating_comment", note=tip.rating_comment, public=False)
    session.flush()
    audit.record(session, "tips.rate", tip, actor=None, after={"rating": tip.rating, "state": tip.state})


def request_review(session, tip: Tip, reason: str, rules: Rules | None = None, now: datetime | None = None) -> None:
    """The reporter, not satisfied with the written answer, asks for a review (复查, after the conclusion) or a
    re-review (复核, after the review opinion) within 30 days of it; the higher body answers within 30 days of
    the request (信访工作条例 arts. 35–36). The old deadline does not come back: the review has its own."""
    rules, now = rules or Rules(), now or utcnow()
    if tip.state_enum == TipState.RE_REVIEWED or tip.re_review_opinion:
        raise TipError(_("The re-review opinion is final: no further review can be asked for."), field="satisfied")
    window_end = review_window_end(tip, rules)
    if window_end is None:
        raise TipError(_("A review can be asked for once the tip is concluded."), field="satisfied")
    if rules.local_date(now) > window_end:
        raise TipError(_("A review had to be asked for by %(date)s (30 days from the answer); you can still rate "
                         "the handling.", date=format_date(window_end)), field="satisfied")
    if not reason.strip():
        raise TipError(_("Say why you are not satisfied: the review starts from your reasons."), field="comment")
    step = next_review_step(tip)
    before = tip.snapshot()
    tip.state = next_state(tip.state_enum, step).value
    tip.review_due = rules.due(rules.local_date(now), rules.review_days)
    first = step == Step.REQUEST_REVIEW
    _event(session, tip, "review_requested" if first else "re_review_requested", public=True,
           note=_("Opinion due by %(date)s", date=format_date(tip.review_due)))
    _event(session, tip, "review_reason", note=reason.strip()[:1000], public=False)
    session.flush()
    audit.record(session, "tips.review_request" if first else "tips.re_review_request", tip, actor=None,
                 before=before, after=tip.snapshot())


def reveal_reporter(session, actor, tip: Tip) -> dict:
    """The reporter's identity for a handler who must contact them; every look is audited."""
    audit.record(session, "tips.reporter_viewed", tip, actor=actor)
    return {"name": tip.reporter_name, "phone": tip.reporter_phone}


def clear_photo(session, actor, photo: TipPhoto, cleared: bool) -> None:
    """Staff decide whether a photo may appear on public pages (faces, plates and homes are checked first)."""
    photo.cleared = cleared
    session.flush()
    audit.record(session, "tips.photo_" + ("clear" if cleared else "hide"), photo, actor=actor)


def merge_tip(session, actor, tip: Tip, into: Tip, rules: Rules) -> None:
    """The office merges a duplicate into an open tip about the same pollution: it stops running on its own,
    and its reporter follows the other tip's handling and outcome on the same status page."""
    if actor.role != Role.ADMIN:
        raise TipError(_("Only the office that receives tips can do this."))
    if into.id == tip.id or not into.state_enum.is_open or into.merged_into_id is not None:
        raise TipError(_("A tip can only be merged into another open tip."))
    try:
        target = next_state(tip.state_enum, Step.MERGE)
    except TransitionError as error:
        raise TipError(_("This step is not possible while the tip is “%(state)s”.",
                         state=tip.state_enum.title)) from error
    before = tip.snapshot()
    tip.state, tip.merged_into_id = target.value, into.id
    # Reports merged into this one earlier follow it to the tip it now joins.
    session.execute(update(Tip).where(Tip.merged_into_id == tip.id).values(merged_into_id=into.id))
    _event(session, tip, "merge", actor=actor, note=into.public_number)
    _event(session, into, "merged_in", actor=actor, note=tip.public_number, public=False)
    _tally(session, tip, rules, {"merged": 1})
    session.flush()
    audit.record(session, "tips.merge", tip, actor=actor, before=before, after=tip.snapshot())


REWARD_STEPS = {
    None: {RewardState.ELIGIBLE, RewardState.DECLINED},
    RewardState.ELIGIBLE: {RewardState.GRANTED, RewardState.DECLINED},
    RewardState.GRANTED: {RewardState.PAID},
}
# Amounts are granted by the office (生态办), not by the bureau that handled the case.
OFFICE_REWARD_STATES = frozenset({RewardState.GRANTED})
VERIFIED_STATES = frozenset({TipState.CONCLUDED, TipState.REVIEWING, TipState.REVIEWED, TipState.RE_REVIEWING,
                             TipState.RE_REVIEWED, TipState.CLOSED})


def first_reporter(session, tip: Tip) -> Tip:
    """The earliest report of the same pollution: among the handled tip and the reports merged into it, the
    first received (on a tie, the first filed)."""
    main = tip.merged_into or tip
    group = [main, *session.scalars(select(Tip).where(Tip.merged_into_id == main.id))]
    return min(group, key=lambda t: (t.submitted_at, t.id))


def reward_refusal(session, tip: Tip, state: RewardState | None = None) -> str | None:
    """Why this tip's reporter cannot be rewarded (now), or None: the case must be concluded with a finding of
    substantiated or partly substantiated, the reward goes to the first reporter of merged duplicates, and
    that report must be real-name."""
    main = tip.merged_into or tip
    if tip.reward_state:
        # A reward already under way (begun before findings were recorded, too) may be granted, paid or declined;
        # only a finding of "not substantiated" stops the money.
        if (state in (RewardState.GRANTED, RewardState.PAID) and main.finding_enum is not None
                and not main.finding_enum.verified):
            return _("The report was found not substantiated, so it cannot be rewarded.")
        return None
    if main.state_enum not in VERIFIED_STATES or main.finding_enum is None:
        return _("A reward is decided once the tip has been verified and concluded.")
    first = first_reporter(session, tip)
    if first.id != tip.id:
        return _("The reward for this pollution goes to the first reporter: report No. %(number)s.",
                 number=first.public_number)
    if tip.anonymous:
        return _("Only a real-name report can be rewarded: the bureau must be able to reach the reporter.")
    if state in (RewardState.ELIGIBLE, RewardState.GRANTED, RewardState.PAID) and not main.finding_enum.verified:
        return _("The report was found not substantiated, so it cannot be rewarded.")
    return None


def reward_choices(actor, tip: Tip) -> list[RewardState]:
    """The reward steps this actor may take next: the office grants amounts; a bureau proposes or declines."""
    current = RewardState(tip.reward_state) if tip.reward_state else None
    return [s for s in RewardState if s in REWARD_STEPS.get(current, set())
            and (actor.role == Role.ADMIN or s not in OFFICE_REWARD_STATES)]


def set_reward(session, actor, tip: Tip, state: RewardState, amount: Decimal | None = None, note: str = "") -> None:
    """有奖举报: mark the first real-name reporter of a verified (concluded, substantiated) case eligible, grant an
    amount (the office only), record payment, or decline."""
    if not can_handle(actor, tip):
        raise TipError(_("You cannot act on this tip."))
    refusal = reward_refusal(session, tip, state)
    if refusal:
        raise TipError(refusal, field="state")
    current = RewardState(tip.reward_state) if tip.reward_state else None
    if state not in REWARD_STEPS.get(current, set()):
        raise TipError(_("The reward cannot go from “%(now)s” to “%(next)s”.",
                         now=current.title if current else "–", next=state.title), field="state")
    if state in OFFICE_REWARD_STATES and actor.role != Role.ADMIN:
        raise TipError(_("Only the office that receives tips grants a reward."), field="state")
    before = tip.snapshot()
    if state == RewardState.GRANTED:
        if amount is None or not amount.is_finite() or amount <= 0:
            raise TipError(_("Give the amount of the reward."), field="amount")
        tip.reward_amount = amount
    tip.reward_state = state.value
    _event(session, tip, "reward", actor=actor, note=str(state.title))
    if note.strip():
        _event(session, tip, "note", actor=actor, note=note.strip(), public=False)
    session.flush()
    audit.record(session, "tips.reward", tip, actor=actor, before=before, after=tip.snapshot(), note=note[:500])


def publish_exposure(session, actor, tip: Tip, title: str, summary: str, now: datetime | None = None) -> None:
    """Publish a verified case on the exposure board (曝光台) in the office's own words, without personal data."""
    if actor.role != Role.ADMIN:
        raise TipError(_("Only the office that receives tips can do this."))
    if tip.state_enum not in (TipState.CONCLUDED, TipState.CLOSED):
        raise TipError(_("Only a concluded case, with its findings, can be published."))
    if tip.finding_enum is not None and not tip.finding_enum.verified:
        raise TipError(_("The report was found not substantiated: it is not published on the exposure board."))
    if not (title.strip() and summary.strip()):
        raise TipError(_("Write a title and a public summary of the findings."))
    before = tip.snapshot()
    tip.exposed_at = now or utcnow()
    tip.exposure_title, tip.exposure_summary = title.strip()[:200], summary.strip()
    _event(session, tip, "exposed", actor=actor)
    session.flush()
    audit.record(session, "tips.expose", tip, actor=actor, before=before, after=tip.snapshot())


def withdraw_exposure(session, actor, tip: Tip, reason: str) -> None:
    if actor.role != Role.ADMIN:
        raise TipError(_("Only the office that receives tips can do this."))
    if tip.exposed_at is None:
        raise TipError(_("This case is not on the exposure board."))
    if not reason.strip():
        raise TipError(_("Give the reason for withdrawing it."))
    before = tip.snapshot()
    tip.exposed_at = None
    _event(session, tip, "exposure_withdrawn", actor=actor, note=reason.strip(), public=False)
    session.flush()
    audit.record(session, "tips.expose_withdraw", tip, actor=actor, before=before, after=tip.snapshot(),
                 note=reason[:500])


def escalate(session, actor, tip: Tip, due: date | None, today: date, note: str = "") -> None:
    """督办: the office presses the bureau on an overdue tip; the bureau sees it on the case's timeline."""
    if actor.role != Role.ADMIN:
        raise TipError(_("Only the office that receives tips can do this."))
    if not tip.state_enum.is_open or due is None or due >= today:
        raise TipError(_("Only an overdue tip can be escalated."))
    before = tip.snapshot()
    tip.escalations += 1
    _event(session, tip, "escalated", actor=actor, note=note.strip(), public=False, bureau=tip.bureau)
    session.flush()
    audit.record(session, "tips.escalate", tip, actor=actor, before=before, after=tip.snapshot(), note=note[:500])
