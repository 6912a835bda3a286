from io import StringIO

from django.core.management.base import OutputWrapper
from django.db.models import F
from django.utils import timezone

from linli.appointments import demo, selectors
from linli.appointments.calendar import opening
from linli.appointments.models import Appointment, Centre, Slot, Ticket


def test_the_demo_seeds_three_centres_once(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path
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
    # Each centre's kiosk and call screen, their tokens in a file its owner only reads.
    rows = [line.split("\t") for line in demo.tokens_path().read_text().splitlines()]
    assert len(rows) == 6 and demo.tokens_path().stat().st_mode & 0o777 == 0o600
    for _centre, _name, token in rows:
        assert selectors.terminal_by_token(token) is not None
