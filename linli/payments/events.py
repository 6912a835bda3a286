"""The payments app's domain events (linli.core.events): `payment.paid` once an order
is paid. Its subscriber (subscribers.py) runs the payable kind's `on_paid`, after the
commit and again if it failed (at least once: `on_paid` does what it does once)."""

from dataclasses import dataclass
from typing import ClassVar

from linli.core.events import DomainEvent


@dataclass(frozen=True)
class OrderPaid(DomainEvent):
    name: ClassVar[str] = "payment.paid"
    order_id: int
    kind: str
    ref: str
    region_path: str


@dataclass(frozen=True)
class OrderRefunded(DomainEvent):
    """`payment.refunded`: the provider confirmed the order's full refund."""

    name: ClassVar[str] = "payment.refunded"
    order_id: int
    kind: str
    ref: str
    region_path: str


@dataclass(frozen=True)
class OrderExpired(DomainEvent):
    """`payment.expired`: an order left unpaid too long was closed (the payable may
    be paid again with a new order)."""

    name: ClassVar[str] = "payment.expired"
    order_id: int
    kind: str
    ref: str
    region_path: str
