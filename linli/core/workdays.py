"""Working time: time limits that count only working hours (08:30–12:00 and
13:30–17:30 on working days by default). The working week comes from the settings
`LINLI_WORK_HOURS` and `LINLI_WORK_WEEKDAYS`; public holidays and make-up working
days (调休) are `CalendarDay` rows, kept by administrators.
"""

from datetime import date, datetime, time, timedelta
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from linli.core.models import CalendarDay

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LOOKAHEAD_DAYS = 62  # calendar exceptions read at a time
HORIZON_DAYS = 800  # no time limit reaches further than this


@cache
def working_periods() -> tuple[tuple[time, time], ...]:
    """The day's working periods, parsed from LINLI_WORK_HOURS ("08:30-12:00,13:30-17:30")."""
    periods: list[tuple[time, time]] = []
    for part in settings.LINLI_WORK_HOURS.split(","):
        try:
            start, end = (time.fromisoformat(t.strip()) for t in part.split("-"))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"LINLI_WORK_HOURS: {part!r} is not a period like 08:30-12:00."
            ) from exc
        if end <= start or (periods and start < periods[-1][1]):
            raise ImproperlyConfigured(
                f"LINLI_WORK_HOURS: periods must be in order and not overlap ({part!r})."
            )
        periods.append((start, end))
    if not periods:
        raise ImproperlyConfigured("LINLI_WORK_HOURS: give at least one period.")
    return tuple(periods)


@cache
def working_weekdays() -> frozenset[int]:
    """The days of the normal working week (0 = Monday), from LINLI_WORK_WEEKDAYS."""
    days = set()
    for name in settings.LINLI_WORK_WEEKDAYS:
        if name.lower() not in WEEKDAYS:
            raise ImproperlyConfigured(
                f"LINLI_WORK_WEEKDAYS: {name!r} is not one of {', '.join(WEEKDAYS)}."
            )
        days.add(WEEKDAYS.index(name.lower()))
    if not days:
        raise ImproperlyConfigured("LINLI_WORK_WEEKDAYS: give at least one day.")
    return frozenset(days)


def check_settings() -> None:
    """Parse the working week at start-up, so that a typo stops the process there."""
    working_periods()
    working_weekdays()


class _Exceptions:
    """The calendar's exceptions from a day on, read a window at a time."""

    def __init__(self, first: date):
        self.until = first - timedelta(days=1)
        self.days: dict[date, bool] = {}

    def working(self, day: date) -> bool:
        if day > self.until:
            start, self.until = day, day + timedelta(days=LOOKAHEAD_DAYS)
            self.days.update(
                CalendarDay.objects.filter(date__range=(start, self.until)).values_list(
                    "date", "working"
                )
            )
        return self.days.get(day, day.weekday() in working_weekdays())


def add_working_hours(start: datetime, hours: float) -> datetime:
    """The moment `hours` of working time after `start` have passed."""
    zone = timezone.get_current_timezone()
    local = timezone.localtime(start, zone)
    remaining = timedelta(hours=hours)
    exceptions = _Exceptions(local.date())
    day = local.date()
    for _ in range(HORIZON_DAYS):
        if exceptions.working(day):
            for period_start, period_end in working_periods():
                begin = datetime.combine(day, period_start, zone)
                end = datetime.combine(day, period_end, zone)
                begin = max(begin, local)
                if begin >= end:
                    continue
                if end - begin >= remaining:
                    return begin + remaining
                remaining -= end - begin
        day += timedelta(days=1)
    raise ValueError(f"{hours} working hours do not fit in {HORIZON_DAYS} days.")
