"""The handling of a tip on the one workflow engine: who may take a step (the policy), what a step the state
does not allow says, and one handler per step that checks the step's own input, sets its fields and says what
the timeline shows. The engine moves the state and writes the timeline and audit entries; it never commits."""
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _

from app.tips import policy, tallies, timeline
from app.tips.errors import TipError, TipStepNotAllowed
from app.tips.models import Tip
from app.tips.photos import store_photos
from app.tips.settings import Rules
from app.tips.workflow import RATING_STEPS, REVIEW_REQUEST_STEPS, TRANSITIONS, Finding, Rating, Step, TipState
from app.workflow import Entry, StepContext, Workflow


def review_window_end(tip: Tip, rules: Rules) -> date | None:
    """The last day on which the reporter may ask for a review (复查, after the conclusion) or a re-review (复核,
    after the review opinion): 30 days from the written answer (信访工作条例 arts. 35–36). None when no
    further review can be asked for: the re-review is final, and a rating the reporter gave is their answer."""
    if tip.state not in (TipState.CONCLUDED, TipState.REVIEWED, TipState.CLOSED) or tip.re_review_opinion:
        return None
    if tip.state == TipState.CLOSED and tip.rating is not None:
        return None
    answered = tip.review_answered_at if tip.review_opinion else tip.concluded_at
    if answered is None:
        return None
    return rules.due(rules.local_date(answered), rules.review_request_days)


def next_review_step(tip: Tip) -> Step:
    """A review (复查) after the conclusion, a re-review (复核) after the review opinion."""
    return Step.REQUEST_RE_REVIEW if tip.review_opinion else Step.REQUEST_REVIEW


def _no_review(tip: Tip) -> TipError:
    if tip.state == TipState.RE_REVIEWED or tip.re_review_opinion:
        return TipStepNotAllowed(_("The re-review opinion is final: no further review can be asked for."),
                                 field="satisfied")
    return TipStepNotAllowed(_("A review can be asked for once the tip is concluded."), field="satisfied")


def _refuse(tip: Tip, step: Step) -> str:
    """Raise the refusal of a step the tip's state does not allow, as a TipError (which callers catch) beside
    the field it is about; the engine would raise a plain StepNotAllowed with the message alone."""
    if step in RATING_STEPS:
        raise TipStepNotAllowed(_("The handling can be rated once the tip is concluded."))
    if step in REVIEW_REQUEST_STEPS:
        raise _no_review(tip)
    raise TipStepNotAllowed(_("This step is not possible while the tip is “%(state)s”.", state=tip.state.title))


TIP_WORKFLOW: Workflow[TipState, Step] = Workflow("tips", TRANSITIONS, policy=policy.check, record=timeline.record,
                                                  refuse=_refuse)


def check(actor, tip: Tip, step: Step) -> TipState:
    """The engine's checks without its writes, for merging, which moves two tips and keeps its own audit entry:
    the policy, then the transition. Gives the state the step leads to."""
    TIP_WORKFLOW.policy(actor, tip, step)
    if not TIP_WORKFLOW.can_take(tip, step):
        _refuse(tip, step)
    return TIP_WORKFLOW.next_state(tip.state, step)


@TIP_WORKFLOW.handles(Step.ACCEPT, Step.REJECT)
def _decide(context: StepContext) -> Entry:
    """Accepting starts the conclusion deadline; not accepting needs the reason, shown to the reporter."""
    tip, rules, now, note = context.case, context.rules, context.now, context.text("note")
    accepted = context.step == Step.ACCEPT
    if accepted:
        tip.accepted_at = now
        tip.conclude_due = rules.due(rules.local_date(now), rules.conclude_days)
    elif not note:
        raise TipError(_("Say why the tip is not accepted and where the reporter can turn instead."), field="note")
    else:
        tip.not_accepted_reason = note
    tallies.add(context.session, tip, rules, {
        "decided": 1, "accepted" if accepted else "not_accepted": 1,
        "decide_days": tallies.days_since_received(tip, rules, now),
        "decided_on_time": int(rules.local_date(now) <= tip.accept_due)})
    return Entry(internal_note=note) if accepted else Entry(public_note=note)


@TIP_WORKFLOW.handles(Step.ASSIGN, Step.TRANSFER)
def _route(context: StepContext) -> Entry:
    """The tip goes to a bureau (交办), or on to another one; the public entry names it."""
    tip, bureau = context.case, context.data.get("bureau")
    if bureau is None:
        raise TipError(_("Choose the bureau."), field="bureau_id")
    if context.step == Step.TRANSFER and bureau.id == tip.bureau_id:
        raise TipError(_("The tip is already with this bureau."), field="bureau_id")
    tip.bureau_id = bureau.id
    return Entry(internal_note=context.text("note"), extra={"bureau": bureau})


