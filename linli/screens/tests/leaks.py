"""Community B for the leak test: a display screen and a TV box of B, B's playlist
with an image, B's forecast; a valid request for every route of the screens console
and API that changes something. Channels are district-wide: the channel and the
programme those requests change are listed too, so a change made from outside would
show. The screens' own routes (sign-in, heartbeat) take a screen's token, not a
person: sent by anyone, they answer alike and change nothing of B."""

from datetime import date, time
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from linli.screens import channels, services
from linli.screens.models import Channel
from linli.testing.leaks import Leaks, Send

MARKERS = ["市南泄漏大屏", "市南泄漏列表", "市南泄漏天气"]
API = "/api/v1"
DISTRICT = "district_admin"  # channels are district-wide


def _png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue()


def _upload(name: str = "image"):
    def upload():
        return {
            name: SimpleUploadedFile("p.png", _png(), content_type="image/png"),
            "kind": "image",
            "duration": 10,
            "title": "图片",
        }

    return upload


def community_b(world, made) -> Leaks:
    channels.ensure()
    playlist = services.playlist_create(region=world.b, name=MARKERS[1], by=None)
    spare = services.playlist_create(region=world.b, name="市南备用列表", by=None)
    item = services.item_add(playlist=playlist, kind="weather", duration=10, by=None)
    image = services.item_add(
        playlist=playlist,
        kind="image",
        duration=10,
        image=services.CheckedImage(_png(), "image/png", "png"),
        by=None,
    )
    building = made["building"][0]
    screen, _token = services.screen_register(
        kind="screen",
        name=MARKERS[0],
        region=world.b,
        building=building,
        playlist=playlist,
        by=None,
    )
    box, _box_token = services.screen_register(
        kind="tv", name="市南泄漏电视", region=world.b, by=None
    )
    (forecast,) = services.forecasts_set(
        region=world.b,
        rows=[services.ForecastRow(date.today(), MARKERS[2], 1, 9)],
        by=None,
    )
    channel = Channel.objects.get(number=360)
    programme = services.programme_add(
        channel=channel, weekdays=[7], starts=time(22), ends=time(23), title="夜话", by=None
    )
    s, p, i, c = screen.pk, playlist.pk, item.pk, channel.pk
    today = date.today().isoformat()
    sends = {
        ("post", "screens:screen-create"): Send(
            "/screens/new/",
            {"kind": "screen", "name": "新大屏", "region_code": world.b.code},
            expect=201,
        ),
        ("post", "screens:screen-edit"): Send(f"/screens/{s}/edit/", {"name": "改名大屏"}),
        ("post", "screens:screen-token-rotate"): Send(f"/screens/{s}/token/", expect=200),
        ("post", "screens:screen-retire"): Send(f"/screens/{s}/retire/"),
        ("post", "screens:playlist-list"): Send(
            "/screens/playlists/", {"region_code": world.b.code, "name": "新列表"}
        ),
        ("post", "screens:playlist-detail"): Send(f"/screens/playlists/{p}/", {"name": "改名"}),
        ("post", "screens:playlist-delete"): Send(f"/screens/playlists/{spare.pk}/delete/"),
        ("post", "screens:item-add"): Send(f"/screens/playlists/{p}/items/", _upload()),
        ("post", "screens:item-edit"): Send(f"/screens/items/{i}/", {"duration": 30}),
        ("post", "screens:item-move"): Send(f"/screens/items/{i}/move/", {"direction": "down"}),
        ("post", "screens:item-delete"): Send(f"/screens/items/{i}/delete/"),
        ("post", "screens:channel-list"): Send(
            "/screens/channels/",
            {"number": 366, "name": "智慧社区", "topics": ["community"]},
            by=DISTRICT,
        ),
        ("post", "screens:channel-detail"): Send(
            f"/screens/channels/{c}/",
            {"name": "社区服务", "topics": ["community"], "enabled": "on"},
            by=DISTRICT,
        ),
        ("post", "screens:programme-add"): Send(
            f"/screens/channels/{c}/programmes/",
            {"weekdays": [6], "starts": "22:00", "ends": "23:00", "title": "周末夜话"},
            by=DISTRICT,
        ),
        ("post", "screens:programme-delete"): Send(
            f"/screens/programmes/{programme.pk}/delete/", by=DISTRICT
        ),
        ("post", "screens:forecast-list"): Send(
            "/screens/forecasts/",
            {"region_code": world.b.code, "day": today, "summary": "晴", "low": 0, "high": 8},
        ),
        ("post", "screens:forecast-delete"): Send(f"/screens/forecasts/{forecast.pk}/delete/"),
        # the screens' own routes: a token, not a person
        ("post", "screens-display:signin"): Send(
            "/screen/signin/", {"token": "not-a-token"}, expect=422, anyone=True
        ),
        ("post", "screens-display:heartbeat"): Send(
            "/screen/heartbeat/", {"showing": "1"}, expect=401, anyone=True
        ),
        # the API
        ("post", "api:screen-create"): Send(
            f"{API}/screens",
            {"kind": "tv", "name": "接口电视", "region_code": world.b.code},
            expect=201,
        ),
        ("patch", "api:screen-update"): Send(f"{API}/screens/{s}", {"name": "改名"}, expect=200),
        ("post", "api:screen-token-rotate"): Send(f"{API}/screens/{s}/rotate-token", expect=200),
        ("post", "api:screen-retire"): Send(f"{API}/screens/{s}/retire", expect=200),
        ("post", "api:playlist-create"): Send(
            f"{API}/playlists", {"region_code": world.b.code, "name": "接口列表"}, expect=201
        ),
        ("patch", "api:playlist-update"): Send(
            f"{API}/playlists/{p}", {"name": "改名"}, expect=200
        ),
        ("delete", "api:playlist-delete"): Send(f"{API}/playlists/{spare.pk}", expect=204),
        ("post", "api:playlist-item-create"): Send(
            f"{API}/playlists/{p}/items", {"kind": "roster", "duration": 20}, expect=201
        ),
        ("post", "api:playlist-image-create"): Send(
            f"{API}/playlists/{p}/images", _upload(), expect=201
        ),
        ("patch", "api:playlist-item-update"): Send(
            f"{API}/playlist-items/{i}", {"duration": 25}, expect=200
        ),
        ("post", "api:playlist-item-move"): Send(
            f"{API}/playlist-items/{i}/move", {"direction": "down"}, expect=204
        ),
        ("delete", "api:playlist-item-delete"): Send(f"{API}/playlist-items/{i}", expect=204),
        ("post", "api:channel-create"): Send(
            f"{API}/channels", {"number": 367, "name": "接口频道"}, expect=201, by=DISTRICT
        ),
        ("patch", "api:channel-update"): Send(
            f"{API}/channels/{c}", {"description": "改过"}, expect=200, by=DISTRICT
        ),
        ("post", "api:programme-create"): Send(
            f"{API}/channels/{c}/programmes",
            {"weekdays": [6], "starts": "22:00", "ends": "23:00", "title": "周末"},
            expect=201,
            by=DISTRICT,
        ),
        ("delete", "api:programme-delete"): Send(
            f"{API}/programmes/{programme.pk}", expect=204, by=DISTRICT
        ),
        ("put", "api:forecasts-set"): Send(
            f"{API}/forecasts",
            {
                "region_code": world.b.code,
                "days": [{"day": today, "summary": "阴", "low": 0, "high": 5}],
            },
            expect=200,
        ),
        ("delete", "api:forecast-delete"): Send(f"{API}/forecasts/{forecast.pk}", expect=204),
    }
    return Leaks(
        objects={
            "screen": [screen, box],
            "playlist": [playlist, spare],
            "playlistitem": [item, image],
            "forecast": [forecast],
            "channel": [channel],
            "programme": [programme],
        },
        markers=MARKERS,
        sends=sends,
        urls={
            "screens-display:image": [f"/screen/images/{image.pk}/"],
            "screens-display:tv-channel": ["/tv/360/", "/tv/801/"],
            "screens-display:tv-items": ["/tv/360/items/", "/tv/801/items/"],
            "screens-display:tv-notice": [f"/tv/360/{n.pk}/" for n in made.get("notice", [])]
            or ["/tv/360/1/"],
        },
        searches=["?q=市南泄漏"],
    )
