"""Periodic work: apps register background tasks to run every so often (in
`AppConfig.ready`); `linli scheduler` enqueues each when its time comes, and
`linli db_worker` (or the RQ workers) runs them. The tasks must be safe to run twice
at once: two schedulers, or a slow run overlapping the next, do no harm."""

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.tasks import Task


@dataclass(frozen=True)
class Periodic:
    name: str
    task: "Task[[], Any]"  # a django.tasks Task taking no arguments
    every: timedelta


_jobs: dict[str, Periodic] = {}


def register(name: str, task: "Task[[], Any]", every: timedelta) -> None:
    if every < timedelta(seconds=10):
        raise ValueError("periodic tasks run at most every 10 seconds")
    _jobs[name] = Periodic(name, task, every)


def jobs() -> list[Periodic]:
    return sorted(_jobs.values(), key=lambda job: job.name)
