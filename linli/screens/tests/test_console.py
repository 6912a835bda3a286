"""The screens console: lists in scope, a screen's page with its heartbeat and
preview, registering (token once), rotation, playlists and their items (images
checked by content), channels, forecasts; 404 outside, 403 without the action."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from linli.audit.models import AuditEntry
from linli.screens import services
from linli.screens.models import Forecast, PlaylistItem, Screen
from linli.testing.http import get, post, text


def png() -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", (40, 20), "navy").save(out, "PNG")
    return SimpleUploadedFile("poster.png", out.getvalue(), content_type="image/png")


def test_the_list_shows_the_community_s_screens_only(client, world, display, box):
    services.screen_register(kind="screen", name="市南大屏", region=world.b, by=None)
    services.screen_heartbeat(screen=display[0], showing="")
    page = get(client, world.worker_a, "/screens/")
    assert page.status_code == 200
    shown = text(page)
    assert "东门广场大屏" in shown and "活动室电视" in shown and "市南大屏" not in shown
    assert "Online" in shown and "Never connected" in shown
    online = text(get(client, world.worker_a, "/screens/?online=false"))
    assert "活动室电视" in online and "东门广场大屏" not in online


def test_a_screen_page_previews_what_it_shows(client, world, display, forecast):
    screen, _token = display
    page = get(client, world.worker_a, f"/screens/{screen.pk}/")
    shown = text(page)
    assert "多云转小雨" in shown and "网格员值守" in shown  # the preview's slides
    assert get(client, world.worker_b, f"/screens/{screen.pk}/").status_code == 404
    assert get(client, world.subdistrict_admin, f"/screens/{screen.pk}/").status_code == 200


def test_registering_shows_the_token_once(client, world, playlist):
    answer = post(
        client,
        world.worker_a,
        "/screens/new/",
        {
            "kind": "screen",
            "name": "北门大屏",
            "region_code": world.a.code,
            "playlist": playlist.pk,
        },
    )
    assert answer.status_code == 201
    screen = Screen.objects.get(name="北门大屏")
    token = answer.context["token"]
    assert token in answer.content.decode() and screen.token_hash != token
    rotated = post(client, world.worker_a, f"/screens/{screen.pk}/token/", {})
    assert rotated.status_code == 200 and rotated.context["token"] != token
    assert AuditEntry.objects.filter(object_id=str(screen.pk), action="token_create").count() == 2


def test_bad_registrations_are_explained(client, world):
    answer = post(client, world.worker_a, "/screens/new/", {"kind": "screen", "name": ""})
    assert answer.status_code == 422
    assert "This field is required." in text(answer)
    outside = post(
        client,
        world.worker_a,
        "/screens/new/",
        {"kind": "screen", "name": "越界", "region_code": world.b.code},
    )
    assert outside.status_code == 422  # B is not a choice of A's worker
    assert not Screen.objects.exists()
    assert post(client, world.grid_worker_a1, "/screens/new/", {}).status_code == 403


def test_playlist_items_with_a_checked_image(client, world, playlist):
    url = f"/screens/playlists/{playlist.pk}/items/"
    added = post(client, world.worker_a, url, {"kind": "image", "duration": 8, "image": png()})
    assert added.status_code == 302
    item = PlaylistItem.objects.get(kind="image")
    assert item.image_type == "image/png"
    served = client.get(f"/screen/images/{item.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    client.force_login(world.worker_b)
    assert client.get(f"/screen/images/{item.pk}/").status_code == 404
    disguised = SimpleUploadedFile("poster.png", b"<script>alert(1)</script>", "image/png")
    refused = post(
        client, world.worker_a, url, {"kind": "image", "duration": 8, "image": disguised}
    )
    assert refused.status_code == 422
    assert PlaylistItem.objects.filter(kind="image").count() == 1
    assert post(client, world.worker_b, url, {"kind": "weather", "duration": 8}).status_code == 404


def test_forecasts_entered_and_pasted(client, world, english):
    today = timezone.localdate()
    entered = post(
        client,
        world.worker_a,
        "/screens/forecasts/",
        {
            "region_code": world.a.code,
            "day": today.isoformat(),
            "summary": "阴",
            "low": 1,
            "high": 6,
        },
    )
    assert entered.status_code == 302
    bad = post(
        client,
        world.worker_a,
        "/screens/forecasts/",
        {"region_code": world.a.code, "lines": f"{today},晴,2,9\n明天,雨,x,5"},
    )
    assert bad.status_code == 422 and "Line 2" in text(bad)
    assert Forecast.objects.get(region=world.a).summary == "阴"  # nothing of the paste saved
    pasted = post(
        client,
        world.worker_a,
        "/screens/forecasts/",
        {"region_code": world.a.code, "lines": f"{today},晴,2,9\n{today.replace(day=1)},雨,1,5"},
    )
    assert pasted.status_code == 302
    assert Forecast.objects.get(region=world.a, day=today).summary == "晴"


def test_channels_are_configured_by_the_district(client, world, six):
    channel = six.get(number=900)
    assert "物价" in text(get(client, world.worker_a, "/screens/channels/"))
    data = {"name": "物价信息", "topics": ["prices"], "description": "", "enabled": "on"}
    assert post(client, world.worker_a, f"/screens/channels/{channel.pk}/", data).status_code == 403
    assert (
        post(client, world.district_admin, f"/screens/channels/{channel.pk}/", data).status_code
        == 302
    )
    channel.refresh_from_db()
    assert channel.name == "物价信息"


def test_the_forecasts_above_show_but_are_not_theirs_to_delete(client, world, forecast):
    services.forecasts_set(
        region=world.b, rows=[services.ForecastRow(timezone.localdate(), "冻雨", 0, 2)], by=None
    )
    page = get(client, world.worker_a, "/screens/forecasts/")
    shown = text(page)
    assert "多云转小雨" in shown and "冻雨" not in shown  # the district's, not B's
    assert "Delete" not in shown
    district_forecast = forecast[0]
    assert (
        post(
            client, world.worker_a, f"/screens/forecasts/{district_forecast.pk}/delete/", {}
        ).status_code
        == 404
    )
