"""A payable kind for tests (fees held in memory), and a notification as the demo
provider signs it. The service hall's applications and property fees are the real
kinds; the payments app's tests and its part of the leak test need one of their own."""

import json
from typing import Any

from django.utils import timezone

from linli.accounts.models import User
from linli.payments import demo_provider, payables
from linli.payments.models import PaymentOrder
from linli.regions.models import Region

KIND = "test.fee"
FEES: dict[str, payables.Payable] = {}
PAID: list[int] = []  # the orders whose on_paid ran, in order
REFUNDED: list[int] = []  # … whose on_refunded ran
EXPIRED: list[int] = []  # … whose on_expired ran


def _describe(ref: str) -> payables.Payable | None:
    return FEES.get(ref)


def _on_paid(order: PaymentOrder) -> None:
    PAID.append(order.pk)


TEST_FEE = payables.PayableKind(
    code=KIND,
    label="测试费用",
    describe=_describe,
    on_paid=_on_paid,
    return_url=None,
    on_refunded=lambda order: REFUNDED.append(order.pk),
    on_expired=lambda order: EXPIRED.append(order.pk),
)


def fee(
    ref: str, region: Region, amount_fen: int, payer: User | None = None, description: str = ""
) -> str:
    """A fee to pay, under `ref` (the kind registered, if it was not)."""
    payables.register(TEST_FEE)
    FEES[ref] = payables.Payable(
        description=description or f"物业费 {ref}",
        amount_fen=amount_fen,
        region=region,
        payer=payer,
    )
    return ref


def notification(
    order: PaymentOrder,
    *,
    notify_id: str = "N1",
    amount_fen: int | None = None,
    success: bool = True,
    out_trade_no: str | None = None,
) -> tuple[bytes, dict[str, str]]:
    """A notification signed by the demo provider: body and headers."""
    data = demo_provider.payload(
        notify_id=notify_id,
        out_trade_no=out_trade_no or order.out_trade_no,
        trade_no="4200000001",
        amount_fen=order.amount_fen if amount_fen is None else amount_fen,
        success=success,
        at=timezone.now(),
    )
    return demo_provider.signed(data)


def as_http_headers(headers: dict[str, str]) -> dict[str, Any]:
    """Headers for Django's test client."""
    return {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}


def post_notification(client: Any, body: bytes, headers: dict[str, str]) -> Any:
    return client.post(
        "/pay/notify/demo/", body, content_type="application/json", **as_http_headers(headers)
    )


def answer(response: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(response.content)
    return data
