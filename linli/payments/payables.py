"""The extension point of what can be paid for: payable kinds.

An app whose records cost money (the service hall's applications, property fees)
registers a `PayableKind` in its `AppConfig.ready()`. The payments app never imports
it: an order names its payable by the kind's `code` and the record's `ref` (a key, as
text), and asks the kind for what to charge and where the record lies. The amount
always comes from the kind, never from the payer's request.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise

if TYPE_CHECKING:
    from linli.accounts.models import User
    from linli.payments.models import PaymentOrder
    from linli.regions.models import Region


@dataclass(frozen=True)
class Payable:
    """What one record costs: its description (the order's subject), the amount in
    fen (分, a whole number), its region (who may see the order) and the account that
    pays (None: anyone the kind lets create the order, e.g. staff at a front desk)."""

    description: str
    amount_fen: int
    region: "Region"
    payer: "User | None" = None


@dataclass(frozen=True)
class PayableKind:
    """`describe(ref)`: the payable now, None if no such record (or nothing to pay).
    `on_paid(order)`: runs once, after the commit of the order's move to paid (the
    record's own service: e.g. an application moves on). `return_url(ref)`: where the
    payer goes back to after paying, or None for the order's own page. `on_refunded`,
    `on_expired(order)`: after the order is refunded, or closed unpaid for too long
    (the record may tell its people; it can be paid again with a new order)."""

    code: str
    label: str | Promise
    describe: Callable[[str], Payable | None]
    on_paid: Callable[["PaymentOrder"], None]
    return_url: Callable[[str], str | None] | None = None
    on_refunded: Callable[["PaymentOrder"], None] | None = None
    on_expired: Callable[["PaymentOrder"], None] | None = None


_KINDS: dict[str, PayableKind] = {}


def register(kind: PayableKind) -> PayableKind:
    if kind.code in _KINDS and _KINDS[kind.code] is not kind:
        raise ValueError(f"Payable kind {kind.code!r} is registered twice.")
    _KINDS[kind.code] = kind
    return kind


def unregister(code: str) -> None:
    """For tests that register a kind of their own."""
    _KINDS.pop(code, None)


def get(code: str) -> PayableKind | None:
    return _KINDS.get(code)


def label(code: str) -> str:
    kind = _KINDS.get(code)
    return str(kind.label) if kind is not None else code
