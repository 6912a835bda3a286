"""Senders (the outbound channels): how a notification leaves the platform. Each is a small class
with a `name` and `send(notification) -> (status, detail)`; `LINLI_NOTIFY_SENDERS`
lists the ones a deployment uses. Email is built in; an SMS gateway or a messaging
app plugs in the same way (register it in `SENDERS`)."""

import logging
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail

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


SENDERS: dict[str, Sender] = {sender.name: sender for sender in (EmailSender(),)}


def configured() -> list[Sender]:
    return [SENDERS[name] for name in settings.LINLI_NOTIFY_SENDERS]
