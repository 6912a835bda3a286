"""Working time: limits counted in working hours skip nights, lunch, weekends and
holidays, and count make-up working days."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured

from linli.core import workdays
from linli.core.models import CalendarDay
from linli.core.workdays import add_working_hours

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)  # 2026-11-20 is a Friday


def test_it_counts_within_a_morning(db):
    assert add_working_hours(at(19, 9), 2) == at(19, 11)


def test_it_skips_lunch(db):
    assert add_working_hours(at(19, 11), 2) == at(19, 14, 30)


def test_it_starts_at_opening_time_when_reported_at_night(db):
    assert add_working_hours(at(18, 22), 1) == at(19, 9, 30)


def test_it_skips_the_weekend(db):
    # Friday 17:00: half an hour left that day, then Monday from 08:30
    assert add_working_hours(at(20, 17), 2) == at(23, 10)


def test_it_skips_holidays_and_counts_make_up_days(db):
    CalendarDay.objects.create(date=date(2026, 11, 23), working=False, name="假日")
    CalendarDay.objects.create(date=date(2026, 11, 21), working=True, name="调休上班")
    # Friday 17:00 → Saturday (working) 08:30 + 1.5 h
    assert add_working_hours(at(20, 17), 2) == at(21, 10)
    # a whole working day (7.5 h) from Saturday 17:30: Sunday off, Monday a holiday
    assert add_working_hours(at(21, 17, 30), 7.5) == at(24, 17, 30)


def test_it_accepts_utc_input_and_answers_the_same_moment(db):
    utc = at(19, 9).astimezone(ZoneInfo("UTC"))
    assert add_working_hours(utc, 2) == at(19, 11)


@pytest.mark.parametrize(
    ("hours", "weekdays", "message"),
    [
        ("8:30-12", ["mon"], "not a period"),
        ("13:30-17:30,08:30-12:00", ["mon"], "in order"),
        ("08:30-12:00", ["monday"], "not one of"),
        ("08:30-12:00", [], "at least one day"),
    ],
)
def test_it_refuses_a_malformed_working_week(settings, hours, weekdays, message):
    settings.LINLI_WORK_HOURS, settings.LINLI_WORK_WEEKDAYS = hours, weekdays
    workdays.working_periods.cache_clear()
    workdays.working_weekdays.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match=message):
            workdays.check_settings()
    finally:
        workdays.working_periods.cache_clear()
        workdays.working_weekdays.cache_clear()
