"""Grid tasks (网格任务): an app hands work to a grid's workers by kind and ref, once
while open; workers see their grids' tasks, mark them done or cancelled; the app
closes a task when its own record shows the work done. Nobody outside sees them."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.gridwork import services, task_kinds
from linli.gridwork.models import GridTask
from linli.gridwork.task_kinds import TaskKind
from linli.testing.http import call_api, get, post
from linli.testing.registry import move_in, place

pytestmark = pytest.mark.usefixtures("english")
KIND = "test.reassess"


@pytest.fixture(autouse=True)
def kind(monkeypatch):
    found = TaskKind(KIND, "Re-assessment due", "registry:resident-detail")
    monkeypatch.setitem(task_kinds._kinds, KIND, found)
    return found


@pytest.fixture
def elder(world):
    return move_in(place(world.a1).household, name="王秀兰")


def _task(world, elder, days=10, **more):
    return services.grid_task_create(
        kind=KIND,
        ref=str(elder.pk),
        grid=world.a1,
        title=f"{elder.name}：能力复评",
        due_on=timezone.localdate() + timedelta(days=days),
        resident=elder,
        **more,
    )


def test_one_task_is_open_per_kind_and_ref_and_the_app_closes_it(world, elder):
    task = _task(world, elder)
    again = _task(world, elder, days=3)
    assert again.pk == task.pk and GridTask.objects.count() == 1
    assert again.due_on == timezone.localdate() + timedelta(days=3)
    assert services.grid_tasks_close(kind=KIND, ref=str(elder.pk)) == 1
    assert GridTask.objects.get().state == "done"
    assert services.grid_tasks_close(kind=KIND, ref=str(elder.pk)) == 0
    assert _task(world, elder).pk != task.pk  # the next round's task


def test_bad_tasks_are_refused_with_nothing_saved(world, elder):
    with pytest.raises(ValidationError, match="no task of this kind"):
        services.grid_task_create(
            kind="nobody.registered", ref="1", grid=world.a1, title="x", due_on=timezone.localdate()
        )
    with pytest.raises(ValidationError, match="active grid"):
        services.grid_task_create(
            kind=KIND, ref="1", grid=world.a, title="x", due_on=timezone.localdate()
        )
    with pytest.raises(PermissionDenied):
        _task(world, elder, by=world.worker_b)
    assert not GridTask.objects.exists()


def test_a_worker_marks_a_task_done_or_cancels_it_with_a_reason(world, elder):
    task = _task(world, elder)
    with pytest.raises(PermissionDenied):
        services.grid_task_done(task=task, by=world.worker_b)
    with pytest.raises(ValidationError, match="Say why"):
        services.grid_task_cancel(task=task, reason=" ", by=world.grid_worker_a1)
    done = services.grid_task_done(task=task, note="已上门复评", by=world.grid_worker_a1)
    assert (done.state, done.note, done.closed_by) == ("done", "已上门复评", world.grid_worker_a1)
    with pytest.raises(ValidationError, match="already Done"):
        services.grid_task_cancel(task=task, reason="搬走了", by=world.grid_worker_a1)


def test_the_console_lists_a_grids_tasks_to_its_workers_only(client, world, elder):
    task = _task(world, elder, days=-2)
    page = get(client, world.grid_worker_a1, "/grid/tasks/").content.decode()
    assert "王秀兰：能力复评" in page and "overdue" in page and "Re-assessment due" in page
    assert f'href="/registry/residents/{elder.pk}/"' in page
    assert "王秀兰" not in get(client, world.worker_b, "/grid/tasks/").content.decode()
    assert post(client, world.worker_b, f"/grid/tasks/{task.pk}/close/", {}).status_code == 404
    response = post(
        client, world.grid_worker_a1, f"/grid/tasks/{task.pk}/close/", {"note": "已复评"}
    )
    assert response.status_code == 302
    assert GridTask.objects.get().state == "done"
    assert (
        'data-testid="task"'
        not in get(client, world.grid_worker_a1, "/grid/tasks/").content.decode()
    )
    done = get(client, world.grid_worker_a1, "/grid/tasks/?state=done").content.decode()
    assert "王秀兰：能力复评" in done and "已复评" in done


def test_the_api_lists_and_closes_tasks_in_scope(client, world, elder):
    task = _task(world, elder)
    listed = call_api(client, world.grid_worker_a1, "get", "/grid-tasks")
    assert [t["title"] for t in listed.json()["items"]] == ["王秀兰：能力复评"]
    assert listed.json()["items"][0]["link"] == f"/registry/residents/{elder.pk}/"
    assert call_api(client, world.worker_b, "get", "/grid-tasks").json()["items"] == []
    path = f"/grid-tasks/{task.pk}/close"
    assert call_api(client, world.worker_b, "post", path, {}).status_code == 404
    refused = call_api(client, world.grid_worker_a1, "post", path, {"cancel": True})
    assert refused.status_code == 422 and GridTask.objects.get().state == "open"
    closed = call_api(client, world.grid_worker_a1, "post", path, {"cancel": True, "note": "已故"})
    assert closed.status_code == 200 and closed.json()["state"] == "cancelled"
