"""Screens' services: registering with a token kept as its digest, rotation and
retirement audited, heartbeats (and a flood of them refused), playlists, channels,
forecasts — with bad input refused whole and scope checked."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.devices.tokens import token_digest
from linli.screens import selectors, services
from linli.screens.models import Forecast, PlaylistItem, Screen


def test_a_screen_is_registered_with_a_token_kept_as_its_digest(world, playlist):
    screen, token = services.screen_register(
        kind="screen", name=" 东门大屏 ", region=world.a, playlist=playlist, by=world.worker_a
    )
    assert screen.name == "东门大屏" and screen.token_hash == token_digest(token)
    assert token not in str(Screen.objects.filter(pk=screen.pk).values().get())
    assert selectors.screen_by_token(token) == screen
    entry = AuditEntry.objects.get(object_type="screens.screen", object_id=str(screen.pk))
    assert entry.action == "token_create" and entry.details == {"issued": "registered"}
    assert entry.region_path == world.a.path


def test_rotation_stops_the_old_token_and_is_audited(world, display):
    screen, old = display
    new = services.screen_token_rotate(screen=screen, by=world.worker_a)
    assert selectors.screen_by_token(old) is None
    assert selectors.screen_by_token(new) == screen
    assert AuditEntry.objects.filter(details={"issued": "rotated"}).count() == 1
    services.screen_retire(screen=screen, by=world.worker_a)
    assert selectors.screen_by_token(new) is None
    assert AuditEntry.objects.filter(action="token_revoke", object_id=str(screen.pk)).exists()
    with pytest.raises(ValidationError):
        services.screen_token_rotate(screen=screen, by=world.worker_a)


def test_staff_of_another_community_may_not_register_or_rotate(world, display):
    screen, _token = display
    with pytest.raises(PermissionDenied):
        services.screen_register(kind="tv", name="外社区", region=world.a, by=world.worker_b)
    with pytest.raises(PermissionDenied):
        services.screen_token_rotate(screen=screen, by=world.worker_b)
    assert Screen.objects.count() == 1


def test_bad_registrations_are_refused_whole(world, english, playlist):
    count = Screen.objects.count()
    with pytest.raises(ValidationError) as found:
        services.screen_register(kind="screen", name="街道屏", region=world.subdistrict, by=None)
    assert found.value.message_dict == {"region": ["Choose a community."]}
    with pytest.raises(ValidationError) as found:
        services.screen_register(kind="tv", name="电视", region=world.a, playlist=playlist, by=None)
    assert "playlist" in found.value.message_dict
    other = services.playlist_create(region=world.b, name="市南", by=None)
    with pytest.raises(ValidationError) as found:
        services.screen_register(kind="screen", name="屏", region=world.a, playlist=other, by=None)
    assert found.value.message_dict == {
        "playlist": ["Choose a playlist of the screen's community."]
    }
    with pytest.raises(ValidationError):
        services.screen_register(kind="phone", name="屏", region=world.a, by=None)
    assert Screen.objects.count() == count


def test_heartbeats_mark_a_screen_online_and_a_flood_is_refused(world, display):
    screen, _token = display
    assert not screen.online
    services.screen_heartbeat(screen=screen, showing="7")
    screen.refresh_from_db()
    assert screen.online and screen.showing == "7"
    with pytest.raises(services.HeartbeatTooSoon):
        services.screen_heartbeat(screen=screen, showing="8")
    screen.refresh_from_db()
    assert screen.showing == "7"
    Screen.objects.filter(pk=screen.pk).update(last_seen_at=timezone.now() - timedelta(minutes=5))
    screen.refresh_from_db()
    assert not screen.online


def test_playlist_items_are_ordered_moved_and_removed(world, playlist):
    first, second = playlist.items.order_by("order")
    services.item_move(item=second, up=True, by=world.worker_a)
    assert [i.title for i in playlist.items.order_by("order")] == ["网格员值守", "今日天气"]
    services.item_remove(item=first, by=world.worker_a)
    assert list(playlist.items.values_list("title", flat=True)) == ["网格员值守"]
    with pytest.raises(PermissionDenied):
        services.item_remove(item=second, by=world.worker_b)


def test_bad_items_are_refused(world, english, playlist):
    with pytest.raises(ValidationError) as found:
        services.item_add(playlist=playlist, kind="image", duration=10, by=None)
    assert found.value.message_dict == {"image": ["An image item needs an image."]}
    with pytest.raises(ValidationError) as found:
        services.item_add(playlist=playlist, kind="notices", duration=2, by=None)
    assert "duration" in found.value.message_dict
    with pytest.raises(ValidationError) as found:
        services.item_add(
            playlist=playlist, kind="notices", duration=10, topics=["gossip"], by=None
        )
    assert found.value.message_dict == {"topics": ["Unknown topic: gossip."]}
    assert PlaylistItem.objects.filter(playlist=playlist).count() == 2


def test_a_playlist_still_played_is_not_deleted(world, english, display, playlist):
    with pytest.raises(ValidationError):
        services.playlist_delete(playlist=playlist, by=world.worker_a)
    services.screen_update(screen=display[0], playlist=None, by=world.worker_a)
    services.playlist_delete(playlist=playlist, by=world.worker_a)
    assert not PlaylistItem.objects.exists()


def test_channels_are_district_wide_and_their_schedules_do_not_overlap(world, english, six):
    from datetime import time

    channel = six.get(number=801)
    assert [c.number for c in six] == [320, 360, 365, 701, 801, 900]
    with pytest.raises(PermissionDenied):
        services.programme_add(
            channel=channel,
            weekdays=[1],
            starts=time(22),
            ends=time(23),
            title="夜间",
            by=world.worker_a,
        )
    with pytest.raises(ValidationError) as found:
        services.programme_add(
            channel=channel,
            weekdays=[1],
            starts=time(8),
            ends=time(10),
            title="重叠",
            by=world.district_admin,
        )
    assert "overlaps" in found.value.message_dict["starts"][0]
    with pytest.raises(ValidationError):
        services.channel_create(number=801, name="重复", topics=[], by=world.district_admin)
    made = services.channel_create(
        number=366, name="智慧社区", topics=["community"], by=world.district_admin
    )
    assert made.topics == ["community"]


def test_forecasts_are_set_all_or_nothing(world, english, forecast):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as found:
        services.forecasts_set(
            region=world.a,
            rows=[
                services.ForecastRow(today, "晴", 1, 8),
                services.ForecastRow(today + timedelta(days=1), "雪", 5, -5),
            ],
            by=world.worker_a,
        )
    assert "Day 2" in found.value.message_dict["rows"][0]
    assert not Forecast.objects.filter(region=world.a).exists()
    with pytest.raises(ValidationError) as found:
        services.forecasts_set(
            region=world.b, rows=[services.ForecastRow(today, "晴", 1, 8)], by=world.worker_a
        )
    assert found.value.message_dict == {"region": ["Unknown region code."]}
    services.forecasts_set(
        region=world.a, rows=[services.ForecastRow(today, "小雪", -3, 1)], by=world.worker_a
    )
    from linli.screens.weather import EnteredForecasts

    days = EnteredForecasts().forecast(region=world.a, first=today, days=3)
    assert [(d.summary, d.low) for d in days] == [("小雪", -3), ("晴", -1)]  # own, then district
