from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone, translation

from linli.screens import channels, services
from linli.screens.models import Channel


@pytest.fixture(autouse=True)
def default_language():
    """The deployment's language, whatever an earlier test left active in the thread."""
    with translation.override(django_settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def six(db):
    """The six channels (made by migration; again after a transactional test's flush)."""
    channels.ensure()
    return Channel.objects.order_by("number")


@pytest.fixture
def playlist(world):
    """车站社区's playlist: the weather, then the duty roster."""
    found = services.playlist_create(region=world.a, name="大厅循环", by=None)
    services.item_add(playlist=found, kind="weather", duration=10, title="今日天气", by=None)
    services.item_add(playlist=found, kind="roster", duration=10, title="网格员值守", by=None)
    return found


@pytest.fixture
def display(world, playlist):
    """A display screen in 车站社区 with its playlist, and its token."""
    return services.screen_register(
        kind="screen", name="东门广场大屏", region=world.a, playlist=playlist, by=None
    )


@pytest.fixture
def box(world):
    """A TV set-top box in 车站社区, and its token."""
    return services.screen_register(kind="tv", name="活动室电视", region=world.a, by=None)


@pytest.fixture
def forecast(world):
    today = timezone.localdate()
    return services.forecasts_set(
        region=world.district,
        rows=[
            services.ForecastRow(today, "多云转小雨", 3, 11, "东南风3级"),
            services.ForecastRow(today + timedelta(days=1), "晴", -1, 9),
        ],
        by=None,
    )
