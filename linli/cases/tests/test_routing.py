"""Routing rules send accepted cases to a handler; breached time limits climb one
level at a time (community → subdistrict → district) and tell the people there."""

from datetime import time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from linli.accounts.models import RoleGrant
from linli.cases import selectors, services
from linli.cases.choices import Stage
from linli.cases.models import Case, CaseEscalation, Category, RoutingRule, RoutingTarget
from linli.core.permissions import Role
from linli.notifications.models import Delivery, Notification
from linli.registry import services as registry
from linli.testing.cases import report, through
from linli.testing.indicators import table

pytestmark = pytest.mark.usefixtures("english")

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def rule(world, **fields) -> RoutingRule:
    defaults = {
        "name": "井盖 → 网格员",
        "region": world.district,
        "target": RoutingTarget.GRID_WORKER,
    }
    return RoutingRule.objects.create(**(defaults | fields))


def accepted(world, category) -> Case:
    return services.case_accept(case=report(world, category), by=world.worker_a)


def test_it_dispatches_to_the_grid_worker_when_a_rule_says_so(
    world, manhole, django_capture_on_commit_callbacks
):
    rule(world, category=manhole.parent)

    with django_capture_on_commit_callbacks(execute=True):
        case = accepted(world, manhole)

    assert (case.stage, case.assignee) == (Stage.DISPATCHED, world.grid_worker_a1)
    last = case.transitions.order_by("pk").last()
    assert (last.from_stage, last.to_stage, last.actor) == (Stage.ACCEPTED, Stage.DISPATCHED, None)
    assert "井盖 → 网格员" in last.note
    assert (
        Notification.objects.filter(user=world.grid_worker_a1, kind="case-dispatched").count() == 1
    )


def test_it_leaves_the_case_accepted_when_no_rule_applies(world, manhole):
    other = Category.objects.get(code="illegal-posting")
    rule(world, category=other)

    case = accepted(world, manhole)

    assert (case.stage, case.assignee) == (Stage.ACCEPTED, None)


def test_the_most_specific_rule_wins(world, manhole):
    handler = world.person("zhujian", Role.DEPARTMENT_HANDLER, world.district.code)
    rule(world, name="district, any category", target=RoutingTarget.HANDLER, handler=handler)
    rule(world, name="community, parent category", region=world.a, category=manhole.parent)
    rule(
        world,
        name="district, exact category",
        target=RoutingTarget.HANDLER,
        handler=handler,
        category=manhole,
    )

    case = accepted(world, manhole)

    assert case.assignee == world.grid_worker_a1  # the deeper region beats the exact category
    assert "community, parent category" in case.transitions.order_by("pk").last().note


def test_a_rule_whose_handler_may_not_handle_there_is_passed_over(world, manhole):
    rule(world, target=RoutingTarget.HANDLER, handler=world.worker_b, region=world.a)  # B's worker
    rule(world, name="fallback", region=world.district)

    case = accepted(world, manhole)

    assert case.assignee == world.grid_worker_a1


def test_rules_with_hours_apply_only_then(world, manhole):
    night = world.person("zhiban", Role.DEPARTMENT_HANDLER, world.district.code)
    rule(world, name="day: the grid worker")
    rule(
        world,
        name="night duty",
        region=world.a,
        target=RoutingTarget.HANDLER,
        handler=night,
        starts_at=time(17, 30),
        ends_at=time(8, 30),
    )
    case = report(world, manhole)

    def handler_at(hour: int):
        moment = timezone.localtime().replace(hour=hour, minute=0)
        return selectors.route_for(case, moment)[0]

    assert [handler_at(h) for h in (7, 9, 17, 18, 23)] == [
        night,
        world.grid_worker_a1,
        world.grid_worker_a1,
        night,
        night,
    ]


def test_the_least_busy_grid_worker_gets_it(world, manhole):
    second = world.person("grid.a1.2", Role.GRID_WORKER, world.a1.code)
    rule(world)

    first_case = accepted(world, manhole)
    second_case = accepted(world, manhole)

    assert {first_case.assignee, second_case.assignee} == {world.grid_worker_a1, second}


