"""Promised time limits in working days, on the working calendar the case engine
uses (`linli.core.workdays`: the working week and the `CalendarDay` exceptions)."""

from datetime import datetime, timedelta

from django.utils import timezone

from linli.core.workdays import add_working_hours, working_periods


def hours_per_day() -> float:
    """The working hours of one working day (7.5 with the default 08:30–12:00, 13:30–17:30)."""
    total = timedelta()
    for start, end in working_periods():
        total += datetime.combine(datetime.min, end) - datetime.combine(datetime.min, start)
    return total.total_seconds() / 3600


def add_working_days(start: datetime, days: int) -> datetime:
    """The moment `days` working days after `start`; 0 (handled on the spot): the end
    of the working day `start` falls in, or of the next one."""
    if days > 0:
        return add_working_hours(start, days * hours_per_day())
    first = timezone.localtime(add_working_hours(start, 1 / 60))  # the next working minute
    last = working_periods()[-1][1]
    return first.replace(hour=last.hour, minute=last.minute, second=0, microsecond=0)
