"""Writes for pollution tips: reporting (with photos re-encoded and duplicates flagged), the handling steps,
merging, extensions, ratings, review (复查) and re-review (复核), the exposure board, escalation, and every look
at a reporter's identity. Each keeps the statistics tallies up to date. Flush, audit, return; never commit."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import exists, select, text, update

from app import audit
from app.casework import codes
from app.casework.actors import REPORTER
from app.casework.identity import reveal
from app.db_types import utcnow
from app.tips import duplicates, policy, steps, tallies
from app.tips.errors import TipError
from app.tips.models import OPEN, ExtensionState, Tip, TipEvent, TipPhoto, public_number, tip_category_links
from app.tips.photos import process_photo, store_photos
from app.tips.rewards import first_reporter, reward_choices, reward_refusal, set_reward
from app.tips.settings import Rules
from app.tips.steps import TIP_WORKFLOW, next_review_step, review_window_end
from app.tips.timeline import add_event
from app.tips.workflow import Step, TipState

# Callers find these here: the error, the rules, photos, rewards and review windows.
__all__ = ["Rules", "TipError", "first_reporter", "next_review_step", "process_photo", "reward_choices",
           "reward_refusal", "review_window_end", "set_reward"]

DUPLICATE_CANDIDATES = 100  # the newest open tips compared with a new one


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


def _as_report(tip: Tip) -> duplicates.Report:
    return duplicates.Report(category_ids=frozenset(c.id for c in tip.categories), district_id=tip.district_id,
                             description=tip.description, address=tip.address, submitted_at=tip.submitted_at,
                             latitude=tip.latitude, longitude=tip.longitude)


def duplicate_candidates(tip: Tip, limits: duplicates.Thresholds):
    """The select of the newest open tips of a kind in common in the tip's district within the window, with only
    the columns compared; run before the new tip is stored. It reads the partial index of open tips on (district,
    submitted_at) from the window's start onwards, newest first, and stops at DUPLICATE_CANDIDATES: however many
    tips the city has handled, it walks only the district's open tips of the window (before, ordered by id
    through the district's index, a rare kind walked every tip of the district; then through an index of every
    tip, the window's closed tips too: 4 ms at 1M tips)."""
    kinds = [c.id for c in tip.categories]
    return (select(Tip.id, Tip.district_id, Tip.description, Tip.address, Tip.submitted_at, Tip.latitude,
                   Tip.longitude)
            .where(Tip.district_id == tip.district_id,
                   Tip.submitted_at >= tip.submitted_at - timedelta(days=limits.window_days),
                   text(OPEN),  # word for word the partial index's condition, so that the index is used
                   exists().where(tip_category_links.c.tip_id == Tip.id, tip_category_links.c.category_id.in_(kinds)))
            .order_by(Tip.submitted_at.desc(), Tip.id.desc()).limit(DUPLICATE_CANDIDATES))


def _possible_duplicate(session, tip: Tip, rules: Rules) -> tuple[int, str] | None:
    """The id and public number of an open tip that looks like the same pollution as this one, not yet stored;
    merging is the handler's call.

    Only the columns compared are read, for the newest open tips of a kind in common in the district within
    the window (duplicate_candidates), so the cost is bounded by the window however many tips the city has."""
    limits = rules.duplicate_limits
    rows = session.execute(duplicate_candidates(tip, limits)).all()
    if not rows:
        return None
    kinds_of = defaultdict(set)
    for tip_id, category_id in session.execute(select(tip_category_links.c.tip_id, tip_category_links.c.category_id)
                                               .where(tip_category_links.c.tip_id.in_([r.id for r in rows]))):
        kinds_of[tip_id].add(category_id)
    candidates = [(r.id, duplicates.Report(frozenset(kinds_of[r.id]), r.district_id, r.description, r.address,
                                           r.submitted_at, r.latitude, r.longitude)) for r in rows]
    match = duplicates.best_match(_as_report(tip), candidates, limits)
    if match is None:
        return None
    original = next(r for r in rows if r.id == match)
    return match, public_number(original.submitted_at, original.id)


