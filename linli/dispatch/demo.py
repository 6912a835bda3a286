"""The dispatch centre's demo for 车站社区: its grid worker and a home-care station's
two care workers as responders (on duty, placed near the community), two alarm calls
in progress on the board (a red-button press: answered, a care worker on the way; a
motion sensor silent for 12 hours: waiting), yesterday's call closed with its return
visit due today, and this week's care calls to the elders living alone."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.management.base import OutputWrapper
from django.utils import timezone

from linli.accounts.demo import DEMO_PASSWORD
from linli.accounts.models import User
from linli.accounts.services import user_create
from linli.core.permissions import Role
from linli.devices.models import AlarmType, Device
from linli.devices.services import alarm_raise
from linli.dispatch import services
from linli.dispatch.choices import CARE_EVERY_DAYS, ResponderKind
from linli.dispatch.models import Call, CallStep, ReturnVisit
from linli.regions.models import Region
from linli.registry.choices import OrganisationType
from linli.registry.models import Affiliation, Organisation

COMMUNITY = "370306001001"  # 车站社区
CARE_WORKERS = [("chezhan.hg1", "马春燕", "13805330021"), ("chezhan.hg2", "高志刚", "13805330022")]


def _responders(community: Region, grid: Region) -> list[Any]:
    made = []
    for user in User.objects.filter(
        grants__role=Role.GRID_WORKER, grants__region__parent=community, grants__revoked_at=None
    ).distinct():
        grant = user.grants.filter(role=Role.GRID_WORKER).select_related("region").first()
        assert grant is not None
        made.append(
            services.responder_register(
                user=user, region=grant.region, kind=ResponderKind.GRID_WORKER, by=None
            )
        )
    station = Organisation.objects.filter(grid=grid, name="车站社区居家养老服务站").first()
    if station is None:
        station = Organisation.objects.create(
            grid=grid,
            name="车站社区居家养老服务站",
            kind=OrganisationType.SOCIAL,
            address="周村区正阳路12号",
            contact_name="马春燕",
            contact_phone="0533-6412345",
        )
    subdistrict = community.parent  # handlers are granted at a subdistrict
    assert subdistrict is not None
    for username, name, phone in CARE_WORKERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                username=username,
                full_name=name,
                phone=phone,
                password=DEMO_PASSWORD,
                role=Role.DEPARTMENT_HANDLER,
                region=subdistrict,
                by=None,
            )
        grant = user.grants.first()
        assert grant is not None
        Affiliation.objects.get_or_create(grant=grant, defaults={"organisation": station})
        made.append(
            services.responder_register(
                user=user, region=community, kind=ResponderKind.CARE_WORKER, by=None
            )
        )
    return made


def _backdate(call: Call, minutes: float, **moments: float) -> None:
    """The demo's calls happened a few minutes ago: their times and log moved back."""
    now = timezone.now()
    fields = {name: now - timedelta(minutes=m) for name, m in moments.items()}
    Call.objects.filter(pk=call.pk).update(raised_at=now - timedelta(minutes=minutes), **fields)
    steps = {
        "raised": minutes,
        "answered": moments.get("answered_at"),
        "sent": moments.get("sent_at"),
        "arrived": moments.get("arrived_at"),
        "closed": moments.get("closed_at"),
    }
    for step, ago in steps.items():
        if ago is not None:
            CallStep.objects.filter(call=call, step=step).update(at=now - timedelta(minutes=ago))


def seed(stdout: OutputWrapper, **_options: Any) -> None:
    if Call.objects.exists():
        stdout.write("dispatch: demo calls already there")
        return
    community = Region.objects.filter(code=COMMUNITY).first()
    buttons = list(
        Device.objects.filter(profile__code="call-button", grid__parent__code=COMMUNITY)
        .exclude(house=None)
        .select_related("grid", "house__building")
        .order_by("pk")[:3]
    )
    motions = list(
        Device.objects.filter(profile__code="motion", grid__parent__code=COMMUNITY)
        .exclude(house=None)
        .order_by("-pk")[:1]
    )
    worker = User.objects.filter(username="chezhan").first()
    if community is None or not buttons or not motions or worker is None:
        stdout.write("dispatch: no demo call buttons in 车站社区, nothing to seed")
        return
    grid = buttons[0].grid
    responders = _responders(community, grid)
    for n, responder in enumerate(responders):
        building = buttons[n % len(buttons)].house
        assert building is not None
        point = building.building
        lon = (point.longitude or Decimal("117.8700")) + Decimal("0.0015") * (n + 1)
        lat = (point.latitude or Decimal("36.8000")) - Decimal("0.0010") * (n + 1)
        services.responder_update(
            responder=responder, on_duty=True, longitude=lon, latitude=lat, by=None
        )
    now = timezone.now()

    def raise_(device: Device, code: str, minutes: float) -> Call:
        alarm, _new = alarm_raise(
            device=device,
            alarm_type=AlarmType.objects.get(code=code),
            severity="critical" if code == "elder-emergency" else "major",
            at=now - timedelta(minutes=minutes),
        )
        call = services.call_from_alarm(alarm=alarm)
        assert call is not None
        return call

    # Yesterday: a green-button request, a care worker sent; the return visit is due.
    past = raise_(buttons[-1], "elder-service", 60 * 24)
    past = services.call_answer(call=past, note="老人说头晕，想要人来看看", by=worker)
    past = services.call_send(call=past, by=worker)
    past = services.call_arrive(call=past, by=worker)
    past = services.call_close(
        call=past, outcome="provider_sent", note="测量血压正常，已嘱咐休息", by=worker
    )
    _backdate(past, 1440, answered_at=1439, sent_at=1437, arrived_at=1424, closed_at=1405)
    ReturnVisit.objects.filter(call=past).update(due_on=timezone.localdate())
    # Now: a press answered with a care worker on the way; a silent home waiting.
    pressed = raise_(buttons[0], "elder-emergency", 6)
    pressed = services.call_answer(call=pressed, note="老人摔倒在卫生间，意识清楚", by=worker)
    services.call_contact(call=pressed, note="已联系女儿，二十分钟后到", by=worker)
    services.call_send(call=pressed, by=worker)
    _backdate(pressed, 6, answered_at=5.5, sent_at=4)
    silent = raise_(motions[0], "no-activity", 2)
    _backdate(silent, 2)
    care = services.care_calls_due(today=timezone.localdate(), every_days=CARE_EVERY_DAYS)
    stdout.write(
        f"dispatch: {len(responders)} responders, 2 calls in progress in 车站社区, "
        f"1 return visit due, {care} care calls"
    )
