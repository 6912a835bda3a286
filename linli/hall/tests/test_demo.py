"""The demo's applications are numbered by the day they were applied for, over the
past months, and what quotes a number follows it."""

import random
from datetime import timedelta

from django.utils import timezone

from linli.hall import demo, services
from linli.hall.models import Application
from linli.notifications.models import Notification
from linli.testing.hall import at_desk
from linli.testing.registry import id_number, move_in, place


def test_demo_numbers_carry_the_day_of_application(world, matters):
    person = move_in(place(world.a1).household, name="刘桂英")
    application = at_desk(
        matters["residence-proof"], desk=world.a, by=world.worker_a, id_number=person.id_number
    )
    Application.objects.filter(pk=application.pk).update(applicant=world.resident_a)
    application.refresh_from_db()
    services.application_accept(application=application, by=world.worker_a)
    old = application.code
    days = set()
    demo._retime(random.Random(3), application, timezone.now() - timedelta(days=40))
    application.refresh_from_db()
    day = timezone.localtime(application.submitted_at).strftime("%Y%m%d")
    assert application.code == f"BJ{day}{old[-6:]}" != old
    days.add(day)
    assert day != timezone.localdate().strftime("%Y%m%d")
    told = Notification.objects.filter(user=world.resident_a)
    assert told.exists() and all(application.code in n.url for n in told)
    assert not Notification.objects.filter(url__contains=old).exists()
    other = at_desk(matters["elderly-card"], desk=world.a, by=world.worker_a, id_number=id_number())
    demo._retime(random.Random(4), other, timezone.now() - timedelta(days=100))
    other.refresh_from_db()
    days.add(other.code[2:10])
    assert len(days) == 2
