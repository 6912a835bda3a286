"""Notification rules: who hears of an alarm (roles whose grant covers the device,
matching severities), through which channels; the default when no rule applies; and
the checks of a rule's lists."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from linli.devices.models import AlarmType, Device, DeviceProfile, NotificationRule
from linli.devices.notices import notification_rule_check
from linli.devices.services import alarm_raise, device_provision
from linli.notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


class Texts:
    """An SMS backend that keeps what it was asked to send."""

    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        Texts.sent.append((phone, text))


@pytest.fixture
def gas(world) -> Device:
    device, _token = device_provision(
        grid=world.a1,
        profile=DeviceProfile.objects.get(code="gas"),
        key="RQ-0101",
        name="1号楼101厨房燃气探测器",
        by=None,
    )
    return device


def raise_(device, capture, severity="critical", code="gas"):
    with capture(execute=True):
        alarm, _new = alarm_raise(
            device=device,
            alarm_type=AlarmType.objects.get(code=code),
            severity=severity,
            at=timezone.now(),
        )
    return alarm


def heard(kind="alarm-raised") -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


def test_without_a_rule_the_grids_workers_hear_of_grave_alarms(
    world, gas, django_capture_on_commit_callbacks
):
    raise_(gas, django_capture_on_commit_callbacks)

    assert heard() == {"grid.a1", "worker.a"}  # not B's worker, not the admins
    note = Notification.objects.filter(kind="alarm-raised").first()
    assert "可燃气体报警" in note.title and "RQ-0101" in note.title and "车站社区" in note.title
    assert "厨房" not in note.title  # the device's name (it may name a home) stays inside
    assert note.url.endswith(f"/devices/alarms/{gas.alarms.get().pk}/")


def test_without_a_rule_minor_alarms_are_heard_on_their_page_only(
    world, gas, django_capture_on_commit_callbacks
):
    raise_(gas, django_capture_on_commit_callbacks, severity="warning", code="low-battery")

    assert heard() == set()


def test_a_rule_names_roles_severities_and_channels(
    world, gas, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    settings.LINLI_NOTIFY_SENDERS = ["email", "sms"]
    settings.LINLI_SMS_BACKEND = f"{__name__}.Texts"
    Texts.sent = []
    NotificationRule.objects.create(
        region=world.subdistrict,
        roles=["community_worker", "subdistrict_admin"],
        severities=["critical"],
        channels=["console", "sms"],
    )

    raise_(gas, django_capture_on_commit_callbacks)

    # The rule replaces the default (no grid worker); B's worker is not above the device.
    assert heard() == {"worker.a", "sichoulu"}
    assert [phone for phone, _text in Texts.sent] == ["13805330004"]  # 张丽's; 丝绸路's has none
    assert "可燃气体报警" in Texts.sent[0][1]
    assert not Delivery.objects.filter(sender="email").exists()  # the rule names no email
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent", "skipped"}


def test_rules_add_up_and_each_person_hears_once(world, gas, django_capture_on_commit_callbacks):
    for region in (world.district, world.a):
        NotificationRule.objects.create(
            region=region,
            roles=["community_worker", "grid_worker"],
            severities=["critical", "major"],
            channels=["console"],
        )
    NotificationRule.objects.create(  # B's rule: not about A's devices
        region=world.b, roles=["community_worker"], severities=["critical"], channels=["console"]
    )

    raise_(gas, django_capture_on_commit_callbacks)

    assert sorted(
        Notification.objects.filter(kind="alarm-raised").values_list("user__username", flat=True)
    ) == ["grid.a1", "worker.a"]


def test_a_severity_no_rule_names_is_heard_by_nobody(
    world, gas, django_capture_on_commit_callbacks
):
    NotificationRule.objects.create(
        region=world.a, roles=["community_worker"], severities=["critical"], channels=["console"]
    )

    raise_(gas, django_capture_on_commit_callbacks, severity="major")

    assert heard() == set()


def test_a_disabled_rule_is_as_none(world, gas, django_capture_on_commit_callbacks):
    NotificationRule.objects.create(
        region=world.a,
        roles=["subdistrict_admin"],
        severities=["critical"],
        channels=["console"],
        enabled=False,
    )

    raise_(gas, django_capture_on_commit_callbacks)

    assert heard() == {"grid.a1", "worker.a"}


def test_bad_lists_are_refused_each_by_its_field(world):
    rule = NotificationRule(
        region=world.a, roles=["mayor", "resident"], severities=["fatal"], channels=["pigeon"]
    )

    with pytest.raises(ValidationError) as refused:
        rule.full_clean()

    errors = refused.value.message_dict
    assert set(errors) == {"roles", "severities", "channels"}
    assert "mayor, resident" in errors["roles"][0]
    assert "fatal" in errors["severities"][0] and "pigeon" in errors["channels"][0]


def test_empty_or_shapeless_lists_are_refused(world):
    with pytest.raises(ValidationError) as refused:
        notification_rule_check(roles=[], severities="critical", channels=[])

    assert set(refused.value.message_dict) == {"roles", "severities", "channels"}


def test_good_lists_come_back_in_order_without_repeats(world):
    rule = NotificationRule(
        region=world.a,
        roles=["grid_worker", "community_worker", "grid_worker"],
        severities=["minor", "critical"],
        channels=["sms", "console"],
    )

    rule.full_clean()

    assert rule.roles == ["community_worker", "grid_worker"]
    assert (rule.severities, rule.channels) == (["critical", "minor"], ["console", "sms"])


def test_b_s_alarms_reach_b_s_people_only(world, django_capture_on_commit_callbacks):
    theirs, _token = device_provision(
        grid=world.b1,
        profile=DeviceProfile.objects.get(code="gas"),
        key="RQ-B1",
        name="市南燃气",
        by=None,
    )
    NotificationRule.objects.create(  # a district-wide rule: each hears of their own only
        region=world.district,
        roles=["community_worker", "grid_worker"],
        severities=["critical"],
        channels=["console"],
    )

    raise_(theirs, django_capture_on_commit_callbacks)

    assert heard() == {"worker.b"}  # not 车站社区's 张丽, nor A1's grid worker
