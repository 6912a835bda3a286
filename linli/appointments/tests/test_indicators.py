"""Mean waiting time at the window, by hand: A's centre called two tickets today after
120 s and 300 s, and one yesterday after 60 s; one still waits (not counted). B's
centre one after 600 s."""

from datetime import timedelta

import pytest
from django.utils import timezone

from linli.appointments import services
from linli.appointments.models import Ticket
from linli.testing.indicators import table


@pytest.fixture
def figures(world, hall):
    def called(queue, window, waited, day=None):
        ticket = services.ticket_issue(queue=queue, by=None)
        Ticket.objects.filter(pk=ticket.pk).update(
            issued_at=timezone.now() - timedelta(seconds=waited)
        )
        ticket = services.ticket_call_next(window=window, by=None)
        services.ticket_finish(ticket=ticket, by=None)
        if day is not None:
            Ticket.objects.filter(pk=ticket.pk).update(day=day)

    a, one = hall.queues[0], hall.windows[0]
    called(a, one, 120)
    called(a, one, 300)
    called(a, one, 60, day=timezone.localdate() - timedelta(days=1))
    services.ticket_issue(queue=a, by=None)
    called(hall.other_queues[0], hall.other_windows[0], 600)


def test_the_mean_wait_per_community_and_subdistrict(world, figures):
    rows = table(world.district_admin, "community")
    assert rows[world.a.path].value("appointments.mean_wait") == pytest.approx(8 / 3, abs=0.05)
    assert rows[world.b.path].value("appointments.mean_wait") == pytest.approx(10, abs=0.05)
    subdistrict = table(world.district_admin, "subdistrict")[world.subdistrict.path]
    assert subdistrict.value("appointments.mean_wait") == pytest.approx(1080 / 4 / 60, abs=0.05)


def test_a_community_worker_sees_only_her_community(world, figures):
    rows = table(world.worker_a, "community")
    assert world.a.path in rows and world.b.path not in rows
