"""The demo alerts (issue 14 part 8): a 暴雨黄色预警 in force over 车站社区, an expired and
a cancelled one; seeding twice adds nothing."""

import io

import pytest

from linli.alerts import demo, selectors
from linli.alerts.choices import State
from linli.alerts.models import Alert
from linli.regions import demo as regions_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_active_an_expired_and_a_cancelled_alert():
    out = io.StringIO()
    regions_demo.seed(out)
    demo.seed(out)
    demo.seed(out)  # again: nothing more
    states = {a.headline: a.state for a in Alert.objects.filter(msg_type="Alert")}
    assert states == {
        "周村区气象台发布大风蓝色预警信号": State.CANCELLED,
        "周村区气象台发布暴雨黄色预警信号": State.ISSUED,
        "周村区气象台发布道路结冰黄色预警信号": State.EXPIRED,
    }
    frost = Alert.objects.get(state=State.EXPIRED)
    assert frost.expires < frost.ended_at and frost.sent < frost.expires
    in_force = selectors.feed_alerts()
    assert [a.state for a in in_force] == [State.ISSUED]  # the feed: the active one only
