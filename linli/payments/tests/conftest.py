import pytest
from django.conf import settings as django_settings
from django.utils import translation

from linli.payments import payables
from linli.testing import payments as support


@pytest.fixture(autouse=True)
def default_language():
    with translation.override(django_settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def test_kind():
    """The test payable kind, fresh for each test."""
    support.FEES.clear()
    support.PAID.clear()
    support.REFUNDED.clear()
    support.EXPIRED.clear()
    payables.register(support.TEST_FEE)
    yield
    payables.unregister(support.KIND)


@pytest.fixture
def resident_b(world):
    from linli.core.permissions import Role

    return world.person("resident.b", Role.RESIDENT, world.b.code)


@pytest.fixture
def fee_b(world, resident_b):
    """A 128.50 yuan fee of community B that resident B pays."""
    return support.fee("B-2026-001", world.b, 12850, payer=resident_b)
