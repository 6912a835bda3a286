"""Reads of the devices app that answer a user."""

from typing import Any

from linli.cases.models import Case
from linli.cases.selectors import cases_raised_by
from linli.devices.models import Alarm


def alarm_case(alarm: Alarm, user: Any) -> Case | None:
    """The case the alarm opened, if `user` may see it (the alarm's page links it;
    the case's page shows the alarm as its origin)."""
    return cases_raised_by(alarm, user=user).select_related("category").first()
