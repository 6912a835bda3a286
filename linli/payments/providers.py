"""The payment provider interface and the setting that selects one.

A provider takes payers to its checkout, signs the notifications it sends to
`/pay/notify/<code>/` (verified here) and gives a statement of a day's payments for
reconciliation. `LINLI_PAYMENT_PROVIDER` names the one in use by its `code`; the demo
provider (demo_provider.py) is built in, a real one (WeChat Pay, Alipay, UnionPay)
registers itself from its own app's `ready()` (docs/payments.md).
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

if TYPE_CHECKING:
    from linli.payments.models import PaymentOrder


class BadSignature(Exception):
    """A notification without a valid signature: not from the provider."""


class ProviderRefused(Exception):
    """The provider refused a request (a refund): its message, for the staff."""


class Unreadable(Exception):
    """A signed notification whose body is not what the provider's format says."""


@dataclass(frozen=True)
class Notification:
    """A provider's notification of a payment's outcome, once verified."""

    notify_id: str
    out_trade_no: str
    trade_no: str
    amount_fen: int
    currency: str
    success: bool
    paid_at: datetime | None
    refund: bool = False  # the outcome of a refund (`success`: refunded), not a payment


@dataclass(frozen=True)
class StatementLine:
    """One payment of the provider's statement (对账单)."""

    out_trade_no: str
    trade_no: str
    amount_fen: int
    paid_at: datetime
    refunded: bool = False  # refunded in full since


class Provider(Protocol):
    code: str
    label: str | Promise

    def checkout_url(self, order: "PaymentOrder") -> str:
        """Where the payer pays (the provider's page, or a deep link to its app)."""

    def verify(self, body: bytes, headers: Any) -> Notification:
        """The notification, if its signature is the provider's (else BadSignature;
        a signed body that cannot be read: Unreadable)."""

    def statement(self, day: date) -> list[StatementLine]:
        """The provider's payments of a day (local time)."""

    def refund(self, order: "PaymentOrder", *, refund_no: str, reason: str) -> None:
        """Ask for the paid order's full refund (its outcome comes as a signed
        notification with `refund` set); ProviderRefused if the provider says no."""

    def close(self, order: "PaymentOrder") -> bool:
        """Close an unpaid order at the provider so it can no longer be paid; False if
        the provider has it paid (the notification or reconciliation will tell)."""


_PROVIDERS: dict[str, Provider] = {}


def register(provider: Provider) -> None:
    _PROVIDERS[provider.code] = provider


def by_code(code: str) -> Provider | None:
    return _PROVIDERS.get(code)


def label(code: str) -> str:
    found = _PROVIDERS.get(code)
    return str(found.label) if found is not None else code


def current() -> Provider:
    """The provider `LINLI_PAYMENT_PROVIDER` names."""
    code: str = settings.LINLI_PAYMENT_PROVIDER
    found = _PROVIDERS.get(code)
    if found is None:
        raise ImproperlyConfigured(
            f"LINLI_PAYMENT_PROVIDER: no payment provider {code!r} "
            f"(known: {', '.join(sorted(_PROVIDERS))})."
        )
    return found


def check_setting(**kwargs: Any) -> list[checks.CheckMessage]:
    """`linli check` (and migrate, runserver): the setting names a registered provider."""
    try:
        current()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="payments.E001")]
    if settings.LINLI_PAYMENT_PROVIDER == "demo":
        return [
            checks.Warning(
                "LINLI_PAYMENT_PROVIDER is demo: payments are simulated and any payer "
                "may confirm their own order as paid. Never where residents really pay.",
                id="payments.W001",
            )
        ]
    return []
