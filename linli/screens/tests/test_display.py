"""The pages a screen or TV box shows, signed in with its token: what they show (its
own community only), the content's ETag, heartbeats and their flood, a revoked token."""

from django.test import Client

from linli.screens import services
from linli.screens.display import COOKIE
from linli.testing.http import PROBLEM, text


def signed_in(token: str) -> Client:
    client = Client()
    client.cookies[COOKIE] = token
    return client


def test_a_screen_signs_in_once_with_its_token(world, display):
    _screen, token = display
    client = Client()
    page = client.get("/screen/")
    assert page.status_code == 200 and "输入社区为这块屏幕提供的令牌" in text(page)
    wrong = client.post("/screen/signin/", {"token": "x" * 20})
    assert wrong.status_code == 422 and "令牌无效或已停用" in text(wrong)
    answer = client.post("/screen/signin/", {"token": token})
    assert answer.status_code == 302 and answer["Location"] == "/screen/"
    assert answer.cookies[COOKIE]["httponly"]
    page = client.get("/screen/")
    assert "东门广场大屏" in text(page) and "今日天气" in text(page)


def test_the_screen_shows_its_community_weather_and_roster(world, display, forecast):
    page = text(signed_in(display[1]).get("/screen/"))
    assert "车站社区居委会" in page
    assert "多云转小雨" in page and "3～11 ℃" in page
    assert "车站第一网格" in page and "grid.a1" in page  # the grid worker (full name)
    assert "市南第一网格" not in page


def test_the_content_is_answered_again_only_when_it_changed(world, display, playlist):
    client = signed_in(display[1])
    first = client.get("/screen/content/")
    assert first.status_code == 200 and first["ETag"]
    same = client.get("/screen/content/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert same.status_code == 304
    services.item_add(playlist=playlist, kind="figures", duration=20, title="办件数据", by=None)
    changed = client.get("/screen/content/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and "办件数据" in text(changed)


def test_a_rotated_token_sends_the_screen_back_to_sign_in(world, display):
    screen, token = display
    client = signed_in(token)
    services.screen_token_rotate(screen=screen, by=None)
    answer = client.get("/screen/content/")
    assert answer.status_code == 401 and answer["Content-Type"] == PROBLEM
    assert "令牌已失效" in answer.json()["detail"]
    assert "输入社区为这块屏幕提供的令牌" in text(client.get("/screen/"))


def test_heartbeats_and_their_flood(world, display):
    screen, token = display
    client = signed_in(token)
    assert client.post("/screen/heartbeat/", {"showing": "3"}).status_code == 204
    flood = client.post("/screen/heartbeat/", {"showing": "3"})
    assert flood.status_code == 429 and flood["Retry-After"] == "10"
    assert flood.json()["detail"] == "屏幕每 10 秒最多发送一次心跳。"
    screen.refresh_from_db()
    assert screen.online and screen.showing == "3"
    assert Client().post("/screen/heartbeat/", {"showing": "3"}).status_code == 401


def test_the_tv_guide_and_a_channel_by_its_number(world, box, six):
    client = signed_in(box[1])
    assert client.get("/screen/")["Location"] == "/tv/"
    guide = text(client.get("/tv/"))
    for number, name in [
        (801, "阳光政务"),
        (900, "物价"),
        (320, "警务"),
        (365, "幸福家庭"),
        (701, "电视图书馆"),
        (360, "社区服务"),
    ]:
        assert f"{number} {name}" in guide
    channel = client.get("/tv/801/")
    assert channel.status_code == 200 and "今日节目" in text(channel)
    missing = client.get("/tv/123/")
    assert missing.status_code == 404 and "没有 123 频道" in text(missing)
    assert "输入社区为这块屏幕提供的令牌" in text(Client().get("/tv/801/"))
