import pytest

from linli.devices import storage
from linli.devices.ingestion import forget_configuration, limiter
from linli.devices.models import Device
from linli.devices.tests.support import provision


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
