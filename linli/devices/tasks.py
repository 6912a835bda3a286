"""Background work of the devices app (django.tasks; started by `linli scheduler`)."""

from django.tasks import task

from linli.devices import escalation, indicators, rules, storage


@task()
def alarms_escalate() -> int:
    """Unacknowledged alarms one level up, and reminders of uncleared ones
    (escalation.py); returns how many alarms were escalated or recalled."""
    return escalation.alarms_escalate() + escalation.alarms_remind()


@task()
def devices_snapshot() -> int:
    """Today's devices and devices online per grid (indicators.snapshot)."""
    return indicators.snapshot()


@task()
def telemetry_partitions() -> dict[str, list[str]]:
    """Daily: monthly partitions ahead, those past the retention dropped (rows deleted
    on SQLite), and the hourly aggregates of every hour a late value may still come
    for."""
    result = storage.telemetry_partitions()
    storage.hourly_late()
    return result


@task()
def telemetry_hourly() -> int:
    """Every 10 minutes: the hourly aggregates of the recent hours."""
    return storage.telemetry_hourly()


@task()
def devices_offline() -> dict[str, int]:
    """Every minute: devices silent too long go offline; no-data rules and durations
    held by silent devices raise their alarms."""
    return rules.sweep()
