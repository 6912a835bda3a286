"""What the other apps publish, on the screens: notices of the screen's community on
its slides and TV channels (and a notice's page on the TV), and an alert over the
screen's place taking it over until it is cancelled — never another community's."""

from decimal import Decimal

from django.test import Client

from linli.alerts.services import alert_cancel
from linli.screens import content, services
from linli.screens.display import COOKIE
from linli.screens.tests.conftest import published, storm
from linli.testing.http import text


def signed_in(token: str) -> Client:
    client = Client()
    client.cookies[COOKIE] = token
    return client


def test_notices_of_the_community_on_its_screen_and_tv(world, display, box, playlist, six):
    services.item_add(playlist=playlist, kind="notices", duration=15, title="社区通知", by=None)
    published(world, title="停水通知")
    published(world, title="菜价公布", topic="prices")
    published(world, region=world.b, title="市南停电通知")
    screen = text(signed_in(display[1]).get("/screen/"))
    assert "停水通知" in screen and "菜价公布" in screen and "市南停电通知" not in screen
    assert "明日8时至12时停水。请提前储水。" in screen  # the first words
    tv = signed_in(box[1])
    prices = text(tv.get("/tv/900/"))
    assert "菜价公布" in prices and "停水通知" not in prices
    community = tv.get("/tv/360/")
    assert "停水通知" in text(community)
    notice = community.context["notices"][0]
    page = tv.get(f"/tv/360/{notice.pk}/")
    assert page.status_code == 200
    assert [p for p in page.context["paragraphs"]] == ["明日8时至12时停水。", "请提前储水。"]
    assert tv.get(f"/tv/900/{notice.pk}/").status_code == 404  # not on that channel


def test_an_alert_takes_over_the_screens_of_its_area(world, display, box, shelter):
    screen, token = display
    services.screen_update(
        screen=screen, longitude=Decimal("117.871"), latitude=Decimal("36.801"), by=None
    )
    _other, other_token = services.screen_register(
        kind="screen", name="市南大屏", region=world.b, by=None
    )
    alert = storm(world, shelter)
    shown = text(signed_in(token).get("/screen/content/"))
    assert "车站社区暴雨黄色预警" in shown and "请避开低洼地带" in shown
    assert "车站广场避难场所（应急避难场所）" in shown and "142 米" in shown
    assert "车站社区暴雨黄色预警" in text(signed_in(box[1]).get("/screen/alerts/"))
    assert "暴雨" not in text(signed_in(other_token).get("/screen/content/"))
    alert_cancel(alert=alert, note="雨停了", by=None)
    assert "暴雨" not in text(signed_in(token).get("/screen/content/"))
    assert content.alerts_for(screen) == []


def test_a_polygon_alert_covers_only_the_screens_inside_it(world, display):
    screen, _token = display
    screen = services.screen_update(
        screen=screen, longitude=Decimal("117.950"), latitude=Decimal("36.850"), by=None
    )
    square = {
        "type": "Polygon",
        "coordinates": [
            [[117.86, 36.79], [117.88, 36.79], [117.88, 36.81], [117.86, 36.81], [117.86, 36.79]]
        ],
    }
    storm(world, polygon=square)
    assert content.alerts_for(screen) == []
    screen = services.screen_update(
        screen=screen, longitude=Decimal("117.870"), latitude=Decimal("36.800"), by=None
    )
    assert [a.headline for a in content.alerts_for(screen)] == ["车站社区暴雨黄色预警"]


def test_a_notice_going_out_or_coming_down_tells_the_screens_of_its_region(
    world, display, box, django_capture_on_commit_callbacks
):
    """The notices' domain events (published, withdrawn, expired) nudge the screens of
    the notice's region on the live channel `screens` — a district's notice every
    community's with screens; a notice for some buildings or labels none (no screen
    shows it)."""
    from linli.core.models import LiveMessage, PublishedEvent
    from linli.notices.models import Topic
    from linli.notices.services import (
        notice_approve,
        notice_create,
        notice_submit,
        notice_withdraw,
        notices_due,
    )
    from linli.registry.models import Label

    _other, _token = services.screen_register(
        kind="screen", name="市南大屏", region=world.b, by=None
    )

    def nudged(call):
        LiveMessage.objects.filter(channel="screens").delete()
        with django_capture_on_commit_callbacks(execute=True):
            found = call()
        paths = LiveMessage.objects.filter(channel="screens").values_list("path", flat=True)
        return found, sorted(paths)

    notice, paths = nudged(lambda: published(world, title="停水通知"))
    assert paths == [world.a.path]
    assert PublishedEvent.objects.filter(name="notice.published").exists()

    def subdistrict_wide():
        found = notice_create(
            region=world.subdistrict, title="街道通知", body="<p>全街道。</p>",
            topic=Topic.objects.get(code="community"), by=world.subdistrict_admin,
        )  # fmt: skip
        notice_submit(notice=found, by=world.subdistrict_admin)
        return notice_approve(notice=found, by=world.district_admin)

    _notice, paths = nudged(subdistrict_wide)
    assert paths == sorted([world.a.path, world.b.path])
    _notice, paths = nudged(
        lambda: published(world, title="老人通知", labels=[Label.objects.get(code="elderly")])
    )
    assert paths == []
    _notice, paths = nudged(
        lambda: notice_withdraw(notice=notice, note="时间有变", by=world.subdistrict_admin)
    )
    assert paths == [world.a.path]
    assert PublishedEvent.objects.filter(name="notice.withdrawn").exists()
    from datetime import timedelta

    from django.utils import timezone

    later = published(world, title="限时通知", expire_at=timezone.now() + timedelta(hours=1))
    _counts, paths = nudged(lambda: notices_due(now=later.expire_at + timedelta(seconds=1)))
    assert paths == [world.a.path] and _counts == (0, 1)


def test_a_tv_channel_s_notices_are_a_fragment_with_its_etag(world, box, six):
    tv = signed_in(box[1])
    first = tv.get("/tv/360/items/")
    assert first.status_code == 200 and "no-items" in first.content.decode()
    assert tv.get("/tv/360/items/", headers={"if-none-match": first["ETag"]}).status_code == 304
    published(world, title="停水通知")
    second = tv.get("/tv/360/items/", headers={"if-none-match": first["ETag"]})
    assert second.status_code == 200 and "停水通知" in text(second)
    assert tv.get("/tv/999/items/").status_code == 404
    assert Client().get("/tv/360/items/").status_code == 401
