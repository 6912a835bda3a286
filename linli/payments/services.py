"""Every write of the payments app: orders (created for a payable, idempotently),
the state machine and its log, the provider's notifications (verified, applied once,
refused and audited when they contradict the order), the demo provider's payer
confirming, and reconciliation with the provider's statement."""

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.core import events
from linli.core.scoping import AnyUser
from linli.payments import demo_provider, payables, providers
from linli.payments.choices import (
    CURRENCY,
    LIVE,
    MOVES,
    OPEN,
    PAID_ONCE,
    Mismatch,
    OrderState,
    Outcome,
    Refusal,
    Source,
)
from linli.payments.events import OrderExpired, OrderPaid, OrderRefunded
from linli.payments.models import (
    DemoCharge,
    PaymentNotification,
    PaymentOrder,
    PaymentTransition,
    Reconciliation,
    ReconciliationItem,
)
from linli.payments.permissions import PAYMENT_MANAGE, PAYMENT_VIEW
from linli.regions.models import Region
from linli.regions.selectors import district_path, ensure_may, may

logger = logging.getLogger(__name__)

MAX_FEN = 100_000_000_00  # a hundred million yuan: no community fee comes near


def _user(by: AnyUser | None) -> User | None:
    return by if isinstance(by, User) else None


def _out_trade_no() -> str:
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    return f"LL{stamp}{secrets.randbelow(10**8):08d}"


def _move(order: PaymentOrder, to: str, *, source: str, by: AnyUser | None, note: str = "") -> None:
    """One move of the state machine, logged and audited; the order is locked."""
    if to not in MOVES[order.state]:
        raise ValidationError(
            _("A payment order that is “%(state)s” cannot become “%(to)s”.")
            % {"state": order.get_state_display(), "to": OrderState(to).label}
        )
    old = order.state
    order.state = to
    fields = ["state"]
    if to == OrderState.PAID:
        order.paid_at = timezone.now()
        fields.append("paid_at")
    if to in (OrderState.FAILED, OrderState.CANCELLED, OrderState.REFUNDED):
        order.closed_at = timezone.now()
        fields.append("closed_at")
    if to == OrderState.REFUNDED:
        order.refunded_at = order.closed_at
        fields.append("refunded_at")
    order.save(update_fields=[*fields, "trade_no", "refund_no", "refund_reason"])
    PaymentTransition.objects.create(
        order=order, from_state=old, to_state=to, source=source, by=_user(by), note=note[:200]
    )
    audit_record(
        action=AuditAction.RECORD_UPDATE,
        actor=_user(by),
        obj=order,
        object_label=order.out_trade_no,
        details={"from": old, "to": to, "source": source},
    )
    if to == OrderState.PAID and old != OrderState.REFUNDING:
        events.publish(
            OrderPaid(
                order_id=order.pk, kind=order.kind, ref=order.ref, region_path=order.region.path
            )
        )
    elif to == OrderState.REFUNDED:
        events.publish(
            OrderRefunded(
                order_id=order.pk, kind=order.kind, ref=order.ref, region_path=order.region.path
            )
        )


# --- orders --------------------------------------------------------------------------