def submit_tip(session, data: TipInput, photos: list[tuple[bytes, str]], rules: Rules, upload_dir: str,
               now: datetime | None = None) -> tuple[Tip, str]:
    """Store a new tip and return it with the reporter's tracking code (shown once, stored only as a hash).

    The duplicate check runs before the tip is stored, so the flag is part of its INSERT (no UPDATE after)."""
    now = now or utcnow()
    code = codes.new_code()
    bureau_id = next((c.bureau_id for c in data.categories if c.bureau_id), None)
    tip = Tip(code_hash=codes.digest(code, rules.tracking_key()), description=data.description,
              district_id=data.district.id,
              address=data.address, latitude=data.latitude, longitude=data.longitude, observed_at=data.observed_at,
              reported_unit=data.reported_unit, anonymous=data.anonymous,
              reporter_name="" if data.anonymous else data.reporter_name,
              reporter_phone="" if data.anonymous else data.reporter_phone, bureau_id=bureau_id,
              submitted_at=now, accept_due=rules.due(rules.local_date(now), rules.accept_days),
              state=TipState.SUBMITTED)
    tip.categories = list(data.categories)
    duplicate = _possible_duplicate(session, tip, rules)
    if duplicate:
        tip.duplicate_of_id = duplicate[0]
    session.add(tip)
    session.flush()
    store_photos(session, tip, photos, upload_dir, by_staff=False)
    add_event(session, tip, "submitted")
    if duplicate:
        add_event(session, tip, "possible_duplicate", note=duplicate[1], public=False)
    tallies.add(session, tip, rules, {"received": 1}, by_category=True)
    session.flush()
    return tip, code


def add_internal_note(session, tip: Tip, note: str, actor=None) -> None:
    """An internal timeline note (never public), e.g. a link an Open311 client sent with a report."""
    add_event(session, tip, "note", actor=actor, note=note, public=False)
    session.flush()


def add_public_comment(session, tip: Tip, text: str, *, actor=None, public: bool = False) -> TipEvent:
    """A citizen's comment on a tip (from an Open311 client): an internal entry staff read, or, once staff
    publish it (in their chosen words, without personal data), a public one."""
    event = add_event(session, tip, "comment" if public else "comment_received", actor=actor, note=text, public=public)
    session.flush()
    return event


def take_step(session, actor, tip: Tip, step: Step, rules: Rules, *, now: datetime | None = None, **data) -> None:
    """Move a tip one step on as `actor` (staff, or the reporter as casework.actors.REPORTER): the step's own
    input in `data` (note, bureau, findings, measures_taken, reply, finding, photos, upload_dir, reason…)."""
    TIP_WORKFLOW.take(session, actor, tip, step, rules=rules, now=now, **data)


def request_extension(session, actor, tip: Tip, days: int, reason: str, rules: Rules,
                      now: datetime | None = None) -> None:
    """A handler asks once for more time (at most the configured maximum), with a reason, before the
    conclusion deadline has passed."""
    now = now or utcnow()
    policy.require_handler(actor, tip)
    if not tip.in_handling:
        raise TipError(_("An extension can only be asked for while the tip is being handled."))
    if rules.passed(tip.conclude_due, now):
        # 信访工作条例 art. 34: the 60 days may be extended, which an expired deadline can no longer be.
        raise TipError(_("The deadline passed on %(date)s: an extension can only be asked for before it expires.",
                         date=format_date(tip.conclude_due)), field="days")
    if tip.extension_state is not None:
        raise TipError(_("An extension has already been asked for this tip; only one is allowed."))
    if not 1 <= days <= rules.extension_max_days:
        raise TipError(_("An extension is between 1 and %(n)d days.", n=rules.extension_max_days), field="days")
    if not reason.strip():
        raise TipError(_("Give the reason for the extension."), field="reason")
    tip.extension_state, tip.extension_days, tip.extension_reason = ExtensionState.REQUESTED, days, reason.strip()
    add_event(session, tip, "extension_requested", actor=actor, note=reason.strip(), public=False)
    session.flush()
    audit.record(session, "tips.extension_request", tip, actor=actor, after={"days": days}, note=reason[:500])


def decide_extension(session, actor, tip: Tip, approve: bool, rules: Rules, now: datetime | None = None) -> None:
    """The office approves (the conclusion deadline moves) or refuses a requested extension; it approves only
    before the deadline expires, so a late conclusion is never made "on time" afterwards."""
    now = now or utcnow()
    policy.require_office(actor)
    if not tip.extension_pending:
        raise TipError(_("No extension is waiting for a decision."))
    if approve and rules.passed(tip.conclude_due, now):
        raise TipError(_("The deadline passed on %(date)s: an extension can only be approved before it expires.",
                         date=format_date(tip.conclude_due)))
    before = tip.snapshot()
    if approve:
        tip.extension_state = ExtensionState.APPROVED
        tip.conclude_due = rules.due(tip.conclude_due or rules.local_date(now), tip.extension_days)
        add_event(session, tip, "extension_approved", actor=actor,
                  note=_("Deadline extended by %(n)d days: %(reason)s", n=tip.extension_days,
                         reason=tip.extension_reason))
    else:
        tip.extension_state = ExtensionState.REFUSED
        add_event(session, tip, "extension_refused", actor=actor, public=False)
    session.flush()
    audit.record(session, "tips.extension_" + ("approve" if approve else "refuse"), tip, actor=actor,
                 before=before, after=tip.snapshot())


