from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone, translation

from linli.alerts.models import Place
from linli.alerts.services import alert_create, alert_issue, place_create
from linli.testing.http import english_client  # noqa: F401 (the English `client`)

DATA = Path(__file__).parent / "data"
SQUARE = {  # around grid A1 (given this boundary by the `bounded` fixture)
    "type": "Polygon",
    "coordinates": [
        [[117.86, 36.79], [117.88, 36.79], [117.88, 36.81], [117.86, 36.81], [117.86, 36.79]]
    ],
}
STORM = {
    "zh-CN": {
        "event": "暴雨黄色预警",
        "headline": "车站社区暴雨黄色预警",
        "description": "预计6小时内降雨量将达50毫米以上。",
        "instruction": "请前往车站广场避难场所。",
    },
    "en-US": {
        "event": "Rainstorm Yellow Warning",
        "headline": "Rainstorm warning",
        "description": "",
        "instruction": "",
    },
}


@pytest.fixture(autouse=True)
def english_messages():
    """Services' messages in English, so assertions read the source strings (the
    Chinese is checked by core's i18n test and the screenshots)."""
    with translation.override("en"):
        yield


@pytest.fixture
def bounded(world):
    world.a1.boundary = {
        "type": "Polygon",
        "coordinates": [
            [
                [117.865, 36.795],
                [117.875, 36.795],
                [117.875, 36.805],
                [117.865, 36.805],
                [117.865, 36.795],
            ]
        ],
    }
    world.a1.save(update_fields=["boundary"])
    world.b1.boundary = {
        "type": "Polygon",
        "coordinates": [
            [
                [117.90, 36.795],
                [117.91, 36.795],
                [117.91, 36.805],
                [117.90, 36.805],
                [117.90, 36.795],
            ]
        ],
    }
    world.b1.save(update_fields=["boundary"])
    return world


@pytest.fixture
def shelter(world) -> Place:
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


def storm_draft(world, region=None, **facts):
    defaults = {
        "category": "Met",
        "urgency": "Expected",
        "severity": "Moderate",
        "certainty": "Likely",
        "expires": timezone.now() + timedelta(hours=6),
    }
    return alert_create(
        region=region or world.a, area_desc="车站社区", texts=STORM, by=None, **(defaults | facts)
    )


@pytest.fixture
def draft(world, shelter):
    alert = storm_draft(world)
    alert.places.set([shelter])
    return alert


@pytest.fixture
def issued(draft):
    return alert_issue(alert=draft, by=None)


def cap_document(name: str) -> bytes:
    return (DATA / name).read_bytes()
