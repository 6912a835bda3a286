"""Background work of the devices app (django.tasks; started by `linli scheduler`)."""

from django.tasks import task

from linli.devices import escalation, indicators


@task()
def alarms_escalate() -> int:
    """Unacknowledged alarms one level up, and reminders of uncleared ones
    (escalation.py); returns how many alarms were escalated or recalled."""
    return escalation.alarms_escalate() + escalation.alarms_remind()


@task()
def devices_snapshot() -> int:
    """Today's devices and devices online per grid (indicators.snapshot)."""
    return indicators.snapshot()
