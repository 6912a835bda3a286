"""Text messages (SMS) out of the platform: a backend is a class with
`send(phone, text)`; `LINLI_SMS_BACKEND` names the one a deployment uses (a dotted
path: a gateway's client, written for that gateway). The default, `LogBackend`,
writes messages to the log instead of sending them: what the demo and tests use
(verification codes then appear in the server's log)."""

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from linli.core.crypto import mask_phone

log = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None:
        """Send `text` to the mainland mobile number `phone`; raise OSError on failure."""


class LogBackend:
    """Writes each message to the log (the number masked), sends nothing."""

    def send(self, phone: str, text: str) -> None:
        log.warning(
            "SMS to %s (not sent, LINLI_SMS_BACKEND logs only): %s", mask_phone(phone), text
        )


def backend() -> SmsBackend:
    chosen: SmsBackend = import_string(settings.LINLI_SMS_BACKEND)()
    return chosen
