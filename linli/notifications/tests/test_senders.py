"""The SMS sender: the title and link to the person's mobile number, through the
deployment's SMS backend; and the channels a notification is limited to."""

import pytest

from linli.notifications.models import Delivery
from linli.notifications.services import notify
from linli.notifications.tasks import notifications_deliver

pytestmark = pytest.mark.django_db


class Texts:
    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        Texts.sent.append((phone, text))


class Down:
    def send(self, phone: str, text: str) -> None:
        raise OSError("gateway unreachable")


@pytest.fixture
def texts(settings):
    settings.LINLI_NOTIFY_SENDERS = ["email", "sms"]
    settings.LINLI_SMS_BACKEND = f"{__name__}.Texts"
    settings.LINLI_SITE_URL = "https://linli.example"
    Texts.sent = []
    return Texts.sent


def test_a_text_carries_the_title_and_link_not_the_text(world, texts):
    n = notify(users=[world.worker_a], kind="x", title="燃气报警", body="详情", url="/x/1/")[0]

    notifications_deliver.call([n.pk], ["sms"])
    notifications_deliver.call([n.pk], ["sms"])

    assert texts == [("13805330004", "燃气报警 https://linli.example/x/1/")]
    assert Delivery.objects.get(notification=n).status == Delivery.Status.SENT


def test_no_number_is_skipped_and_a_failing_gateway_recorded(world, texts, settings):
    none = notify(users=[world.grid_worker_a1], kind="x", title="t")[0]
    notifications_deliver.call([none.pk], ["sms"])
    assert Delivery.objects.get(notification=none).status == Delivery.Status.SKIPPED

    settings.LINLI_SMS_BACKEND = f"{__name__}.Down"
    n = notify(users=[world.worker_a], kind="x", title="t")[0]
    notifications_deliver.call([n.pk], ["sms"])
    delivery = Delivery.objects.get(notification=n)
    assert (delivery.status, delivery.detail) == (Delivery.Status.FAILED, "gateway unreachable")


def test_channels_narrow_the_senders_and_none_means_all(world, texts):
    n = notify(users=[world.worker_a], kind="x", title="t")[0]

    notifications_deliver.call([n.pk], [])
    assert not Delivery.objects.exists()  # the console's centre only

    notifications_deliver.call([n.pk])
    assert set(Delivery.objects.values_list("sender", flat=True)) == {"email", "sms"}
