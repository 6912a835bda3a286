"""The notification centre: each person sees and opens only their own; the badge
counts what is unread; each sender sends once per notification."""

from importlib import import_module

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured

from linli.notifications.apps import NotificationsConfig
from linli.notifications.models import Delivery, Notification
from linli.notifications.services import notify
from linli.notifications.tasks import notifications_deliver

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def two(world):
    mine = notify(
        users=[world.worker_a], kind="case-dispatched", title="案件 A 已派遣给您", url="/cases/1/"
    )[0]
    theirs = notify(users=[world.worker_b], kind="case-dispatched", title="市南的案件")[0]
    return mine, theirs


def test_it_lists_only_ones_own(client, world, two):
    client.force_login(world.worker_a)

    page = client.get("/notifications/").content.decode()

    assert "案件 A 已派遣给您" in page
    assert "市南的案件" not in page


def test_the_badge_counts_the_unread(client, world, two):
    client.force_login(world.worker_a)

    assert (
        'data-testid="notification-count"' in client.get("/notifications/badge/").content.decode()
    )
    assert ">1<" in client.get("/notifications/badge/").content.decode()

    client.post("/notifications/read-all/")

    assert client.get("/notifications/badge/").content.decode().strip() == ""
    assert Notification.objects.get(pk=two[1].pk).read_at is None  # B's stays unread


def test_opening_marks_read_and_follows_the_link(client, world, two):
    client.force_login(world.worker_a)

    response = client.post(f"/notifications/{two[0].pk}/open/")

    assert response.status_code == 302 and response["Location"] == "/cases/1/"
    assert Notification.objects.get(pk=two[0].pk).read_at is not None


def test_another_persons_notification_is_not_found(client, world, two):
    client.force_login(world.worker_a)

    assert client.post(f"/notifications/{two[1].pk}/open/").status_code == 404
    assert Notification.objects.get(pk=two[1].pk).read_at is None


def test_an_outside_link_is_not_followed(client, world):
    n = notify(users=[world.worker_a], kind="x", title="t", url="https://evil.example/")[0]
    client.force_login(world.worker_a)

    assert client.post(f"/notifications/{n.pk}/open/")["Location"] == "/notifications/"


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    assert client.get("/notifications/").status_code == 302


def test_inactive_people_and_repeats_get_one_or_none(world):
    world.worker_b.is_active = False
    world.worker_b.save()

    made = notify(users=[world.worker_a, world.worker_a, world.worker_b, None], kind="x", title="t")

    assert [n.user for n in made] == [world.worker_a]


def test_delivering_twice_sends_once(world, settings):
    settings.LINLI_NOTIFY_SENDERS = ["email"]
    world.worker_a.email = "zhangli@example.org"
    world.worker_a.save()
    n = notify(users=[world.worker_a], kind="x", title="标题", body="正文")[0]

    notifications_deliver.call([n.pk])
    notifications_deliver.call([n.pk])

    assert len(mail.outbox) == 1
    assert "正文" not in mail.outbox[0].body  # the text stays in the console
    assert Delivery.objects.get(notification=n).status == Delivery.Status.SENT


def test_an_unknown_sender_stops_start_up(settings):
    settings.LINLI_NOTIFY_SENDERS = ["email", "pager"]

    with pytest.raises(ImproperlyConfigured, match="pager"):
        NotificationsConfig("linli.notifications", import_module("linli.notifications")).ready()
