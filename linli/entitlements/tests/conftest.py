import pytest
from django.conf import settings as django_settings
from django.utils import translation

from linli.testing.entitlements import kinds as seed_kinds
from linli.testing.entitlements import rules
from linli.testing.http import english_client  # noqa: F401 — the client fixture


@pytest.fixture(autouse=True)
def default_language():
    with translation.override(django_settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def kinds(world):
    found = seed_kinds()
    rules(world.district)
    return found
