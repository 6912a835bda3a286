"""The screens API: registering and rotating (the token in those two answers only),
what a screen shows now, playlists and items, channels, forecasts; 401, 403, 404
outside, 422 naming the field."""

import json

from django.utils import timezone

from linli.screens.models import Forecast, Screen
from linli.testing.http import API, EN, PROBLEM, call_api, problem_of


def send(client, user, method, path, body=None):
    client.force_login(user)
    return getattr(client, method)(
        API + path, json.dumps(body or {}), content_type="application/json", **EN
    )


def test_register_rotate_and_read_a_screen(client, world, playlist):
    made = call_api(
        client,
        world.worker_a,
        "post",
        "/screens",
        {
            "kind": "screen",
            "name": "北门大屏",
            "region_code": world.a.code,
            "playlist": playlist.pk,
        },
    )
    assert made.status_code == 201
    body = made.json()
    token, screen_id = body["token"], body["screen"]["id"]
    assert body["screen"]["online"] is False and body["screen"]["playlist"] == playlist.pk
    detail = call_api(client, world.worker_a, "get", f"/screens/{screen_id}").json()
    assert "token" not in detail and token not in json.dumps(detail)
    assert [s["title"] for s in detail["slides"]] == ["今日天气", "网格员值守"]
    rotated = call_api(client, world.worker_a, "post", f"/screens/{screen_id}/rotate-token")
    assert rotated.status_code == 200 and rotated.json()["token"] != token
    listed = call_api(client, world.worker_a, "get", "/screens", kind="screen").json()
    assert listed["count"] == 1 and listed["items"][0]["name"] == "北门大屏"


def test_refusals(client, world, display):
    screen, _token = display
    assert client.get(f"{API}/screens/{screen.pk}").status_code == 401
    assert problem_of(call_api(client, world.worker_b, "get", f"/screens/{screen.pk}"), 404)
    outside = call_api(
        client,
        world.worker_b,
        "post",
        "/screens",
        {"kind": "tv", "name": "x", "region_code": world.a.code},
    )
    assert problem_of(outside, 422)["errors"][0]["field"] == "region_code"
    patch = send(client, world.worker_a, "patch", f"/screens/{screen.pk}", {"name": ""})
    assert patch.status_code == 422 and patch["Content-Type"] == PROBLEM
    denied = call_api(
        client,
        world.grid_worker_a1,
        "post",
        "/screens",
        {"kind": "tv", "name": "x", "region_code": world.a.code},
    )
    assert denied.status_code == 403
    assert Screen.objects.count() == 1


def test_playlists_and_items(client, world, playlist):
    item = call_api(
        client,
        world.worker_a,
        "post",
        f"/playlists/{playlist.pk}/items",
        {"kind": "notices", "duration": 12, "topics": ["elderly", "health"]},
    )
    assert item.status_code == 201 and item.json()["topics"] == ["elderly", "health"]
    bad = call_api(
        client,
        world.worker_a,
        "post",
        f"/playlists/{playlist.pk}/items",
        {"kind": "notices", "duration": 12, "topics": ["gossip"]},
    )
    assert problem_of(bad, 422)["errors"][0]["field"] == "topics"
    got = call_api(client, world.worker_a, "get", f"/playlists/{playlist.pk}").json()
    assert [i["kind"] for i in got["items"]] == ["weather", "roster", "notices"]
    moved = call_api(
        client,
        world.worker_a,
        "post",
        f"/playlist-items/{item.json()['id']}/move",
        {"direction": "up"},
    )
    assert moved.status_code == 204
    assert problem_of(call_api(client, world.worker_b, "get", f"/playlists/{playlist.pk}"), 404)


def test_channels_and_forecasts(client, world, six):
    channels = call_api(client, world.worker_a, "get", "/channels").json()
    assert [c["number"] for c in channels] == [320, 360, 365, 701, 801, 900]
    assert channels[4]["programmes"][0] == {
        "id": channels[4]["programmes"][0]["id"],
        "weekdays": [1, 2, 3, 4, 5, 6, 7],
        "starts": "07:00",
        "ends": "09:00",
        "title": "政务早报",
        "description": "",
    }
    today = timezone.localdate().isoformat()
    body = {
        "region_code": world.a.code,
        "days": [{"day": today, "summary": "晴", "low": 1, "high": 9}],
    }
    assert send(client, world.worker_a, "put", "/forecasts", body).status_code == 200
    body["region_code"] = world.b.code
    assert problem_of(send(client, world.worker_a, "put", "/forecasts", body), 422)
    wrong = {
        "region_code": world.a.code,
        "days": [{"day": today, "summary": "晴", "low": 9, "high": 1}],
    }
    assert problem_of(send(client, world.worker_a, "put", "/forecasts", wrong), 422)
    assert Forecast.objects.get(region=world.a).low == 1
    programme = call_api(
        client,
        world.district_admin,
        "post",
        f"/channels/{channels[0]['id']}/programmes",
        {"weekdays": [8], "starts": "22:00", "ends": "23:00", "title": "夜"},
    )
    assert problem_of(programme, 422)
