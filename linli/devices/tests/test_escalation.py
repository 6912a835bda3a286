"""Alarms nobody acknowledges climb to the subdistrict, then the district; alarms
nobody clears are recalled every so often. Each step once, however often it runs."""

from datetime import timedelta

import pytest
from django.utils import timezone

from linli.core import periodic
from linli.core.permissions import Role
from linli.devices.choices import AlarmAction
from linli.devices.escalation import alarms_escalate, alarms_remind
from linli.devices.models import Alarm, AlarmType, DeviceProfile
from linli.devices.services import alarm_acknowledge, alarm_assign, alarm_clear, device_provision
from linli.notifications.models import Notification

pytestmark = pytest.mark.django_db

T0 = timezone.now().replace(microsecond=0)


@pytest.fixture
def fire(world) -> Alarm:
    """A fire alarm (escalate after 5 minutes, remind every 15) raised at T0."""
    device, _token = device_provision(
        grid=world.a1,
        profile=DeviceProfile.objects.get(code="smoke"),
        key="YG-0001",
        name="1号楼1单元楼道烟感",
        by=None,
    )
    return Alarm.objects.create(
        device=device,
        alarm_type=AlarmType.objects.get(code="fire"),
        severity="critical",
        started_at=T0,
        last_at=T0,
    )


def told(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


def minutes(n: float):
    return T0 + timedelta(minutes=n)


def test_an_unacknowledged_alarm_climbs_one_level_each_time(world, fire):
    world.person("wuye.sn", Role.DEPARTMENT_HANDLER, world.subdistrict.code)  # not an admin
    assert alarms_escalate(now=minutes(4.9)) == 0

    assert alarms_escalate(now=minutes(5)) == 1
    assert alarms_escalate(now=minutes(5)) == 0  # run twice: once
    assert told("alarm-escalated") == ["sichoulu"]  # the subdistrict's admin
    fire.refresh_from_db()
    assert fire.escalated_at == minutes(5)

    assert alarms_escalate(now=minutes(9)) == 0
    assert alarms_escalate(now=minutes(10)) == 1
    assert told("alarm-escalated") == ["district", "sichoulu"]
    assert alarms_escalate(now=minutes(60)) == 0  # the district is the top
    notes = list(
        fire.changes.filter(action=AlarmAction.ESCALATED)
        .order_by("pk")
        .values_list("note", flat=True)
    )
    assert len(notes) == 2 and "丝绸路街道" in notes[0] and "周村区" in notes[1]
    assert "10" in Notification.objects.get(user=world.district_admin).title


def test_a_late_run_catches_up_one_level_a_run(world, fire):
    assert alarms_escalate(now=minutes(30)) == 1
    assert alarms_escalate(now=minutes(30)) == 1
    assert alarms_escalate(now=minutes(30)) == 0


def test_an_acknowledged_alarm_does_not_climb(world, fire):
    alarm_acknowledge(alarm=fire, by=world.grid_worker_a1)

    assert alarms_escalate(now=minutes(6)) == 0
    assert not Notification.objects.filter(kind="alarm-escalated").exists()


def test_types_that_never_escalate_do_not(world, fire):
    Alarm.objects.filter(pk=fire.pk).update(alarm_type=AlarmType.objects.get(code="lamp-fault"))

    assert alarms_escalate(now=minutes(600)) == 0
    assert alarms_remind(now=minutes(600)) == 0


def test_reminders_recall_an_active_alarm_until_it_is_cleared(world, fire):
    assert alarms_remind(now=minutes(14)) == 0
    assert alarms_remind(now=minutes(15)) == 1
    assert alarms_remind(now=minutes(15)) == 0
    # Nobody assigned: those the (default) rule names.
    assert told("alarm-reminder") == ["grid.a1", "worker.a"]
    fire.refresh_from_db()
    assert fire.reminded_at == minutes(15)
    assert fire.changes.filter(action=AlarmAction.REMINDED).count() == 1

    alarm_clear(alarm=fire, by=world.grid_worker_a1)

    assert alarms_remind(now=minutes(45)) == 0


def test_reminders_go_to_the_assignee_once_there_is_one(world, fire):
    alarm_assign(alarm=fire, to=world.grid_worker_a1, by=world.worker_a)
    alarm_acknowledge(alarm=fire, by=world.grid_worker_a1)  # acknowledged, not cleared

    assert alarms_remind(now=minutes(15)) == 1
    assert alarms_remind(now=minutes(29)) == 0
    assert alarms_remind(now=minutes(30)) == 1

    assert told("alarm-reminder") == ["grid.a1", "grid.a1"]


def test_the_task_runs_every_minute():
    (job,) = [job for job in periodic.jobs() if job.name == "alarms-escalate"]

    assert job.every == timedelta(minutes=1)
