"""Who reads what: a resident's notices (region, building, labels, staff roles),
unread marks and followed topics, read receipts counted from the registry, the
urgent alert (once), and what TV channels and screens are given."""

import pytest
from django.test import override_settings

from linli.notices import selectors, services
from linli.notices.models import NoticeRead
from linli.notices.tasks import notice_alert
from linli.notices.tests.support import published, topic
from linli.notifications.models import Notification
from linli.registry.models import Label

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def titles(user, **filters):
    from linli.notices.filters import ReaderFilter

    return [n.title for n in selectors.notices_for(user=user, filters=ReaderFilter(**filters))]


def test_a_resident_reads_the_notices_of_their_region_building_and_labels(world, homes):
    published(world, title="社区停水")
    published(world, title="1号楼电梯检修", buildings=[homes.one.building])
    published(world, title="2号楼电梯检修", buildings=[homes.two.building])
    published(world, title="老人体检", labels=[Label.objects.get(code="elderly")])
    published(world, title="残疾人补贴", labels=[Label.objects.get(code="disabled")])
    published(world, title="网格员会议", roles=["grid_worker"])
    district = services.notice_create(
        region=world.district,
        title="区政务公开",
        body="",
        topic=topic("government"),
        by=world.district_admin,
    )
    services.notice_submit(notice=district, by=world.district_admin)
    services.notice_approve(notice=district, by=world.platform_admin)

    # resident.a is 王秀兰 (her mobile number): 1号楼, aged 78, living alone.
    assert sorted(titles(world.resident_a)) == sorted(
        ["社区停水", "1号楼电梯检修", "老人体检", "区政务公开"]
    )
    assert titles(world.grid_worker_a1) == ["网格员会议"]
    assert titles(world.worker_b) == []


def test_notices_for_community_b_are_not_read_in_a(world, homes, client):
    notice = published(world, title="市南停电", region=world.b, by=world.worker_b)
    assert titles(world.resident_a) == []
    client.force_login(world.resident_a)
    assert client.get(f"/notices/for-me/{notice.pk}/").status_code == 404


def test_unread_marks_and_followed_topics(world, homes):
    first = published(world, title="停水")
    published(world, title="天气预报", topic=topic("weather"))
    services.topics_follow(topics=[topic("weather")], by=world.resident_a)
    assert titles(world.resident_a, unread=True) == ["天气预报", "停水"]
    services.notice_read(notice=first, by=world.resident_a)
    services.notice_read(notice=first, by=world.resident_a)  # again: nothing new
    assert titles(world.resident_a, unread=True) == ["天气预报"]
    assert titles(world.resident_a, followed=True) == ["天气预报"]
    assert NoticeRead.objects.get().resident == homes.elder
    assert selectors.unread_count(user=world.resident_a) == 1


def test_read_receipts_count_the_audience_from_the_registry(world, homes):
    notice = published(world, title="停水")
    assert not NoticeRead.objects.exists()  # publishing writes no row per resident
    services.notice_read(notice=notice, by=world.resident_a)
    found = selectors.receipts(notice=notice)
    assert (found.total, found.read, found.percent) == (3, 1, 33)
    assert [(s.name, s.total, s.read) for s in found.buildings] == [
        ("车站第一网格 · 1号楼", 1, 1),
        ("车站第一网格 · 2号楼", 2, 0),
    ]
    by_label = {s.name: (s.total, s.read) for s in found.labels}
    assert by_label["独居老人"] == (1, 1) and by_label["60岁以上老人"] == (1, 1)
    assert by_label["残疾人"] == (0, 0)


def test_a_notice_above_a_community_has_its_receipts_by_community(world, homes):
    """A district's notice reaches some 200,000 buildings at a million residents: its
    receipts are by community (a community's stay by building)."""
    notice = published(
        world, region=world.subdistrict, by=world.subdistrict_admin, approver=world.district_admin
    )
    services.notice_read(notice=notice, by=world.resident_a)
    found = selectors.receipts(notice=notice)
    assert found.per_community and (found.total, found.read) == (4, 1)
    first = found.buildings[0]
    assert (first.name, first.total, first.read) == ("丝绸路街道 · 车站社区居委会", 3, 1)
    assert sum(s.total for s in found.buildings) == 4


