"""Job kinds registered by name: `@job("surveys.export")` files the function under that key, and a queued job
names its kind, never a pickled callable, so a queue holds only a job's id and any worker of the same code
can run it."""
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class JobKind:
    """A registered kind: its function `func(context, **args)`, its title for staff, how many runs and how long
    each may take (None: the configured defaults), the cron setting that schedules it, and the permission the
    person who asked for it must still hold to see its progress and download its result."""

    name: str
    func: Callable[..., Any]
    title: object = None
    attempts: int | None = None
    timeout: int | None = None
    cron_setting: str | None = None
    permission: str | None = None

    @property
    def label(self) -> str:
        return str(self.title or self.name)


_kinds: dict[str, JobKind] = {}


def job(name: str, *, title: object = None, attempts: int | None = None, timeout: int | None = None,
        cron: str | None = None, permission: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function as the job kind `name` (`<domain>.<verb>`); `cron` names the config
    setting holding its schedule, for a duty the scheduler runs."""
    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        known = _kinds.get(name)
        if known is not None and (known.func.__module__, known.func.__qualname__) != (func.__module__,
                                                                                      func.__qualname__):
            raise ValueError(f"job kind {name!r} is already registered by {known.func.__module__}")
        _kinds[name] = JobKind(name, func, title, attempts, timeout, cron, permission)
        return func
    return decorator


def get(name: str) -> JobKind | None:
    return _kinds.get(name)


def kinds() -> dict[str, JobKind]:
    return dict(_kinds)


def scheduled() -> list[JobKind]:
    """The kinds the scheduler runs, in a stable order."""
    return sorted((kind for kind in _kinds.values() if kind.cron_setting), key=lambda kind: kind.name)