@TIP_WORKFLOW.handles(Step.CONCLUDE)
def _conclude(context: StepContext) -> Entry:
    """The findings, the verdict and the reply to the reporter (public), with the staff's photos."""
    tip, rules, now = context.case, context.rules, context.now
    finding = context.data.get("finding")
    if finding is not None and finding not in Finding.values():
        raise TipError(_("Say whether the report was substantiated, partly substantiated or not substantiated."),
                       field="finding")
    findings, reply = context.text("findings"), context.text("reply")
    if not (findings and reply):
        raise TipError(_("Write the findings and the reply to the reporter before concluding."),
                       field="reply" if findings else "findings")
    tip.findings, tip.measures_taken, tip.reply = findings, context.text("measures_taken"), reply
    tip.finding = Finding(finding) if finding is not None else None
    tip.concluded_at = now
    store_photos(context.session, tip, list(context.get("photos", ())), context.get("upload_dir", ""), by_staff=True)
    if not tip.review_requested:  # a conclusion after the old one-time re-investigation is not counted again
        tallies.add(context.session, tip, rules, {
            "concluded": 1, "conclude_days": tallies.days_since_received(tip, rules, now),
            "conclude_on_time": int(rules.local_date(now) <= tip.conclude_due)})
    return Entry(public_note=reply, internal_note=context.text("note"))


@TIP_WORKFLOW.handles(Step.ANSWER_REVIEW)
def _answer_review(context: StepContext) -> Entry:
    """The office's review (复查) or re-review (复核) opinion, public; the review's deadline stops."""
    tip, reply = context.case, context.text("reply")
    if not reply:
        raise TipError(_("Write the opinion for the reporter."), field="reply")
    first = tip.in_first_review
    if first:
        tip.review_opinion = reply
    else:
        tip.re_review_opinion = reply
    tip.review_answered_at, tip.review_due = context.now, None
    return Entry(event="review_answered" if first else "re_review_answered", public_note=reply,
                 internal_note=context.text("note"))


@TIP_WORKFLOW.handles(Step.CLOSE)
def _close(context: StepContext) -> Entry:
    note = context.text("note")
    if context.case.rating is None and not note:
        note = _("Closed without a rating from the reporter.")
    return Entry(internal_note=note)


@TIP_WORKFLOW.handles(Step.MERGE)
def _merge(context: StepContext) -> Entry:
    """Merging needs the tip to merge into: services.merge_tip, never the plain step."""
    raise TipError(_("Choose the tip to merge this one into."))


@TIP_WORKFLOW.handles(*RATING_STEPS)
def _rate(context: StepContext) -> Entry:
    """The reporter's final rating of the answer: the statistics count it; a comment stays in-house. The audit
    entry is the one the log has always had: tips.rate, with the rating."""
    tip = context.case
    satisfied = context.step == Step.RATE_SATISFIED
    tip.rating = Rating.SATISFIED if satisfied else Rating.UNSATISFIED
    tip.rating_comment = context.text("comment")[:1000]
    tallies.add(context.session, tip, context.rules, {tip.rating.value: 1})
    internal = {"rating_comment": tip.rating_comment} if tip.rating_comment else {}
    return Entry(event="rated_satisfied" if satisfied else "rated_unsatisfied_closed", extra={"internal": internal},
                 audit_as="tips.rate", audit_after={"rating": tip.rating.value, "state": context.target.value})


@TIP_WORKFLOW.handles(*REVIEW_REQUEST_STEPS)
def _ask_for_review(context: StepContext) -> Entry:
    """The reporter asks, within 30 days of the answer and with reasons, for a review on its own deadline."""
    tip, rules, now = context.case, context.rules, context.now
    if tip.re_review_opinion:
        raise _no_review(tip)
    window_end = review_window_end(tip, rules)
    if window_end is None:
        raise _no_review(tip)
    if rules.local_date(now) > window_end:
        raise TipError(_("A review had to be asked for by %(date)s (30 days from the answer); you can still rate "
                         "the handling.", date=format_date(window_end)), field="satisfied")
    reason = context.text("reason")
    if not reason:
        raise TipError(_("Say why you are not satisfied: the review starts from your reasons."), field="comment")
    tip.review_due = rules.due(rules.local_date(now), rules.review_days)
    first = context.step == Step.REQUEST_REVIEW
    return Entry(event="review_requested" if first else "re_review_requested",
                 public_note=_("Opinion due by %(date)s", date=format_date(tip.review_due)),
                 extra={"internal": {"review_reason": reason[:1000]}})
