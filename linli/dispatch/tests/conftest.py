from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.utils import timezone, translation

from linli.core.permissions import Role
from linli.devices.models import AlarmType, DeviceProfile
from linli.devices.services import alarm_raise, device_provision
from linli.dispatch.choices import ResponderKind
from linli.dispatch.services import responder_register, responder_update
from linli.registry import services as registry
from linli.registry.models import Affiliation
from linli.testing.registry import aged, move_in, place


@pytest.fixture(autouse=True)
def default_language():
    with translation.override(django_settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def home(world):
    """An elder (80) living alone at 1号楼 1-101 of grid A1, the building located."""
    spot = place(world.a1)
    spot.building.longitude, spot.building.latitude = Decimal("117.870000"), Decimal("36.800000")
    spot.building.save(update_fields=["longitude", "latitude"])
    elder = move_in(spot.household, name="王秀英", born=aged(80), sex="female", phone="13905330001")
    return spot, elder


def provision(world, profile: str, key: str, **fields):
    fields.setdefault("grid", world.a1)
    fields.setdefault("name", key)
    return device_provision(
        profile=DeviceProfile.objects.get(code=profile), key=key, by=None, **fields
    )[0]


@pytest.fixture
def button(world, home):
    spot, _elder = home
    return provision(world, "call-button", "YJ-0001", name="王秀英家一键呼叫", house=spot.house)


def press(device, capture, code="elder-emergency", severity="critical"):
    """The device raises the alarm; its events are delivered (case, then call)."""
    with capture(execute=True):
        alarm, _new = alarm_raise(
            device=device,
            alarm_type=AlarmType.objects.get(code=code),
            severity=severity,
            at=timezone.now(),
            details={"key": "emergency", "value": 1.0},
        )
    return alarm


def on_duty(responder, longitude: str, latitude: str):
    return responder_update(
        responder=responder,
        on_duty=True,
        longitude=Decimal(longitude),
        latitude=Decimal(latitude),
        by=None,
    )


@pytest.fixture
def provider(world):
    return registry.organisation_create(
        grid=world.a1, name="颐和居家养老服务中心", kind="social", address="正阳路10号", by=None
    )


def care_worker(world, organisation, username="care.li", full_name="李护工"):
    user = world.person(username, Role.DEPARTMENT_HANDLER, world.a.code, full_name=full_name)
    Affiliation.objects.create(grant=user.grants.get(), organisation=organisation)
    return user


@pytest.fixture
def responders(world, provider):
    """A1's grid worker on duty about 300 m from the home; a provider's care worker on
    duty about 100 m away; another care worker off duty at the door."""
    world.grid_worker_a1.full_name = "刘强"
    world.grid_worker_a1.save(update_fields=["full_name"])
    grid_worker = responder_register(
        user=world.grid_worker_a1, region=world.a1, kind=ResponderKind.GRID_WORKER, by=None
    )
    on_duty(grid_worker, "117.873300", "36.801000")
    near = responder_register(
        user=care_worker(world, provider), region=world.a, kind=ResponderKind.CARE_WORKER, by=None
    )
    on_duty(near, "117.871000", "36.800200")
    off = responder_register(
        user=care_worker(world, provider, "care.zhao", "赵护工"),
        region=world.a,
        kind=ResponderKind.CARE_WORKER,
        by=None,
    )
    responder_update(responder=off, on_duty=False, by=None)
    return {"grid_worker": grid_worker, "near": near, "off": off}
