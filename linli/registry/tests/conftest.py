import pytest
from django.utils import translation


@pytest.fixture
def english():
    """Service messages in English (the default language is zh-hans)."""
    with translation.override("en"):
        yield
