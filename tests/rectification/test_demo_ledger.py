"""The demo city's ledger: one round, 30 tasks in every state (one in public notice with an objection, one
reopened), built through the ledger's services, with supervision colours of every kind; a second load adds
nothing."""
from datetime import date

from sqlalchemy import func, select

from app.demo import rectification as demo
from app.i18n import local_today, site_zone
from app.rectification.models import InspectionRound, Objection, RectificationTask, TaskEvent
from app.rectification.queries import colour_condition, status_condition
from app.rectification.workflow import Status, TaskState


def test_the_demo_ledger_has_every_state_and_colour(session, client, demo_city):
    states = dict(session.execute(select(RectificationTask.state, func.count())
                                  .group_by(RectificationTask.state)).all())
    assert sum(states.values()) == 30 and set(states) == set(TaskState)
    assert states[TaskState.IN_NOTICE] == 1 and states[TaskState.REOPENED] == 1
    today = local_today()
    for status in Status:
        assert session.scalar(select(func.count()).where(status_condition(status, today))
                              .select_from(RectificationTask)), status
    for colour in ("red", "yellow", "green", "grey"):
        assert session.scalar(select(func.count()).where(colour_condition(colour, today, 7))
                              .select_from(RectificationTask)), colour
    in_notice = session.scalar(select(RectificationTask).where(RectificationTask.state == TaskState.IN_NOTICE))
    assert in_notice.notice_starts_on <= today <= in_notice.notice_ends_on
    assert session.scalar(select(func.count(Objection.id)).where(Objection.task_id == in_notice.id)) == 1
    # The steps are dated when they happened in the story, not when the demo was loaded.
    first_entry = session.scalar(select(func.min(TaskEvent.at)))
    assert first_entry.date() < date(today.year, 1, 1)


def test_a_second_load_adds_nothing(app, session, demo_city):
    admin_id = session.scalar(select(InspectionRound.created_by_id))
    from app.accounts.models import User
    admin = session.get(User, admin_id)
    created = demo.load(session, admin, today=local_today(), zone=site_zone(), upload_dir="/nonexistent", key="k")
    assert created == {"rectification_tasks": 0, "users": {}}
    assert session.scalar(select(func.count(RectificationTask.id))) == 30


def test_every_timeline_entry_of_the_demo_has_a_title(session, demo_city):
    from app.rectification import timeline

    steps = set(session.scalars(select(TaskEvent.step).distinct()))
    assert steps and steps <= set(timeline.titles()), steps - set(timeline.titles())