@transaction.atomic
def payment_order_create(*, kind: str, ref: str, by: AnyUser | None) -> tuple[PaymentOrder, bool]:
    """The order paying for a payable, and whether it is new (like `get_or_create`):
    the live one if there is one (a request made twice gets the same order), else a
    new one with the amount the kind says."""
    payable_kind = payables.get(kind)
    if payable_kind is None:
        raise ValidationError({"kind": _("Unknown payable kind.")})
    payable = payable_kind.describe(ref)
    if payable is None or (
        by is not None
        and not (payable.payer is not None and payable.payer == _user(by))
        and not may(by, payable.region, PAYMENT_VIEW)
    ):
        raise ValidationError({"ref": _("Nothing of that kind to pay for.")})
    if not 0 < payable.amount_fen <= MAX_FEN:
        raise ValidationError({"ref": _("The amount to pay is not a valid amount.")})
    live = PaymentOrder.objects.filter(kind=kind, ref=ref, state__in=LIVE).first()
    if live is not None:
        return live, False
    order = PaymentOrder(
        out_trade_no=_out_trade_no(),
        kind=kind,
        ref=ref,
        subject=payable.description[:128],
        amount_fen=payable.amount_fen,
        currency=CURRENCY,
        region=payable.region,
        payer=payable.payer,
        provider=providers.current().code,
    )
    try:
        with transaction.atomic():
            order.save()
    except IntegrityError:
        # Someone created it at the same moment: theirs is the order.
        return PaymentOrder.objects.get(kind=kind, ref=ref, state__in=LIVE), False
    PaymentTransition.objects.create(
        order=order,
        from_state="",
        to_state=OrderState.CREATED,
        source=_source(order, by),
        by=_user(by),
    )
    audit_record(
        action=AuditAction.RECORD_CREATE,
        actor=_user(by),
        obj=order,
        object_label=order.out_trade_no,
        details={"kind": kind, "amount_fen": order.amount_fen},
    )
    return order, True


def _is_payer(order: PaymentOrder, by: AnyUser | None) -> bool:
    user = _user(by)
    return user is not None and order.payer_id is not None and order.payer_id == user.pk


def _source(order: PaymentOrder, by: AnyUser | None) -> str:
    if by is None:
        return Source.SYSTEM
    return Source.PAYER if _is_payer(order, by) else Source.STAFF


def _locked(order: PaymentOrder) -> PaymentOrder:
    locked: PaymentOrder = (
        PaymentOrder.objects.select_for_update().select_related("region").get(pk=order.pk)
    )
    return locked


def _ensure_payer_or_staff(order: PaymentOrder, by: AnyUser | None, action: str) -> None:
    if by is None or _is_payer(order, by):
        return
    ensure_may(by, order.region, action)


@transaction.atomic
def payment_checkout(*, order: PaymentOrder, by: AnyUser | None) -> str:
    """The payer sets off to pay: the order is paying; the provider's checkout URL."""
    _ensure_payer_or_staff(order, by, PAYMENT_VIEW)
    order = _locked(order)
    if order.state == OrderState.CREATED:
        _move(order, OrderState.PENDING, source=_source(order, by), by=by)
    elif order.state != OrderState.PENDING:
        raise ValidationError(
            _("This order cannot be paid: it is “%(state)s”.")
            % {"state": order.get_state_display()}
        )
    return providers.current().checkout_url(order)


@transaction.atomic
def payment_cancel(*, order: PaymentOrder, note: str, by: AnyUser | None) -> PaymentOrder:
    """An unpaid order closed (by its payer, or by staff who manage payments there)."""
    _ensure_payer_or_staff(order, by, PAYMENT_MANAGE)
    order = _locked(order)
    if order.state not in OPEN:
        raise ValidationError(
            _("Only an unpaid order can be cancelled; this one is “%(state)s”.")
            % {"state": order.get_state_display()}
        )
    _move(order, OrderState.CANCELLED, source=_source(order, by), by=by, note=note.strip())
    return order


@transaction.atomic
def payment_refund(*, order: PaymentOrder, reason: str, by: AnyUser) -> PaymentOrder:
    """Refund a paid order in full (staff who manage payments there): the order is
    being refunded until the provider's signed notification says it is done. Asking
    again while it is under way or done changes nothing and says so."""
    ensure_may(by, order.region, PAYMENT_MANAGE)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the refund.")})
    order = _locked(order)
    if order.state in (OrderState.REFUNDING, OrderState.REFUNDED):
        raise ValidationError(
            _("This order is “%(state)s” already.") % {"state": order.get_state_display()}
        )
    if order.state != OrderState.PAID:
        raise ValidationError(
            _("Only a paid order can be refunded; this one is “%(state)s”.")
            % {"state": order.get_state_display()}
        )
    order.refund_no = order.refund_no or f"RF{order.out_trade_no[2:]}"[:32]
    order.refund_reason = reason[:200]
    provider = providers.by_code(order.provider)
    if provider is None:
        raise ValidationError(_("The order's payment provider is not available."))
    try:
        provider.refund(order, refund_no=order.refund_no, reason=order.refund_reason)
    except providers.ProviderRefused as exc:
        raise ValidationError(
            _("The payment provider refused the refund: %(why)s") % {"why": str(exc)[:200]}
        ) from exc
    _move(order, OrderState.REFUNDING, source=Source.STAFF, by=by, note=order.refund_reason)
    return order


