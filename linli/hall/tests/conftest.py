import pytest
from django.conf import settings as django_settings
from django.utils import translation

from linli.testing.hall import seed_catalogue


@pytest.fixture(autouse=True)
def default_language():
    with translation.override(django_settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def matters(world):
    return seed_catalogue(world.district, world.subdistrict)