def overdue(case: Case, hours: float) -> Case:
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - timedelta(hours=hours))
    return Case.objects.get(pk=case.pk)


def test_a_breach_climbs_one_level_per_time_limit(
    world, manhole, django_capture_on_commit_callbacks
):
    case = report(world, manhole)  # reported: 2 h to accept
    Category.objects.filter(pk=manhole.pk).update(working_hours=False)
    overdue(case, 0.5)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.cases_escalate() == 1
        assert services.cases_escalate() == 0  # nothing new: run again, nobody told twice
    first = CaseEscalation.objects.get()
    assert (first.level, first.region, first.stage, first.notified) == (
        1,
        world.a,
        Stage.REPORTED,
        1,
    )
    told = Notification.objects.filter(kind="case-overdue")
    assert [n.user for n in told] == [world.worker_a]
    assert case.code in told.get().title

    overdue(case, 4.5)  # two further limits passed: subdistrict, then district
    with django_capture_on_commit_callbacks(execute=True):
        assert services.cases_escalate() == 2
    levels = list(CaseEscalation.objects.order_by("level").values_list("level", "region"))
    assert levels == [(1, world.a.pk), (2, world.subdistrict.pk), (3, world.district.pk)]
    told = set(
        Notification.objects.filter(kind="case-overdue").values_list("user__username", flat=True)
    )
    assert told == {"worker.a", "sichoulu", "district"}
    assert Case.objects.get(pk=case.pk).escalation_level == 3


def test_a_stage_change_starts_over(world, manhole):
    case = overdue(report(world, manhole), 1)
    services.cases_escalate()

    case = services.case_accept(case=case, by=world.worker_a)

    assert (case.stage, case.escalation_level) == (Stage.ACCEPTED, 0)
    assert services.cases_escalate() == 0  # the new stage is on time


def test_handling_keeps_the_dispatch_breach(world, manhole):
    case = through(report(world, manhole), world, Stage.DISPATCHED)
    overdue(case, 1)
    services.cases_escalate()

    case = services.case_start(case=case, by=world.grid_worker_a1)

    assert case.escalation_level == 1  # the handling clock runs on: so does its breach


def test_notifications_go_out_by_email_after_commit(
    world, manhole, settings, django_capture_on_commit_callbacks
):
    settings.TASKS, settings.LINLI_NOTIFY_SENDERS = IMMEDIATE, ["email"]
    world.grid_worker_a1.email = "grid.a1@example.org"
    world.grid_worker_a1.save()
    case = accepted(world, manhole)

    with django_capture_on_commit_callbacks(execute=True):
        services.case_dispatch(case=case, to=world.grid_worker_a1, by=world.worker_a)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["grid.a1@example.org"]
    assert case.code in mail.outbox[0].subject
    assert f"/cases/{case.pk}/" in mail.outbox[0].body
    assert Delivery.objects.get().status == Delivery.Status.SENT


def test_someone_without_an_email_address_is_skipped(
    world, manhole, settings, django_capture_on_commit_callbacks
):
    settings.TASKS, settings.LINLI_NOTIFY_SENDERS = IMMEDIATE, ["email"]
    case = accepted(world, manhole)

    with django_capture_on_commit_callbacks(execute=True):
        services.case_dispatch(case=case, to=world.grid_worker_a1, by=world.worker_a)

    assert mail.outbox == []
    assert Delivery.objects.get().status == Delivery.Status.SKIPPED


@pytest.fixture
def property_company(world):
    """A property company of community A with two handlers acting for it."""
    company = registry.organisation_create(
        grid=world.a1, name="车站物业服务有限公司", kind="property", address="车站街1号", by=None
    )
    people = []
    for username in ("wuye.li", "wuye.wang"):
        person = world.person(username, Role.DEPARTMENT_HANDLER, world.a.code)
        (grant,) = RoleGrant.objects.filter(user=person)
        registry.affiliation_set(grant=grant, organisation=company, by=None)
        people.append(person)
    return company, people


