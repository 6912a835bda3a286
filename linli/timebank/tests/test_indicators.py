"""The time bank's figures per community: hours earned by the day of service, spent and
given by the day posted, volunteers counted once; reversed entries left out."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from linli.core.indicators import Unit
from linli.timebank.indicators import EARNED, GIVEN, SPENT, VOLUNTEERS, HourFigures
from linli.timebank.services import entry_reverse, hours_earn, hours_spend, hours_transfer

pytestmark = pytest.mark.django_db


def test_hours_per_community(world, volunteer, elder, neighbour):
    today = timezone.localdate()
    for days, hours in ((3, "2"), (2, "1.5")):
        hours_earn(
            volunteer=volunteer,
            hours=Decimal(hours),
            service="meals",
            reference="",
            served=elder,
            served_on=today - timedelta(days=days),
            by=None,
        )
    wrong = hours_earn(
        volunteer=volunteer, hours=Decimal("1"), service="meals", reference="", by=None
    )
    entry_reverse(entry=wrong, reason="登记错误", by=None)
    hours_earn(
        volunteer=volunteer,
        hours=Decimal("1"),
        service="meals",
        reference="",
        by=None,
        served_on=today - timedelta(days=40),
    )  # before the period
    hours_transfer(giver=volunteer, receiver=neighbour, hours=Decimal("0.5"), by=None)
    hours_spend(holder=volunteer, hours=Decimal("1"), reference="HC-1", by=None)
    figures = HourFigures().figures(
        paths=None, first=today - timedelta(days=7), last=today + timedelta(days=1), unit=Unit(12)
    )
    assert figures == {
        world.a.path: {EARNED: 3.5, VOLUNTEERS: 1, SPENT: 1.0, GIVEN: 0.5},
    }
    # Another region's figures only for its paths.
    assert (
        HourFigures().figures(
            paths=[world.b.path],
            first=today - timedelta(days=7),
            last=today + timedelta(days=1),
            unit=Unit(12),
        )
        == {}
    )