def payment_orders_expire(*, hours: int | None = None) -> int:
    """Close the orders unpaid for longer than `hours` (`LINLI_PAYMENT_UNPAID_HOURS`)
    at the provider and here; the payable kind hears of each (`on_expired`) and may be
    paid again. An order the provider has paid is left open for its notification (or
    reconciliation). Run again, it finds nothing more: how many were closed."""
    hours = hours or settings.LINLI_PAYMENT_UNPAID_HOURS
    before = timezone.now() - timedelta(hours=hours)
    closed = 0
    stale = PaymentOrder.objects.filter(state__in=OPEN, created_at__lt=before).order_by("pk")
    for pk in stale.values_list("pk", flat=True)[:1000]:
        with transaction.atomic():
            order = (
                PaymentOrder.objects.select_for_update(skip_locked=True)
                .select_related("region")
                .filter(pk=pk, state__in=OPEN)
                .first()
            )
            if order is None:
                continue
            provider = providers.by_code(order.provider)
            if provider is None or not provider.close(order):
                continue
            _move(
                order,
                OrderState.CANCELLED,
                source=Source.SYSTEM,
                by=None,
                note=_("Unpaid for %(n)s hours: closed.") % {"n": hours},
            )
            events.publish(
                OrderExpired(
                    order_id=order.pk, kind=order.kind, ref=order.ref, region_path=order.region.path
                )
            )
            closed += 1
    return closed


# --- notifications -------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What the callback endpoint answers the provider: `ok` stops its retries."""

    ok: bool
    status: int
    message: str


ANSWERS = {
    Outcome.APPLIED: Answer(True, 200, "OK"),
    Outcome.ALREADY: Answer(True, 200, "OK"),
    Refusal.UNKNOWN_ORDER: Answer(False, 404, "unknown out_trade_no"),
    Refusal.AMOUNT: Answer(False, 400, "amount or currency does not match the order"),
    Refusal.FINAL: Answer(True, 200, "OK (order already closed; left for reconciliation)"),
    Refusal.NOT_REFUNDING: Answer(True, 200, "OK (no refund was asked; left for reconciliation)"),
}
UNSIGNED = Answer(False, 401, "signature missing or invalid")
UNREADABLE = Answer(False, 400, "unreadable notification")


def _answer(note: PaymentNotification) -> Answer:
    return (
        ANSWERS[Refusal(note.refusal)]
        if note.outcome == Outcome.REFUSED
        else ANSWERS[Outcome(note.outcome)]
    )


def payment_notify(*, provider_code: str, body: bytes, headers: Any) -> Answer:
    """A provider's notification (the callback): verified, then applied once. A
    replay (same notification id) gets the same answer and does nothing; a second
    notification for a paid order does nothing either. Signed notifications that
    contradict the order (unknown order, wrong amount, a closed order) are refused
    or left alone, recorded and audited; unsigned ones are refused and logged."""
    provider = providers.by_code(provider_code)
    if provider is None:
        return UNSIGNED
    try:
        found = provider.verify(body, headers)
    except providers.BadSignature as exc:
        logger.warning("payments: %s notification refused: %s", provider_code, exc)
        return UNSIGNED
    except providers.Unreadable as exc:
        logger.warning("payments: %s notification unreadable: %s", provider_code, exc)
        return UNREADABLE
    return _apply(provider_code, found)


