from io import StringIO

from django.core.management.base import OutputWrapper
from django.db.models import F
from django.utils import timezone

from linli.appointments import demo
from linli.appointments.calendar import opening
from linli.appointments.models import Appointment, Centre, Slot, Ticket


def test_the_demo_seeds_three_centres_once(world):
    out = OutputWrapper(StringIO())
    demo.seed(out)
    demo.seed(out)
    centres = list(Centre.objects.order_by("name"))
    assert len(centres) == 3
    assert all(c.windows.count() >= 2 for c in centres)
    assert Slot.objects.count() > 0
    assert Ticket.objects.filter(day__lt=timezone.localdate()).count() > 0
    for centre in centres:
        assert Slot.objects.filter(centre=centre, booked__gt=F("capacity")).count() == 0
        if opening(centre, timezone.localdate()) is not None:
            today = Ticket.objects.filter(centre=centre, day=timezone.localdate())
            assert today.filter(state="done").exists() and today.filter(state="called").exists()
    assert Appointment.objects.filter(state="booked").exists()
