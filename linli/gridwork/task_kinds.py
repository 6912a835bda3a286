"""The kinds of grid task (网格任务) apps hand to grid workers: an app registers each
kind in `AppConfig.ready()` and creates its tasks with `services.grid_task_create`.

    task_kinds.register(TaskKind("assessment.due", _("Re-assessment due"), "assessment:resident"))

A task names the app's object by `ref`: the kind's `url_name` reversed with it is the
task's link to that object (an elder's assessments, a grant to re-verify)."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class TaskKind:
    code: str  # "<app>.<what>", at most 40 characters
    label: str | Promise
    url_name: str  # reversed with the task's ref

    def url(self, ref: str) -> str:
        return reverse(self.url_name, args=[ref])


_kinds: dict[str, TaskKind] = {}


def register(*kinds: TaskKind) -> None:
    for kind in kinds:
        if len(kind.code) > 40:
            raise ValueError(f"A task kind's code is at most 40 characters: {kind.code}")
        _kinds[kind.code] = kind


def get(code: str) -> TaskKind | None:
    return _kinds.get(code)


def all_kinds() -> list[TaskKind]:
    return sorted(_kinds.values(), key=lambda kind: kind.code)
