"""Text messages (SMS) out of the platform: a backend is a class with
`send(phone, text)`; `LINLI_SMS_BACKEND` names the one a deployment uses (a dotted
path: a gateway's client, written for that gateway). The default, `LogBackend`,
writes messages to the log instead of sending them: what the demo and tests use
(verification codes then appear in the server's log). A backend that delivers
nothing says so with `shows_codes = True`: the page that asked for a verification
code then shows it, as nobody could receive it otherwise. Gateways never do."""

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
    """Writes each message to the log (the number masked), sends nothing: the demo's
    visitors are shown their codes on the page instead."""

    shows_codes = True

    def send(self, phone: str, text: str) -> None:
        log.warning(
            "SMS to %s (not sent, LINLI_SMS_BACKEND logs only): %s", mask_phone(phone), text
        )


def backend() -> SmsBackend:
    chosen: SmsBackend = import_string(settings.LINLI_SMS_BACKEND)()
    return chosen
