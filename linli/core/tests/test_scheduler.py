"""`linli scheduler --once` enqueues every registered periodic task (the worker runs them)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from linli.core import periodic


def test_it_enqueues_each_periodic_task_once(db):
    out = StringIO()

    call_command("scheduler", once=True, stdout=out)

    names = {job.name for job in periodic.jobs()}
    assert {"cases-escalate", "indicators-rollup", "events-deliver"} <= names
    assert out.getvalue().splitlines() == [f"enqueued {name}" for name in sorted(names)]
    paths = sorted(DBTaskResult.objects.values_list("task_path", flat=True))
    assert paths == sorted(job.task.module_path for job in periodic.jobs())


def test_a_too_frequent_job_is_refused():
    with pytest.raises(ValueError, match="at most every 10 seconds"):
        periodic.register("spin", object(), every=timedelta(seconds=1))
