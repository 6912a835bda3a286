"""The hall's indicators with figures worked out by hand."""

from datetime import timedelta

from django.utils import timezone

from linli.core.indicators import Unit
from linli.hall import services
from linli.hall.indicators import ApplicationFigures
from linli.hall.models import Application
from linli.testing.hall import at_desk
from linli.testing.registry import id_number


def _decided(world, matter, *, approved: bool, **delivery):
    application = at_desk(
        matter, desk=world.a, by=world.worker_a, id_number=id_number(), **delivery
    )
    application = services.application_accept(application=application, by=world.worker_a)
    for step in application.steps.order_by("stage"):
        step.refresh_from_db()
        services.step_complete(step=step, by=world.worker_a)
    application.refresh_from_db()
    return services.application_decide(
        application=application,
        approved=approved,
        note="" if approved else "不符合",
        by=world.worker_a,
    )


def test_received_completed_on_time_days_one_visit_and_rating(world, matters):
    now = timezone.now()
    card = matters["elderly-card"]  # 最多跑一次, 5 working days
    express = _decided(
        world, card, approved=True, delivery_mode="express", express_address="正阳路8号1-101"
    )
    services.application_deliver(
        application=express, tracking_number="SF1234567890", by=world.worker_a
    )
    services.application_rate(application=express, rating=5, by=None)
    pickup = _decided(world, card, approved=True)
    services.application_deliver(
        application=pickup, pickup_code=pickup.pickup_code, by=world.worker_a
    )
    services.application_rate(application=pickup, rating=3, by=None)
    late = _decided(world, matters["temporary-assistance"], approved=False)
    at_desk(card, desk=world.a, by=world.worker_a, id_number=id_number())  # received only
    # Decided 2 and 4 days after acceptance; the last one after its promise.
    Application.objects.filter(pk=express.pk).update(accepted_at=now - timedelta(days=2))
    Application.objects.filter(pk=pickup.pk).update(accepted_at=now - timedelta(days=4))
    Application.objects.filter(pk=late.pk).update(
        accepted_at=now - timedelta(days=6), due_at=now - timedelta(days=1)
    )
    day = timezone.localdate()
    figures = ApplicationFigures().figures(
        paths=None, first=day, last=day + timedelta(days=1), unit=Unit(12)
    )
    got = figures[world.a.path]
    assert {k: v for k, v in got.items() if k != "hall.decision_seconds"} == {
        "hall.received": 4,
        "hall.decided": 3,
        "hall.on_time": 2,
        "hall.completed": 3,
        "hall.one_visit": 3,  # the temporary assistance is 最多跑一次 too,
        "hall.one_visit_done": 2,  # but the pickup came twice
        "hall.ratings": 2,
        "hall.rating_sum": 8,
    }
    assert list(figures) == [world.a.path]
    assert round(figures[world.a.path]["hall.decision_seconds"] / 86400) == 12
    paths = ApplicationFigures().figures(
        paths=[world.b.path], first=day, last=day + timedelta(days=1), unit=Unit(12)
    )
    assert paths == {}
