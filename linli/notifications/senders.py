"""Senders (the outbound channels): how a notification leaves the platform. Each is a small class
with a `name` and `send(notification) -> (status, detail)`; `LINLI_NOTIFY_SENDERS`
lists the ones a deployment uses. Email and text messages (through the deployment's
`LINLI_SMS_BACKEND`, linli/core/sms.py) are built in; a messaging app plugs in the
same way (register it in `SENDERS`)."""

import logging
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail

from linli.core.sms import backend as sms_backend
from linli.notifications.models import Delivery, Notification

log = logging.getLogger(__name__)


class Sender(Protocol):
    name: str

    def send(self, notification: Notification) -> tuple[str, str]: ...


class EmailSender:
    """To the user's email address, through Django's email backend (SMTP when
    `LINLI_SMTP_HOST` is set, else written to the log)."""

    name = "email"

    def send(self, notification: Notification) -> tuple[str, str]:
        address = notification.user.email
        if not address:
            return Delivery.Status.SKIPPED, "no email address"
        # The title and the link only: what the case says stays in the console, out of
        # mailboxes and mail logs.
        body = f"{settings.LINLI_SITE_URL}{notification.url}" if notification.url else ""
        try:
            send_mail(notification.title, body, None, [address])
        except OSError as exc:  # SMTP refused or unreachable: recorded, retried never
            log.warning("email notification %s failed: %s", notification.pk, exc)
            return Delivery.Status.FAILED, str(exc)[:200]
        return Delivery.Status.SENT, ""


class SmsSender:
    """A text message to the user's mobile number, through the deployment's SMS
    backend (`LINLI_SMS_BACKEND`: a gateway's client; by default the log). Like
    email, the title and the link only."""

    name = "sms"

    def send(self, notification: Notification) -> tuple[str, str]:
        phone = notification.user.phone
        if not phone:
            return Delivery.Status.SKIPPED, "no mobile number"
        text = notification.title
        if notification.url:
            text = f"{text} {settings.LINLI_SITE_URL}{notification.url}"
        try:
            sms_backend().send(phone, text)
        except OSError as exc:  # the gateway refused or is unreachable: recorded
            log.warning("text notification %s failed: %s", notification.pk, exc)
            return Delivery.Status.FAILED, str(exc)[:200]
        return Delivery.Status.SENT, ""


SENDERS: dict[str, Sender] = {sender.name: sender for sender in (EmailSender(), SmsSender())}


def configured() -> list[Sender]:
    return [SENDERS[name] for name in settings.LINLI_NOTIFY_SENDERS]
