"""The demo requests: created once, in several states, addressed to a bureau."""
from sqlalchemy import func, select

from app.disclosure.models import DisclosureRequest
from app.disclosure.workflow import RequestState


def test_seed_demo_creates_requests_once(runner, session, demo_city):
    assert "17 disclosure requests created" in demo_city
    states = set(session.scalars(select(DisclosureRequest.state)))
    assert {RequestState.RECEIVED, RequestState.REGISTERED, RequestState.EXTENDED, RequestState.ANSWERED,
            RequestState.REDIRECTED} <= states
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "0 disclosure requests created" in second.output
    assert session.scalar(select(func.count(DisclosureRequest.id))) == 17


def test_the_demo_shows_a_paused_consultation_an_approved_extension_and_a_completion_period(session, demo_city):
    """政府信息公开条例 art. 33: the extension is approved by the head of the disclosure office and the time
    spent consulting a third party (art. 32) is not counted; art. 30: the staff set the completion period."""
    rows = session.scalars(select(DisclosureRequest)).all()
    extended = next(r for r in rows if r.state == RequestState.EXTENDED)
    assert extended.extension_approved_by.username == "head"
    paused = [r for r in rows if r.paused_on is not None]
    assert len(paused) == 1 and paused[0].consultations[0].ended_on is None
    asked = next(r for r in rows if r.state == RequestState.COMPLETION_REQUESTED)
    assert asked.completion_due is not None and asked.completion_due > asked.completion_requested_on
