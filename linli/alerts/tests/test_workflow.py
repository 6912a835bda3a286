"""The workflow: issue, update, cancel, expire, with its log; residents of the area hear
of it once, through the notification channels; the event screens take over from; the
selector of alerts in force over a region or at a point."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.alerts.choices import State
from linli.alerts.models import Alert
from linli.alerts.selectors import active_alerts
from linli.alerts.services import alert_cancel, alert_edit, alert_issue, alert_update, alerts_expire
from linli.alerts.subscribers import KIND
from linli.alerts.tests.conftest import SQUARE, STORM, storm_draft
from linli.core.models import PublishedEvent
from linli.core.permissions import Role
from linli.notifications.models import Notification

pytestmark = pytest.mark.django_db


def facts(**more):
    return {
        "category": "Met",
        "urgency": "Immediate",
        "severity": "Severe",
        "certainty": "Observed",
    } | more


def test_issuing_tells_the_residents_of_the_area_once(
    world, draft, django_capture_on_commit_callbacks
):
    world.person("resident.b", Role.RESIDENT, world.b.code)
    with django_capture_on_commit_callbacks(execute=True):
        alert_issue(alert=draft, by=world.subdistrict_admin)
    told = Notification.objects.filter(kind=KIND)
    assert [n.user for n in told] == [world.resident_a]  # not B's resident
    assert told[0].title == "车站社区暴雨黄色预警" and told[0].url == f"/cap/alerts/{draft.pk}/"
    event = PublishedEvent.objects.get(name="alert.issued")
    assert event.payload == {"alert_id": draft.pk, "region_path": world.a.path}

    from linli.alerts.events import AlertIssued
    from linli.alerts.subscribers import tell_the_area

    tell_the_area(AlertIssued(alert_id=draft.pk, region_path=world.a.path))  # delivered again
    assert Notification.objects.filter(kind=KIND).count() == 1


def test_an_update_supersedes_and_a_cancel_ends(
    world, issued, shelter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        update = alert_update(
            alert=issued,
            region=world.a,
            area_desc="车站社区",
            texts=STORM,
            places=[shelter],
            note="升级为橙色",
            by=world.subdistrict_admin,
            **facts(expires=issued.expires),
        )
    issued.refresh_from_db()
    assert issued.state == State.SUPERSEDED and update.state == State.ISSUED
    assert [c.to_state for c in issued.changes.all()] == ["draft", "issued", "superseded"]
    with pytest.raises(ValidationError):
        alert_cancel(alert=issued, note="x", by=None)  # superseded: not in force
    with django_capture_on_commit_callbacks(execute=True):
        cancel = alert_cancel(alert=update, note="降雨结束", by=world.subdistrict_admin)
    update.refresh_from_db()
    assert update.state == State.CANCELLED and cancel.replaces == update
    names = list(PublishedEvent.objects.order_by("pk").values_list("name", flat=True))
    assert names == ["alert.issued", "alert.updated", "alert.cancelled"]
    assert (
        Notification.objects.filter(kind=KIND, user=world.resident_a).count() == 2
    )  # update, cancel
    assert active_alerts(path=world.a1.path) == []


def test_only_drafts_change_and_issue_and_bad_input_saves_nothing(world, draft, issued):
    with pytest.raises(ValidationError):
        alert_issue(alert=issued, by=None)
    with pytest.raises(ValidationError):
        alert_edit(alert=issued, region=world.a, area_desc="", texts=STORM, by=None, **facts())
    other = storm_draft(world)
    with pytest.raises(ValidationError) as caught:
        alert_edit(
            alert=other,
            region=world.a,
            area_desc="",
            texts={"zh-CN": {"event": ""}},
            by=None,
            **facts(),
        )
    assert "event" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        alert_edit(
            alert=other,
            region=world.a,
            area_desc="",
            texts=STORM,
            polygon={"type": "Point"},
            by=None,
            **facts(),
        )
    assert "polygon" in caught.value.message_dict
    now = timezone.now()
    with pytest.raises(ValidationError) as caught:
        storm_draft(world, effective=now, expires=now - timedelta(hours=1))
    assert "expires" in caught.value.message_dict
    count = Alert.objects.count()
    with pytest.raises(ValidationError):
        storm_draft(world, region=world.city)  # outside the district
    with pytest.raises(ValidationError) as caught:
        alert_edit(
            alert=other, region=world.b, area_desc="", texts=STORM, by=world.worker_a, **facts()
        )
    assert caught.value.message_dict == {"region": ["Unknown region."]}
    with pytest.raises(PermissionDenied):
        alert_issue(alert=other, by=world.worker_a)  # community workers write, admins issue
    assert Alert.objects.count() == count


def test_alerts_expire_by_time(world, issued):
    assert alerts_expire() == 0
    assert alerts_expire(now=issued.expires + timedelta(seconds=1)) == 1
    issued.refresh_from_db()
    assert issued.state == State.EXPIRED and issued.changes.last().to_state == State.EXPIRED


def test_the_alerts_in_force_over_a_region_or_at_a_point(bounded, issued):
    world = bounded
    whole = alert_issue(
        alert=storm_draft(world, region=world.district, severity="Extreme"), by=None
    )
    part = storm_draft(world, region=world.a)
    alert_edit(
        alert=part,
        region=world.a,
        area_desc="西",
        texts=STORM,
        polygon=SQUARE,
        by=None,
        **facts(expires=issued.expires),
    )
    alert_issue(alert=part, by=None)
    assert active_alerts(path=world.a1.path) == [whole, part, issued]  # gravest first
    assert active_alerts(path=world.b1.path) == [whole]
    assert active_alerts(longitude=117.87, latitude=36.80) == [whole, part, issued]
    assert active_alerts(longitude=117.905, latitude=36.80) == [whole]
    assert active_alerts(longitude=100.0, latitude=30.0) == []


def test_a_polygon_outside_the_region_is_refused(bounded):
    far = {
        "type": "Polygon",
        "coordinates": [[[118.5, 37.5], [118.6, 37.5], [118.6, 37.6], [118.5, 37.5]]],
    }
    with pytest.raises(ValidationError) as caught:
        storm_draft(bounded, polygon=far)
    assert caught.value.message_dict == {"polygon": ["The polygon lies outside the area's region."]}
    assert not Alert.objects.exists()
