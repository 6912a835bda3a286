"""Text messages (SMS) out of the platform: a backend is a class with
`send(phone, text)`; `LINLI_SMS_BACKEND` names the one a deployment uses (a dotted
path: a gateway's client, written for that gateway). The default, `LogBackend`,
writes messages to the log instead of sending them (verification codes then appear
in the server's log only). `DemoBackend`, which `make demo` names, also says
`shows_codes = True`: the page that asked for a verification code shows it, as the
demo's visitors could receive it no other way — which proves nothing about a number,
so a system check warns wherever it is configured. Gateways never show codes."""

import logging
from typing import Any, Protocol

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

from linli.core.crypto import mask_phone

log = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None:
        """Send `text` to the mainland mobile number `phone`; raise OSError on failure."""


class LogBackend:
    """Writes each message to the log (the number masked), sends nothing."""

    shows_codes = False

    def send(self, phone: str, text: str) -> None:
        log.warning(
            "SMS to %s (not sent, LINLI_SMS_BACKEND logs only): %s", mask_phone(phone), text
        )


class DemoBackend(LogBackend):
    """The log's, and the page that asked for a code shows it (the demo: `make demo`)."""

    shows_codes = True


def check_backend(**kwargs: Any) -> list[checks.CheckMessage]:
    """A warning at every start where codes are shown on the page."""
    if not getattr(import_string(settings.LINLI_SMS_BACKEND), "shows_codes", False):
        return []
    return [
        checks.Warning(
            "LINLI_SMS_BACKEND shows verification codes on the page (the demo's): "
            "anyone may prove any phone number. Never in production.",
            id="linli.W001",
        )
    ]


def backend() -> SmsBackend:
    chosen: SmsBackend = import_string(settings.LINLI_SMS_BACKEND)()
    return chosen
