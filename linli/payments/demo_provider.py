"""The demo payment provider: a checkout page that stands in for the payer's wallet
app, its own ledger of what was paid (`DemoCharge`, its statement) and notifications
signed the way WeChat Pay's API v3 signs them: HMAC-SHA256 (WeChat: RSA) over
"timestamp\\nnonce\\nbody\\n", in the headers `Linli-Pay-Timestamp`, `Linli-Pay-Nonce`
and `Linli-Pay-Signature` (base64). The key is `LINLI_PAYMENT_DEMO_SECRET` (or its
`_FILE`), else one derived from the deployment's secret key.

It moves no money: never select it where residents really pay (docs/payments.md).
"""

import base64
import hashlib
import hmac
import json
import secrets
import urllib.request
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from linli.payments.choices import CURRENCY
from linli.payments.providers import (
    BadSignature,
    Notification,
    ProviderRefused,
    StatementLine,
    Unreadable,
)

if TYPE_CHECKING:
    from linli.payments.models import PaymentOrder

CODE = "demo"
HEADERS = ("Linli-Pay-Timestamp", "Linli-Pay-Nonce", "Linli-Pay-Signature")


def _key() -> bytes:
    secret: str = settings.LINLI_PAYMENT_DEMO_SECRET
    if secret:
        return secret.encode()
    return hashlib.sha256(b"linli.payments.demo:" + settings.SECRET_KEY.encode()).digest()


def sign(body: bytes, timestamp: str, nonce: str) -> str:
    message = timestamp.encode() + b"\n" + nonce.encode() + b"\n" + body + b"\n"
    digest = hmac.new(_key(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed(payload: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """A notification's body and headers, as the demo provider sends them."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = str(int(timezone.now().timestamp()))
    nonce = secrets.token_hex(16)
    return body, dict(zip(HEADERS, (timestamp, nonce, sign(body, timestamp, nonce)), strict=True))


def payload(
    *,
    notify_id: str,
    out_trade_no: str,
    trade_no: str,
    amount_fen: int,
    success: bool,
    at: datetime,
) -> dict[str, Any]:
    return {
        "id": notify_id,
        "out_trade_no": out_trade_no,
        "transaction_id": trade_no,
        "amount": {"total": amount_fen, "currency": CURRENCY},
        "trade_state": "SUCCESS" if success else "CLOSED",
        "success_time": at.isoformat() if success else None,
    }


def deliver(body: bytes, headers: dict[str, str]) -> int:
    """POST a notification to this deployment's callback endpoint (as the provider
    would from its servers); the HTTP status of the answer."""
    url = settings.LINLI_SITE_URL + reverse("pay:notify", args=[CODE])
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"LINLI_SITE_URL is not an http(s) URL: {url}")
    # Our own address, http(s) only (checked above): S310 does not apply.
    request = urllib.request.Request(  # noqa: S310
        url, data=body, method="POST", headers={"Content-Type": "application/json", **headers}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        status: int = answer.status
        return status


class DemoProvider:
    code: str = CODE
    label: str | Promise = gettext_lazy("Simulated payment (demo)")

    def checkout_url(self, order: "PaymentOrder") -> str:
        return reverse("pay:demo-checkout", args=[order.out_trade_no])

    def verify(self, body: bytes, headers: Any) -> Notification:
        timestamp, nonce, signature = (headers.get(name, "") for name in HEADERS)
        if not (timestamp and nonce and signature):
            raise BadSignature("unsigned")
        if not hmac.compare_digest(sign(body, timestamp, nonce), signature):
            raise BadSignature("signature")
        try:
            data = json.loads(body)
            amount = data["amount"]
            refund = "refund_status" in data
            success = data["refund_status" if refund else "trade_state"] == "SUCCESS"
            paid = datetime.fromisoformat(data["success_time"]) if success else None
            found = Notification(
                refund=refund,
                notify_id=str(data["id"])[:64],
                out_trade_no=str(data["out_trade_no"])[:64],
                trade_no=str(data["transaction_id"])[:64],
                amount_fen=int(amount["total"]),
                currency=str(amount["currency"]),
                success=success,
                paid_at=paid,
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise Unreadable(str(exc)) from exc
        return found

    def refund(self, order: "PaymentOrder", *, refund_no: str, reason: str) -> None:
        """The demo provider refunds what its ledger has paid, and notifies (signed,
        after the commit) as WeChat Pay's refund notification does."""
        from django.db import transaction

        from linli.payments.models import DemoCharge
        from linli.payments.tasks import demo_notify

        charge = DemoCharge.objects.select_for_update().filter(out_trade_no=order.out_trade_no)
        found = charge.first()
        if found is None or found.amount_fen != order.amount_fen:
            raise ProviderRefused(str(gettext_lazy("The provider has no such payment.")))
        if found.refunded_at is None:
            now = timezone.now()
            charge.update(refund_no=refund_no, refunded_at=now)
        else:
            now = found.refunded_at
        data = {
            "id": f"R{secrets.token_hex(12)}",
            "out_trade_no": order.out_trade_no,
            "transaction_id": found.trade_no,
            "out_refund_no": refund_no,
            "amount": {"total": order.amount_fen, "refund": order.amount_fen, "currency": CURRENCY},
            "refund_status": "SUCCESS",
            "success_time": now.isoformat(),
        }
        transaction.on_commit(lambda: demo_notify.enqueue(data))

    def close(self, order: "PaymentOrder") -> bool:
        from linli.payments.models import DemoCharge

        return not DemoCharge.objects.filter(out_trade_no=order.out_trade_no).exists()

    def statement(self, day: date) -> list[StatementLine]:
        from linli.payments.models import DemoCharge

        start = timezone.make_aware(datetime.combine(day, time.min))
        charges = DemoCharge.objects.filter(
            paid_at__gte=start, paid_at__lt=start + timedelta(days=1)
        )
        return [
            StatementLine(
                out_trade_no=c.out_trade_no,
                trade_no=c.trade_no,
                amount_fen=c.amount_fen,
                paid_at=c.paid_at,
                refunded=c.refunded_at is not None,
            )
            for c in charges
        ]
