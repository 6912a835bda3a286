"""The demo devices: placed as a community has them, their tokens in a private file,
history for the charts, alarms in all four states and one whose case went the whole
way; idempotent."""

import io
import stat

import pytest
from django.db.models import Count

from linli.accounts import demo as accounts_demo
from linli.cases.choices import Stage
from linli.cases.models import Case, RoutingRule, RoutingTarget
from linli.devices import demo
from linli.devices.choices import AlarmState
from linli.devices.models import (
    Alarm,
    Device,
    DeviceDay,
    HourlyAggregate,
    LatestValue,
    NotificationRule,
)
from linli.devices.tokens import token_digest
from linli.regions import demo as regions_demo
from linli.regions.models import Region
from linli.registry import demo as registry_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.DATA_DIR = tmp_path
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        regions_demo.seed(out)
        accounts_demo.seed(out)
        registry_demo.seed(out, residents=1500)
        RoutingRule.objects.create(  # the cases demo's rule in 车站社区 (its 400 cases aside)
            name="车站社区事件 → 本网格网格员",
            region=Region.objects.get(code=demo.HOME),
            target=RoutingTarget.GRID_WORKER,
        )
        demo.seed(out)
    return out.getvalue()


def placed_as_a_community_has_them() -> None:
    kinds = dict(Device.objects.values_list("profile__code").annotate(n=Count("pk")))

    assert set(kinds) >= set(demo.PREFIX) - {"call-button", "motion"}  # elders: if any
    assert kinds.get("call-button") == kinds.get("motion")
    assert sum(kinds.values()) >= 200  # about 540 with the full registry demo
    home = Device.objects.filter(grid__path__startswith=demo.HOME)
    assert (
        home.filter(profile__code="electricity-meter", house__isnull=False).count()
        == (kinds["electricity-meter"])
    )
    assert not Device.objects.filter(profile__code="smoke", building__isnull=True).exists()
    assert Device.objects.filter(owner__kind="property").count() > 100


def tokens_private_and_working() -> None:
    path = demo.tokens_path()
    lines = [line.split("\t") for line in path.read_text("utf-8").splitlines()]

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(lines) == Device.objects.count()
    key, token, profile = lines[0]
    device = Device.objects.get(key=key)
    assert device.token_hash == token_digest(token) and device.profile.code == profile


def history_for_charts_and_health() -> None:
    assert LatestValue.objects.values("device").distinct().count() == Device.objects.count()
    assert HourlyAggregate.objects.values("hour").distinct().count() == demo.HISTORY_HOURS
    assert DeviceDay.objects.values("day").distinct().count() == demo.SNAPSHOT_DAYS
    assert Device.objects.filter(online=False).exists()


def alarms_in_every_state_and_a_case_closed() -> None:
    states = {alarm.state for alarm in Alarm.objects.all()}
    assert states == set(AlarmState)
    case = Case.objects.get(origin_type="devices.alarm")
    assert (case.stage, case.source) == (Stage.CLOSED, "alarm")
    assert case.assignee is not None and case.assignee.username == "chezhan.wg1"
    alarm = Alarm.objects.get(pk=case.origin_id)
    assert alarm.state == AlarmState.CLEARED_ACK and alarm.cleared_at == case.closed_at
    last = alarm.changes.last()
    assert "火灾报警" in case.description and last is not None and case.code in last.note
    moves = [t.at for t in case.transitions.order_by("pk")]
    assert moves == sorted(moves) and moves[0] == alarm.started_at == case.created_at


def test_the_demo_devices_their_tokens_history_and_alarms(seeded):
    placed_as_a_community_has_them()
    tokens_private_and_working()
    history_for_charts_and_health()
    alarms_in_every_state_and_a_case_closed()


def test_a_second_run_adds_nothing(seeded):
    counts = (Device.objects.count(), Alarm.objects.count(), NotificationRule.objects.count())
    out = io.StringIO()

    demo.seed(out)

    assert "already there" in out.getvalue()
    assert counts == (
        Device.objects.count(),
        Alarm.objects.count(),
        NotificationRule.objects.count(),
    )
