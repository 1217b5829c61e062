"""有奖举报: rewards for reporting. The first real-name reporter of a verified case may be marked eligible by the
bureau, granted an amount by the office, and paid; or declined (环办执法〔2020〕8号)."""
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from app import audit
from app.tips import policy
from app.tips.errors import TipError, TipNotPermitted
from app.tips.models import Tip
from app.tips.timeline import add_event
from app.tips.workflow import OFFICE_REWARD_STATES, REWARD_TRANSITIONS, VERIFIED_STATES, RewardState


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
        if state is not None and state.has_amount and main.finding is not None and not main.finding.verified:
            return _("The report was found not substantiated, so it cannot be rewarded.")
        return None
    if main.state not in VERIFIED_STATES or main.finding is None:
        return _("A reward is decided once the tip has been verified and concluded.")
    first = first_reporter(session, tip)
    if first.id != tip.id:
        return _("The reward for this pollution goes to the first reporter: report No. %(number)s.",
                 number=first.public_number)
    if tip.anonymous:
        return _("Only a real-name report can be rewarded: the bureau must be able to reach the reporter.")
    if state is not None and state != RewardState.DECLINED and not main.finding.verified:
        return _("The report was found not substantiated, so it cannot be rewarded.")
    return None


def reward_choices(actor, tip: Tip) -> list[RewardState]:
    """The reward steps this actor may take next: the office grants amounts; a bureau proposes or declines."""
    allowed = REWARD_TRANSITIONS.allowed_steps(tip.reward_state)
    return [s for s in RewardState if s in allowed and (policy.is_office(actor) or s not in OFFICE_REWARD_STATES)]


def set_reward(session, actor, tip: Tip, state: RewardState, amount: Decimal | None = None, note: str = "") -> None:
    """有奖举报: mark the first real-name reporter of a verified (concluded, substantiated) case eligible, grant an
    amount (the office only), record payment, or decline."""
    policy.require_handler(actor, tip)
    refusal = reward_refusal(session, tip, state)
    if refusal:
        raise TipError(refusal, field="state")
    current = tip.reward_state
    if state not in REWARD_TRANSITIONS.allowed_steps(current):
        raise TipError(_("The reward cannot go from “%(now)s” to “%(next)s”.",
                         now=current.title if current else "–", next=state.title), field="state")
    if state in OFFICE_REWARD_STATES and not policy.is_office(actor):
        raise TipNotPermitted(_("Only the office that receives tips grants a reward."), field="state")
    before = tip.snapshot()
    if state == RewardState.GRANTED:
        if amount is None or not amount.is_finite() or amount <= 0:
            raise TipError(_("Give the amount of the reward."), field="amount")
        tip.reward_amount = amount
    tip.reward_state = state
    add_event(session, tip, "reward", actor=actor, note=str(state.title))
    if note.strip():
        add_event(session, tip, "note", actor=actor, note=note.strip(), public=False)
    session.flush()
    audit.record(session, "tips.reward", tip, actor=actor, before=before, after=tip.snapshot(), note=note[:500])
