from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone, translation

from linli.alerts.services import alert_create, alert_issue, place_create
from linli.notices import services as notices
from linli.notices.models import Topic
from linli.notices.services import topics_ensure_defaults
from linli.screens import channels, services
from linli.screens.models import Channel

STORM = {
    "zh-CN": {
        "event": "暴雨黄色预警",
        "headline": "车站社区暴雨黄色预警",
        "description": "预计6小时内降雨量将达50毫米以上。",
        "instruction": "请避开低洼地带，前往车站广场避难场所。",
    }
}


@pytest.fixture(autouse=True)
def default_language():
    """The deployment's language, whatever an earlier test left active in the thread."""
    with translation.override(django_settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def topics(db):
    """The notices' topics (made by migration; again after a transactional test's flush)."""
    topics_ensure_defaults()


def published(world, *, region=None, topic="community", title="停水通知", **fields):
    """A notice of community A (or `region`) published for everyone there."""
    notice = notices.notice_create(
        region=region or world.a,
        title=title,
        body=fields.pop("body", "<p>明日8时至12时停水。</p><p>请提前储水。</p>"),
        topic=Topic.objects.get(code=topic),
        by=world.worker_a if region in (None, world.a) else world.worker_b,
        **fields,
    )
    notices.notice_submit(notice=notice, by=notice.author)
    return notices.notice_approve(notice=notice, by=world.subdistrict_admin)


@pytest.fixture
def shelter(world):
    return place_create(
        region=world.a,
        name="车站广场避难场所",
        kind="shelter",
        address="车站街18号",
        capacity=1800,
        longitude=117.87,
        latitude=36.80,
        by=None,
    )


def storm(world, shelter=None, *, region=None, issue=True, **facts):
    """A rainstorm alert over community A (or `region`), issued."""
    defaults = {
        "category": "Met",
        "urgency": "Expected",
        "severity": "Moderate",
        "certainty": "Likely",
        "expires": timezone.now() + timedelta(hours=6),
    }
    alert = alert_create(
        region=region or world.a,
        area_desc="车站社区",
        texts=STORM,
        places=[shelter] if shelter else None,
        by=None,
        **(defaults | facts),
    )
    return alert_issue(alert=alert, by=None) if issue else alert


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
