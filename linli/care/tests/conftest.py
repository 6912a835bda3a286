import pytest
from django.conf import settings as django_settings
from django.utils import translation

from linli.testing.http import english_client  # noqa: F401  (the `client` in English)


@pytest.fixture(autouse=True)
def default_language():
    with translation.override(django_settings.LANGUAGE_CODE):
        yield
