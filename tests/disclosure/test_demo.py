"""The demo requests: created once, in several states, addressed to a bureau."""
from sqlalchemy import func, select

from app.disclosure.models import DisclosureRequest
from app.disclosure.workflow import RequestState


def test_seed_demo_creates_requests_once(runner, session):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "15 disclosure requests created" in first.output
    states = set(session.scalars(select(DisclosureRequest.state)))
    assert {RequestState.RECEIVED, RequestState.REGISTERED, RequestState.EXTENDED, RequestState.ANSWERED,
            RequestState.REDIRECTED} <= states
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "0 disclosure requests created" in second.output
    assert session.scalar(select(func.count(DisclosureRequest.id))) == 15