def test_a_rule_to_an_organisation_gives_the_case_to_its_least_busy_handler(
    world, manhole, property_company
):
    company, (li, wang) = property_company
    services.routing_rule_create(
        by=world.subdistrict_admin,
        name="井盖 → 物业",
        region=world.a,
        target=RoutingTarget.ORGANISATION,
        organisation=company,
        category=manhole,
    )
    first, second = accepted(world, manhole), accepted(world, manhole)
    assert {first.assignee, second.assignee} == {li, wang}  # one each: the least busy
    assert "井盖 → 物业" in first.transitions.order_by("pk").last().note


def test_a_rule_to_an_organisation_needs_someone_acting_for_it_there(world, manhole):
    nobody = registry.organisation_create(
        grid=world.a1, name="无人物业", kind="property", address="车站街2号", by=None
    )
    with pytest.raises(ValidationError, match="Nobody acting for 无人物业"):
        services.routing_rule_create(
            by=world.subdistrict_admin,
            name="井盖 → 无人物业",
            region=world.a,
            target=RoutingTarget.ORGANISATION,
            organisation=nobody,
        )
    with pytest.raises(ValidationError, match="organisation"):
        services.routing_rule_create(
            by=world.subdistrict_admin,
            name="缺组织",
            region=world.a,
            target=RoutingTarget.ORGANISATION,
        )
    assert not RoutingRule.objects.exists()


def test_kpis_add_up_per_organisation_its_handlers_act_for(world, manhole, property_company):
    company, (li, wang) = property_company
    for person in (li, wang):
        case = services.case_accept(case=report(world, manhole), by=world.worker_a)
        case = services.case_dispatch(case=case, to=person, by=world.worker_a)
        services.case_finish(case=case, by=person, note="已更换井盖")
    rows = table(world.district_admin, "organisation").values()
    assert [(r.name, r.handled, r.dispatches) for r in rows] == [(company.name, 2, 2)]


@pytest.fixture
def owned_origin(monkeypatch, world, property_company):
    """An origin kind whose objects name their owner (as a device names its owner):
    here a building of grid A1, owned by the property company."""
    from linli.cases import origins
    from linli.registry.models import Building
    from linli.testing.registry import place

    company, _people = property_company
    monkeypatch.setattr(origins, "_kinds", dict(origins._kinds))
    origins.register(origins.OriginKind(Building, "Building", owner=lambda b: company))
    return place(world.a1).building


def test_a_rule_to_the_owner_gives_the_case_to_the_owners_least_busy_handler(
    world, manhole, property_company, owned_origin
):
    _company, people = property_company
    rule(world, name="井盖 → 网格员", region=world.a)
    rule(world, name="井盖 → 产权单位", region=world.a1, target=RoutingTarget.OWNER)

    case = services.case_accept(
        case=report(world, manhole, by=None, source="hotline", origin=owned_origin),
        by=world.worker_a,
    )

    assert case.stage == Stage.DISPATCHED and case.assignee in people
    assert "井盖 → 产权单位" in case.transitions.order_by("pk").last().note


def test_a_case_whose_origin_names_no_owner_passes_the_owner_rule_over(world, manhole):
    rule(world, name="井盖 → 网格员", region=world.a)
    rule(world, name="井盖 → 产权单位", region=world.a1, target=RoutingTarget.OWNER)

    case = accepted(world, manhole)  # raised by nothing

    assert case.assignee == world.grid_worker_a1


def test_a_rule_to_the_owner_names_neither_handler_nor_organisation(world):
    named = RoutingRule(
        name="x", region=world.a, target=RoutingTarget.OWNER, handler=world.grid_worker_a1
    )

    with pytest.raises(ValidationError):
        named.full_clean()
    RoutingRule(name="x", region=world.a, target=RoutingTarget.OWNER).full_clean()


def test_cases_of_an_origin_kind_that_is_not_public_are_not_public(world, manhole, monkeypatch):
    from linli.cases import origins
    from linli.registry.models import Building
    from linli.testing.registry import place

    monkeypatch.setattr(origins, "_kinds", dict(origins._kinds))
    origins.register(origins.OriginKind(Building, "Building", public=False))
    home = place(world.a1).building
    private = report(world, manhole, by=None, source="hotline", origin=home)
    plain = report(world, manhole)

    assert list(Case.objects.public().filter(pk__in=[private.pk, plain.pk])) == [plain]
