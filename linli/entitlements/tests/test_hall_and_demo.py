"""Grants that follow the service hall's decisions (the event `hall.application_decided`),
the indicators' figures, and the demo's grants of every kind."""

from datetime import timedelta
from io import StringIO

from django.core.management.base import OutputWrapper
from django.utils import timezone

from linli.core.indicators import Unit
from linli.entitlements import services, subscribers
from linli.entitlements.indicators import GRANTS, UNSERVED, GrantFigures, per_kind
from linli.entitlements.models import Grant
from linli.hall.events import ApplicationDecided
from linli.hall.models import Application
from linli.notifications.models import Notification
from linli.testing.assessment import assessed
from linli.testing.entitlements import certificate, person
from linli.testing.hall import at_desk, seed_catalogue


def _approved(world, matter, resident, **answers):
    application = at_desk(matter, desk=world.a, by=world.worker_a, id_number=resident.id_number)
    Application.objects.filter(pk=application.pk).update(
        resident=resident, answers={**application.answers, **answers}
    )
    return ApplicationDecided(
        application_id=application.pk,
        matter=matter.code,
        approved=True,
        resident_id=resident.pk,
        actor_id=world.worker_a.pk,
    ), application


def test_an_approved_application_grants_what_it_asked_for_once(world, kinds):
    matters = seed_catalogue(world.district, world.subdistrict)
    disabled = person(world.a1, name="李建国", labels=["disabled", "dibao"])
    certificate(disabled, grade=3)
    event, application = _approved(
        world, matters["disability-subsidies"], disabled, subsidy="困难残疾人生活补贴"
    )
    subscribers.grant_from_application(event)
    subscribers.grant_from_application(event)  # delivered twice: granted once
    grant = Grant.objects.get()
    assert (grant.kind.code, grant.application) == ("disability-living", application.code)
    # both asked, but the grade is not severe enough for the care subsidy: the decider hears why
    other = person(world.a1, name="王建华", labels=["disabled", "tekun"], number="102")
    certificate(other, grade=3)
    event, application = _approved(
        world, matters["disability-subsidies"], other, subsidy="两项均申请"
    )
    subscribers.grant_from_application(event)
    told = Notification.objects.get(user=world.worker_a, kind="entitlements")
    assert application.code in told.title and "重度残疾人护理补贴" in told.body
    assert list(other.grants.values_list("kind__code", flat=True)) == ["disability-living"]


def test_the_hall_decision_reaches_the_subscriber_through_the_event(
    world, kinds, django_capture_on_commit_callbacks
):
    from linli.hall import services as hall

    matters = seed_catalogue(world.district, world.subdistrict)
    old = person(world.a1, name="孙桂芝", age=92)
    application = at_desk(
        matters["elderly-allowance"], desk=world.a, by=world.worker_a, id_number=old.id_number
    )
    Application.objects.filter(pk=application.pk).update(resident=old)
    application.refresh_from_db()
    hall.application_accept(application=application, by=world.worker_a)
    for step in application.steps.order_by("stage"):
        step.refresh_from_db()
        hall.step_complete(step=step, by=world.district_admin)
    application.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        hall.application_decide(application=application, approved=True, by=world.district_admin)
    grant = Grant.objects.get(resident=old)
    assert grant.kind.code == "elderly-allowance" and grant.amount == 200


def test_indicators_count_grants_in_force_and_the_unserved(world, kinds):
    services.grant_create(
        resident=person(world.a1, age=85), kind=kinds["elderly-allowance"], reason="x", by=None
    )
    person(world.a1, age=88, number="102")  # qualifies, not granted
    ended = services.grant_create(
        resident=person(world.a1, labels=["wubao"], number="103"),
        kind=kinds["cable-tv-relief"],
        reason="x",
        by=None,
    )
    services.grant_end(grant=ended, reason="caseworker", note="x", by=None)
    today = timezone.localdate()
    figures = GrantFigures().figures(
        paths=None, first=today, last=today + timedelta(days=1), unit=Unit(12)
    )
    got = figures[world.a.path]
    assert got[GRANTS] == 1 and got[per_kind("elderly-allowance")] == 1
    assert got[UNSERVED] == 2  # the 88-year-old, and the 五保 holder whose relief ended
    assert (
        GrantFigures().figures(
            paths=[world.b.path], first=today, last=today + timedelta(days=1), unit=Unit(12)
        )
        == {}
    )


def test_the_demo_grants_every_kind_in_chezhan(world, monkeypatch):
    from linli.entitlements import demo
    from linli.registry.services import resident_set_labels
    from linli.testing.entitlements import kinds as seed

    seed()
    for n, labels in enumerate(
        (
            ["disabled", "dibao"],
            ["disabled", "tekun"],
            ["veteran", "youfu"],
            ["wubao"],
            ["tekun"],
            [],
            [],
        )
    ):
        resident = person(world.a1, age=45 if n < 5 else 84 + n, labels=labels, number=str(100 + n))
        resident_set_labels(resident=resident, codes=labels, by=None)
    disabled = person(world.a1, age=81, number="120")  # no 低保: the demo makes one
    assessed(disabled, 50, by=world.worker_a, second=world.subdistrict_admin, days_ago=30)
    monkeypatch.setattr(demo, "GRANTED_SHARE", 1.0)
    out = StringIO()
    demo.seed(OutputWrapper(out))
    demo.seed(OutputWrapper(out))  # idempotent
    made = set(Grant.objects.values_list("kind__code", flat=True))
    assert {"elderly-allowance", "disability-living", "veteran-care", "cable-tv-relief"} <= made
    assert Grant.objects.get(kind__code="elderly-care-subsidy").resident == disabled
    assert disabled.labels.filter(code="dibao").exists()
    assert "already there" in out.getvalue()
