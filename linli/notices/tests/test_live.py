"""The live channel of residents' notice pages: who follows it (residents only, at
their own place) and which messages reach them (about their region and those above
it — upward — never a sibling's); the data is an id."""

import pytest
from django.db import transaction
from django.test import RequestFactory

from linli.core import live
from linli.core.models import LiveMessage
from linli.notices.audience import LIVE_NOTICES
from linli.notices.tests.support import published

pytestmark = pytest.mark.django_db


def scope_of(user):
    request = RequestFactory().get("/live/stream")
    request.user = user
    return live.resolve(request, [LIVE_NOTICES])


def test_residents_follow_at_their_grid_and_hear_of_their_regions_and_above(world, homes):
    assert scope_of(world.resident_a) == {LIVE_NOTICES: [world.a1.path]}  # 王秀兰's grid
    assert scope_of(world.worker_a) is None  # staff: not this channel
    follower = live.Subscription(scope_of(world.resident_a))

    def hears(path: str) -> bool:
        return follower.wants(live.Message(1, LIVE_NOTICES, path, {"notice": 1}))

    assert hears(world.a.path) and hears(world.district.path) and hears(world.city.path)
    assert not hears(world.b.path) and not hears(world.other_subdistrict.path)


def test_publishing_sends_the_id_alone_and_staff_notices_nothing(world, homes):
    with transaction.atomic():
        notice = published(world, title="明日停电通知")
        published(world, title="网格员例会", roles=["grid_worker"])
    sent = list(LiveMessage.objects.filter(channel=LIVE_NOTICES).values("path", "data"))
    assert sent == [{"path": world.a.path, "data": {"notice": notice.pk}}]
