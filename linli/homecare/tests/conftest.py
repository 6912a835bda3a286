import pytest
from django.utils import translation

from linli.testing.homecare import setup


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def a(world):
    return setup(world)


@pytest.fixture
def b(world):
    return setup(world, grid=world.b1, community=world.b)
