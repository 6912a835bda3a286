"""Home services' indicators with figures worked out by hand."""

from datetime import timedelta

from django.utils import timezone

from linli.core.indicators import Unit
from linli.homecare import services
from linli.homecare.choices import Funding, HomecareState
from linli.homecare.indicators import VisitFigures
from linli.testing.homecare import NEAR, order_to


def test_visits_done_planned_flagged_by_type_and_funding(world, a, b):
    order_to(a, HomecareState.CONFIRMED)
    order_to(a, HomecareState.CHECKED_OUT, funding=Funding.SELF_PAY)
    short = order_to(a, HomecareState.CHECKED_IN)
    services.order_check_out(
        order=short, longitude=NEAR[0], latitude=NEAR[1], by=None, at=short.checked_in_at
    )
    order_to(a, HomecareState.ASSIGNED)  # planned, not done
    order_to(a, HomecareState.CANCELLED)  # not planned
    order_to(b, HomecareState.CONFIRMED)  # another community
    day = timezone.localdate()

    figures = VisitFigures().figures(
        paths=[world.a.path], first=day, last=day + timedelta(days=2), unit=Unit(12)
    )

    assert list(figures) == [world.a.path]
    got = figures[world.a.path]
    assert (got["homecare.planned"], got["homecare.done"], got["homecare.flagged"]) == (4, 3, 1)
    assert got["homecare.done_category_meals"] == 3 and got["homecare.done_category_bathing"] == 0
    assert got["homecare.done_funding_voucher"] == 2
    assert got["homecare.done_funding_self_pay"] == 1
