"""Reads on jobs: the office's list and dead letters, a person's own jobs, the scheduled duties' last runs."""
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from app.jobs import registry, services
from app.jobs.models import CLAIMABLE, Job, JobState


def recent(state: JobState | None = None) -> Select:
    """Jobs newest first, optionally in one state."""
    query = select(Job).options(selectinload(Job.requested_by)).order_by(Job.id.desc())
    return query.where(Job.state == state) if state is not None else query


def dead_letters(session, limit: int = 200) -> list[Job]:
    """Jobs that gave up, and stalled ones (their process stopped), newest first: what the office retries or
    discards."""
    dead = session.scalars(select(Job).options(selectinload(Job.requested_by))
                           .where(Job.state == JobState.DEAD).order_by(Job.id.desc()).limit(limit)).all()
    unfinished = session.scalars(select(Job).options(selectinload(Job.requested_by))
                                 .where(Job.state.in_([JobState.RUNNING, *CLAIMABLE]))).all()
    return sorted([*dead, *(job for job in unfinished if services.is_stalled(job))], key=lambda job: -job.id)


def requested_by(session, user, kind: str, **args) -> list[Job]:
    """The user's jobs of a kind whose arguments include `args` (their recent exports of one survey), newest
    first."""
    jobs = session.scalars(select(Job).where(Job.requested_by_id == user.id, Job.kind == kind)
                           .order_by(Job.id.desc()).limit(50))
    return [job for job in jobs if all((job.args or {}).get(key) == value for key, value in args.items())][:10]


def last_runs(session) -> list[tuple]:
    """Each scheduled duty with its latest job (or None)."""
    rows = []
    for kind in registry.scheduled():
        latest = session.scalar(select(Job).where(Job.kind == kind.name).order_by(Job.id.desc()).limit(1))
        rows.append((kind, latest))
    return rows