def rate(session, tip: Tip, satisfied: bool, comment: str, rules: Rules | None = None) -> None:
    """The reporter rates the answer (the conclusion, or a review opinion) without asking for a review: the
    case closes, and this final rating is the one the statistics count. Not satisfied and wanting another
    look is `request_review`.

    The reporter acts as REPORTER, never as a signed-in user."""
    step = Step.RATE_SATISFIED if satisfied else Step.RATE_UNSATISFIED
    TIP_WORKFLOW.take(session, REPORTER, tip, step, rules=rules or Rules(), comment=comment)


def request_review(session, tip: Tip, reason: str, rules: Rules | None = None, now: datetime | None = None) -> None:
    """The reporter, not satisfied with the written answer, asks for a review (复查, after the conclusion) or a
    re-review (复核, after the review opinion) within 30 days of it; the higher body answers within 30 days of
    the request (信访工作条例 arts. 35–36). The old deadline does not come back: the review has its own."""
    TIP_WORKFLOW.take(session, REPORTER, tip, next_review_step(tip), rules=rules or Rules(), now=now, reason=reason)


def reveal_reporter(session, actor, tip: Tip) -> dict:
    """The reporter's identity for a handler who must contact them; every look is audited."""
    return reveal(session, actor, tip, "tips.reporter_viewed", {"name": tip.reporter_name,
                                                                "phone": tip.reporter_phone})


def clear_photo(session, actor, photo: TipPhoto, cleared: bool) -> None:
    """Staff decide whether a photo may appear on public pages (faces, plates and homes are checked first)."""
    photo.cleared = cleared
    session.flush()
    audit.record(session, "tips.photo_" + ("clear" if cleared else "hide"), photo, actor=actor)


def merge_tip(session, actor, tip: Tip, into: Tip, rules: Rules) -> None:
    """The office merges a duplicate into an open tip about the same pollution: it stops running on its own,
    and its reporter follows the other tip's handling and outcome on the same status page."""
    policy.require_office(actor)
    if into.id == tip.id or not into.is_open or into.merged_into_id is not None:
        raise TipError(_("A tip can only be merged into another open tip."))
    target = steps.check(actor, tip, Step.MERGE)
    before = tip.snapshot()
    tip.state, tip.merged_into_id = target, into.id
    # Reports merged into this one earlier follow it to the tip it now joins.
    session.execute(update(Tip).where(Tip.merged_into_id == tip.id).values(merged_into_id=into.id))
    add_event(session, tip, "merge", actor=actor, note=into.public_number)
    add_event(session, into, "merged_in", actor=actor, note=tip.public_number, public=False)
    tallies.add(session, tip, rules, {"merged": 1})
    session.flush()
    audit.record(session, "tips.merge", tip, actor=actor, before=before, after=tip.snapshot())


def publish_exposure(session, actor, tip: Tip, title: str, summary: str, now: datetime | None = None) -> None:
    """Publish a verified case on the exposure board (曝光台) in the office's own words, without personal data."""
    policy.require_office(actor)
    if tip.state not in (TipState.CONCLUDED, TipState.CLOSED):
        raise TipError(_("Only a concluded case, with its findings, can be published."))
    if not tip.publishable:
        raise TipError(_("The report was found not substantiated: it is not published on the exposure board."))
    if not (title.strip() and summary.strip()):
        raise TipError(_("Write a title and a public summary of the findings."))
    before = tip.snapshot()
    tip.exposed_at = now or utcnow()
    tip.exposure_title, tip.exposure_summary = title.strip()[:200], summary.strip()
    add_event(session, tip, "exposed", actor=actor)
    session.flush()
    audit.record(session, "tips.expose", tip, actor=actor, before=before, after=tip.snapshot())


def withdraw_exposure(session, actor, tip: Tip, reason: str) -> None:
    """Take a case off the exposure board, with the reason (kept in-house)."""
    policy.require_office(actor)
    if tip.exposed_at is None:
        raise TipError(_("This case is not on the exposure board."))
    if not reason.strip():
        raise TipError(_("Give the reason for withdrawing it."))
    before = tip.snapshot()
    tip.exposed_at = None
    add_event(session, tip, "exposure_withdrawn", actor=actor, note=reason.strip(), public=False)
    session.flush()
    audit.record(session, "tips.expose_withdraw", tip, actor=actor, before=before, after=tip.snapshot(),
                 note=reason[:500])


def escalate(session, actor, tip: Tip, due: date | None, today: date, note: str = "") -> None:
    """督办: the office presses the bureau on an overdue tip; the bureau sees it on the case's timeline."""
    policy.require_office(actor)
    if not tip.is_open or due is None or due >= today:
        raise TipError(_("Only an overdue tip can be escalated."))
    before = tip.snapshot()
    tip.escalations += 1
    add_event(session, tip, "escalated", actor=actor, note=note.strip(), public=False, bureau=tip.bureau)
    session.flush()
    audit.record(session, "tips.escalate", tip, actor=actor, before=before, after=tip.snapshot(), note=note[:500])
