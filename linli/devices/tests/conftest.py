import pytest
from django.conf import settings as django_settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from linli.devices import storage
from linli.devices.ingestion import forget_configuration, limiter
from linli.devices.models import Device
from linli.devices.tests.support import provision


@pytest.fixture(autouse=True)
def alarm_page(settings):
    """The alarm page's URL: the console's own once it exists, else a stand-in."""
    try:
        reverse("devices:alarm-detail", args=[1])
    except NoReverseMatch:
        settings.ROOT_URLCONF = "linli.devices.tests.urls"


@pytest.fixture(autouse=True)
def default_language():
    """The deployment's language, whatever an earlier test left active in the thread
    (the API's schemathesis run ends in English)."""
    with translation.override(django_settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def fresh_caches():
    """Each test starts with no process state: rate buckets, cached keys and rules,
    partitions known (a test's partitions are rolled back with it)."""
    limiter.reset()
    forget_configuration()
    yield
    storage.partitions_forget()
    forget_configuration()


@pytest.fixture
def sensor(world) -> Device:
    return provision(world, "temp-humidity", "WSD-0001", name="配电房温湿度")
