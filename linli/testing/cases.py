"""Case factories: one way to report a case (the service, with defaults that make a
valid report), the happy path to a stage, and a refused step that changed nothing."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from linli.cases import services
from linli.cases.choices import Source, Stage
from linli.cases.models import Case, CaseTransition, Category

# Grid A1's worker reports a missing manhole cover in her grid.
GRID_WORKER_REPORT = {
    "category": "manhole-cover",
    "description": "正阳路与新建路交叉口井盖缺失，存在安全隐患",
    "source": Source.GRID_WORKER,
    "address": "正阳路与新建路交叉口",
}
# A hotline call about rubbish, taken by the system (no actor).
HOTLINE_CALL = {
    "category": "exposed-garbage",
    "description": "丝绸路12号门前垃圾堆积",
    "source": Source.HOTLINE,
    "address": "丝绸路12号",
    "by": None,
}


def report(world, category: Category | str | None = None, **overrides) -> Case:
    """A case reported through `case_report`: by default `GRID_WORKER_REPORT` by
    `world.grid_worker_a1` in grid A1; `category` (a Category or its code) and any
    argument of the service override it."""
    fields = {**GRID_WORKER_REPORT, "by": world.grid_worker_a1, "region": world.a1, **overrides}
    if category is not None:
        fields["category"] = category
    if isinstance(fields["category"], str):
        fields["category"] = Category.objects.get(code=fields["category"])
    return services.case_report(**fields)


def hotline_call(world, **overrides) -> Case:
    """A case reported as `HOTLINE_CALL`, in grid A1 unless `region` is given."""
    return report(world, **(HOTLINE_CALL | overrides))


def through(case, world, until: str) -> Case:
    """Walk a case along the happy path from its stage up to stage `until`."""
    steps = [
        (Stage.ACCEPTED, lambda c: services.case_accept(case=c, by=world.worker_a)),
        (
            Stage.DISPATCHED,
            lambda c: services.case_dispatch(case=c, to=world.grid_worker_a1, by=world.worker_a),
        ),
        (Stage.HANDLING, lambda c: services.case_start(case=c, by=world.grid_worker_a1)),
        (
            Stage.HANDLED,
            lambda c: services.case_finish(case=c, by=world.grid_worker_a1, note="已补装井盖"),
        ),
        (Stage.CLOSED, lambda c: services.case_close(case=c, by=world.worker_a)),
    ]
    reached = [stage for stage, _step in steps]
    start = reached.index(case.stage) + 1 if case.stage in reached else 0
    for stage, step in steps[start:]:
        case = step(case)
        if stage == until:
            return case
    raise AssertionError(until)


def state() -> tuple:
    """Every case and stage change, as they are."""
    return (
        list(Case.objects.order_by("pk").values()),
        list(CaseTransition.objects.order_by("pk").values()),
    )


def refused(call, error=ValidationError, **kwargs):
    """The error `call(**kwargs)` raises, after checking it changed no case."""
    before = state()
    with pytest.raises(error) as caught:
        call(**kwargs)
    assert state() == before, "a refused step changed something"
    return caught.value


def png(size=(40, 30)) -> bytes:
    """A small red PNG image."""
    out = BytesIO()
    Image.new("RGB", size, "red").save(out, format="PNG")
    return out.getvalue()