def test_read_receipts_take_two_passes_over_the_audience_whatever_its_labels(
    world, homes, django_assert_max_num_queries
):
    """The figures by building and by each label come from two grouped queries (the
    audience, and those who read), not one scan per label: a district's notice to a
    million residents is counted in one read of them (bench/notices.py)."""
    notice = published(world, title="停水")
    services.notice_read(notice=notice, by=world.resident_a)
    # (not counted yet, the audience is counted now:) the notice's labels and the
    # vulnerable ones, its region, buildings and labels again (the audience), the two
    # passes, the buildings' names — none per label or per building
    with django_assert_max_num_queries(12):
        found = selectors.receipts(notice=notice)
    assert len(found.labels) == 3 and (found.total, found.read) == (3, 1)


@override_settings(TASKS=IMMEDIATE)
def test_the_audience_is_counted_once_when_a_notice_goes_out(
    world, homes, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    """Publishing counts the audience in a task after commit and keeps the figures on
    the notice; the receipts then count only those who read it (one grouped pass driven
    by the reads), not the registry's million again. Someone moving in later is not in
    the audience it went out to; one of them reading it is counted in."""
    from linli.testing.registry import aged, move_in

    with django_capture_on_commit_callbacks(execute=True):
        notice = published(world, title="停水")
    notice.refresh_from_db()
    assert notice.audience_counted_at is not None
    assert sorted(row[1] for row in notice.audience_figures["rows"]) == [1, 2]  # by building
    services.notice_read(notice=notice, by=world.resident_a)
    move_in(homes.two.household, name="李新", born=aged(30), relation="other")
    with django_assert_max_num_queries(7):  # one pass: the readers
        found = selectors.receipts(notice=notice)
    assert (found.total, found.read) == (3, 1)  # as it went out: 李新 is not in it
    by_label = {s.name: (s.total, s.read) for s in found.labels}
    assert by_label["独居老人"] == (1, 1) and by_label["60岁以上老人"] == (1, 1)
    assert selectors.receipts(notice=notice).buildings[0].percent == 100


def test_who_of_a_vulnerable_label_has_not_read_an_urgent_notice(world, homes):
    notice = published(world, title="寒潮预警", urgency="urgent")
    assert [r.name for r in selectors.unread_vulnerable(notice=notice, user=world.worker_a)] == [
        "王秀兰"
    ]
    assert list(selectors.unread_vulnerable(notice=notice, user=world.worker_b)) == []  # not theirs
    services.notice_read(notice=notice, by=world.resident_a)
    assert list(selectors.unread_vulnerable(notice=notice, user=world.worker_a)) == []


class Texts:
    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        Texts.sent.append((phone, text))


@override_settings(TASKS=IMMEDIATE, LINLI_SMS_BACKEND="linli.notices.tests.test_reading.Texts")
def test_an_urgent_notice_reaches_its_audience_once(
    world, homes, django_capture_on_commit_callbacks
):
    Texts.sent = []
    with django_capture_on_commit_callbacks(execute=True):
        notice = published(world, title="寒潮预警", urgency="urgent")
    notice_alert.call(notice.pk)  # a second run sends nothing
    [(phone, message)] = Texts.sent
    assert phone == "13905330001"  # 王秀兰 lives alone: her registry number
    assert message.startswith("【紧急通知】寒潮预警 ")
    assert message.endswith(f"/notices/for-me/{notice.pk}/")
    heard = Notification.objects.filter(kind="notice-urgent")
    assert list(heard.values_list("user__username", flat=True)) == ["resident.a"]


def test_screens_get_the_published_notices_of_their_region(world, homes):
    published(world, title="社区停水")
    published(world, title="1号楼电梯检修", buildings=[homes.one.building])
    weather = published(world, title="降温", topic=topic("weather"))
    services.notice_pin(notice=weather, pinned=True, by=world.subdistrict_admin)
    published(world, title="市南停电", region=world.b, by=world.worker_b)
    assert [n.title for n in selectors.published_in(region=world.a1)] == ["降温", "社区停水"]
    assert [n.title for n in selectors.published_in(region=world.a, topics=[topic("weather")])] == [
        "降温"
    ]
    assert {n.title for n in selectors.published_in(region=world.subdistrict)} == {
        "降温",
        "社区停水",
        "市南停电",
    }