@transaction.atomic
def _apply(provider_code: str, found: providers.Notification) -> Answer:
    order = (
        PaymentOrder.objects.select_for_update()
        .select_related("region")
        .filter(out_trade_no=found.out_trade_no, provider=provider_code)
        .first()
    )
    seen = PaymentNotification.objects.filter(provider=provider_code, notify_id=found.notify_id)
    earlier = seen.select_for_update().first()
    if earlier is not None:
        seen.update(repeats=earlier.repeats + 1)
        return _answer(earlier)
    refusal = ""
    outcome = Outcome.APPLIED
    if order is None:
        outcome, refusal = Outcome.REFUSED, Refusal.UNKNOWN_ORDER
    elif found.amount_fen != order.amount_fen or found.currency != order.currency:
        outcome, refusal = Outcome.REFUSED, Refusal.AMOUNT
    elif found.refund:
        if order.state == OrderState.REFUNDED:
            outcome = Outcome.ALREADY
        elif order.state != OrderState.REFUNDING:
            outcome, refusal = Outcome.REFUSED, Refusal.NOT_REFUNDING
    elif order.state in PAID_ONCE or (not found.success and order.state != OrderState.PENDING):
        outcome = Outcome.ALREADY
    elif order.state not in OPEN:
        outcome, refusal = Outcome.REFUSED, Refusal.FINAL
    try:
        with transaction.atomic():
            note = PaymentNotification.objects.create(
                provider=provider_code,
                notify_id=found.notify_id,
                out_trade_no=found.out_trade_no,
                order=order,
                amount_fen=found.amount_fen,
                success=found.success,
                outcome=outcome,
                refusal=refusal,
            )
    except IntegrityError:
        # The same notification, at the same moment, for no order we could lock.
        return _answer(
            PaymentNotification.objects.get(provider=provider_code, notify_id=found.notify_id)
        )
    if outcome == Outcome.APPLIED and order is not None and found.refund:
        _move(
            order,
            OrderState.REFUNDED if found.success else OrderState.PAID,
            source=Source.PROVIDER,
            by=None,
            note="" if found.success else _("The provider could not refund it."),
        )
    elif outcome == Outcome.APPLIED and order is not None:
        order.trade_no = found.trade_no[:64]
        _move(
            order,
            OrderState.PAID if found.success else OrderState.FAILED,
            source=Source.PROVIDER,
            by=None,
        )
    elif outcome == Outcome.REFUSED:
        audit_record(
            action=AuditAction.PAYMENT_REFUSED,
            obj=order if order is not None else None,
            region=None if order is not None else _district(),
            object_type="" if order is not None else "payments.paymentnotification",
            object_id="" if order is not None else str(note.pk),
            object_label=found.out_trade_no[:64],
            details={
                "provider": provider_code,
                "notification": found.notify_id,
                "refusal": refusal,
                "amount_fen": found.amount_fen,
                "currency": found.currency[:3],
            },
        )
    return _answer(note)


def _district() -> Region | None:
    return Region.objects.filter(path=district_path()).first()


# --- the demo provider's payer ------------------------------------------------------


@transaction.atomic
def demo_payer_confirm(*, order: PaymentOrder, success: bool, by: AnyUser | None) -> None:
    """On the demo provider's checkout page, the payer confirms (or the payment fails):
    the provider records the payment in its ledger and notifies us, signed, from its
    side (a task posts to the callback endpoint after the commit)."""
    from linli.payments.tasks import demo_notify

    _ensure_payer_or_staff(order, by, PAYMENT_VIEW)
    order = _locked(order)
    if order.provider != demo_provider.CODE or order.state != OrderState.PENDING:
        raise ValidationError(_("This order is not waiting for payment."))
    if DemoCharge.objects.filter(out_trade_no=order.out_trade_no).exists():
        raise ValidationError(_("This order is paid already; the confirmation is on its way."))
    now = timezone.now()
    notify_id = f"N{secrets.token_hex(12)}"
    trade_no = f"4200{timezone.localtime(now).strftime('%Y%m%d')}{secrets.randbelow(10**12):012d}"
    if success:
        DemoCharge.objects.create(
            trade_no=trade_no,
            out_trade_no=order.out_trade_no,
            amount_fen=order.amount_fen,
            paid_at=now,
            notify_id=notify_id,
        )
    data = demo_provider.payload(
        notify_id=notify_id,
        out_trade_no=order.out_trade_no,
        trade_no=trade_no,
        amount_fen=order.amount_fen,
        success=success,
        at=now,
    )
    transaction.on_commit(lambda: demo_notify.enqueue(data))


