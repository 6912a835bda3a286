import base64

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from linli.certificates import kinds
from linli.certificates.services import certificate_issue
from linli.core.permissions import Role
from linli.testing.registry import move_in, phone, place

KEY_ONE = "t1:" + base64.b64encode(bytes(range(32))).decode()
KEY_TWO = "t2:" + base64.b64encode(bytes(range(32, 64))).decode()


@pytest.fixture(autouse=True)
def default_language():
    with translation.override(django_settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def signing_keys(settings):
    settings.LINLI_CERT_SIGNING_KEYS = KEY_ONE
    return settings


@pytest.fixture
def holder(world):
    """张建国 of grid A1, with a resident's account on his mobile number."""
    kinds.ensure()  # gone if an earlier transactional test flushed the database
    home = place(world.a1)
    number = phone(7)
    resident = move_in(home.household, name="张建国", phone=number)
    world.person("zhang", Role.RESIDENT, world.a.code, phone=number)
    return resident


@pytest.fixture
def other(world):
    """李秀英 of grid B1."""
    return move_in(place(world.b1).household, name="李秀英", sex="female")


def residence(holder, by=None, **extra):
    return certificate_issue(
        kind="residence",
        holder=holder,
        fields={
            "id_number": holder.id_number,
            "address": "周村区正阳路8号1号楼1-101",
            "since": "2015-03-01",
            "purpose": "子女入学",
        },
        by=by,
        **extra,
    )
