import pytest
from django.conf import settings as django_settings
from django.utils import translation

from linli.testing.appointments import centre_with_windows
from linli.testing.http import english_client  # noqa: F401


@pytest.fixture(autouse=True)
def default_language():
    with translation.override(django_settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def hall(world):
    """Community A's centre with two windows, and B's centre (outsiders' test)."""
    centre, queues, windows = centre_with_windows(world.a)
    other, other_queues, other_windows = centre_with_windows(world.b, name="市南服务中心")
    return type(
        "Hall",
        (),
        {
            "centre": centre,
            "queues": queues,
            "windows": windows,
            "other": other,
            "other_queues": other_queues,
            "other_windows": other_windows,
        },
    )