# --- reconciliation ------------------------------------------------------------------


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


@transaction.atomic
def reconcile(*, day: date, region: Region, by: AnyUser | None) -> Reconciliation:
    """Compare the provider's statement of a day with the orders of a region: payments
    with no order here (for the whole district only), orders paid here the statement
    lacks, amounts that differ, payments the provider made that this side never heard
    of (a lost notification: still unpaid here)."""
    ensure_may(by, region, PAYMENT_MANAGE)
    provider = providers.current()
    lines = provider.statement(day)
    whole = region.path == district_path()
    orders = {
        o.out_trade_no: o
        for o in PaymentOrder.objects.filter(
            provider=provider.code,
            region__path__startswith=region.path,
            out_trade_no__in=[line.out_trade_no for line in lines],
        )
    }
    start, end = _day_bounds(day)
    paid_here = PaymentOrder.objects.filter(
        provider=provider.code,
        region__path__startswith=region.path,
        state__in=PAID_ONCE,
        paid_at__gte=start,
        paid_at__lt=end,
    )
    items: list[ReconciliationItem] = []
    counted = 0
    in_statement = set()
    for line in lines:
        in_statement.add(line.out_trade_no)
        order = orders.get(line.out_trade_no)
        if order is None:
            if whole:
                items.append(
                    ReconciliationItem(
                        mismatch=Mismatch.NOT_HERE,
                        out_trade_no=line.out_trade_no,
                        statement_fen=line.amount_fen,
                    )
                )
                counted += 1
            continue
        counted += 1
        if order.amount_fen != line.amount_fen:
            items.append(
                ReconciliationItem(
                    mismatch=Mismatch.AMOUNT,
                    out_trade_no=line.out_trade_no,
                    order=order,
                    statement_fen=line.amount_fen,
                    order_fen=order.amount_fen,
                )
            )
        elif order.state not in PAID_ONCE:
            items.append(
                ReconciliationItem(
                    mismatch=Mismatch.UNPAID_HERE,
                    out_trade_no=line.out_trade_no,
                    order=order,
                    statement_fen=line.amount_fen,
                    order_fen=order.amount_fen,
                )
            )
        elif line.refunded != (order.state == OrderState.REFUNDED):
            items.append(
                ReconciliationItem(
                    mismatch=Mismatch.REFUND,
                    out_trade_no=line.out_trade_no,
                    order=order,
                    statement_fen=line.amount_fen,
                    order_fen=order.amount_fen,
                )
            )
    for order in paid_here.exclude(out_trade_no__in=in_statement):
        items.append(
            ReconciliationItem(
                mismatch=Mismatch.NOT_THERE,
                out_trade_no=order.out_trade_no,
                order=order,
                order_fen=order.amount_fen,
            )
        )
    run = Reconciliation.objects.create(
        provider=provider.code,
        day=day,
        region=region,
        by=_user(by),
        lines=counted,
        matched=counted - sum(1 for i in items if i.mismatch != Mismatch.NOT_THERE),
    )
    for item in items:
        item.reconciliation = run
    ReconciliationItem.objects.bulk_create(items)
    audit_record(
        action=AuditAction.RECORD_CREATE,
        actor=_user(by),
        obj=run,
        object_label=f"{provider.code} {day.isoformat()}",
        details={"lines": counted, "mismatches": len(items)},
    )
    return run
