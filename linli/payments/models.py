"""Payment orders (支付订单), their transition log, the provider's notifications as
received, the demo provider's own ledger, and reconciliations with the provider.

An order names what it pays for by a payable kind's code and the record's key
(payables.py); its amount is in fen (分), a whole number, always in CNY. `out_trade_no`
(商户订单号) is the order's number at the provider. A payable has at most one live
order (created, paying or paid): a second request gets the same order.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.scoping import ScopedQuerySet
from linli.payments import payables, providers
from linli.payments.choices import CURRENCY, LIVE, Mismatch, OrderState, Outcome, Refusal, Source
from linli.payments.permissions import PAYMENT_VIEW
from linli.payments.templatetags.linli_payments import yuan


class PaymentOrderQuerySet(ScopedQuerySet["PaymentOrder"]):
    region_path = "region__path"
    view_action = PAYMENT_VIEW


class PaymentOrder(models.Model):
    out_trade_no = models.CharField(_("order number"), max_length=32, unique=True)
    kind = models.CharField(_("payable kind"), max_length=40)
    ref = models.CharField(_("payable"), max_length=64)
    subject = models.CharField(_("subject"), max_length=128)
    amount_fen = models.PositiveBigIntegerField(_("amount (fen)"))
    currency = models.CharField(_("currency"), max_length=3, default=CURRENCY)
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("region")
    )
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("payer"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=OrderState.choices, default=OrderState.CREATED
    )
    provider = models.CharField(_("provider"), max_length=20)
    trade_no = models.CharField(_("provider's transaction number"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    refund_no = models.CharField(_("refund number"), max_length=32, blank=True)
    refund_reason = models.CharField(_("reason for the refund"), max_length=200, blank=True)
    refunded_at = models.DateTimeField(_("refunded"), null=True, blank=True)

    objects = PaymentOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment order")
        verbose_name_plural = _("payment orders")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["kind", "ref"], name="payments_order_payable"),
            models.Index(fields=["state", "created_at"], name="payments_order_state"),
            models.Index(fields=["paid_at"], name="payments_order_paid"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "ref"],
                condition=Q(state__in=LIVE),
                name="payments_order_one_live",
                violation_error_message=_("This is already being paid or has been paid."),
            ),
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0),
                name="payments_order_amount_positive",
                violation_error_message=_("An amount is more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(currency=CURRENCY),
                name="payments_order_currency_cny",
                violation_error_message=_("Orders are in CNY."),
            ),
        ]

    def __str__(self) -> str:
        return self.out_trade_no

    @property
    def kind_label(self) -> str:
        return payables.label(self.kind)

    @property
    def provider_label(self) -> str:
        return providers.label(self.provider)

    @property
    def amount_yuan(self) -> str:
        return yuan(self.amount_fen)


class PaymentTransition(models.Model):
    """One move of an order: the transition log."""

    order = models.ForeignKey(
        PaymentOrder, models.CASCADE, related_name="transitions", verbose_name=_("order")
    )
    from_state = models.CharField(_("from"), max_length=10, choices=OrderState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=10, choices=OrderState.choices)
    source = models.CharField(_("by way of"), max_length=10, choices=Source.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("order transition")
        verbose_name_plural = _("order transitions")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_state} → {self.to_state}"


class PaymentNotification(models.Model):
    """A signed notification as received, and the answer it got: a replay (the same
    `notify_id`) gets the same answer and changes nothing."""

    provider = models.CharField(_("provider"), max_length=20)
    notify_id = models.CharField(_("notification number"), max_length=64)
    out_trade_no = models.CharField(_("order number"), max_length=64)
    order = models.ForeignKey(
        PaymentOrder,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("order"),
    )
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    success = models.BooleanField(_("payment succeeded"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    refusal = models.CharField(
        _("refused because"), max_length=16, choices=Refusal.choices, blank=True
    )
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    repeats = models.PositiveIntegerField(_("repeats"), default=0)

    class Meta:
        verbose_name = _("provider notification")
        verbose_name_plural = _("provider notifications")
        ordering = ["received_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "notify_id"],
                name="payments_notification_once",
                violation_error_message=_("This notification was received already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.notify_id}"


class DemoCharge(models.Model):
    """The demo provider's own side: what its simulated payers paid (its statement)."""

    trade_no = models.CharField(_("provider's transaction number"), max_length=64, unique=True)
    out_trade_no = models.CharField(_("order number"), max_length=32)
    amount_fen = models.PositiveBigIntegerField(_("amount (fen)"))
    paid_at = models.DateTimeField(_("paid"))
    notify_id = models.CharField(_("notification number"), max_length=64, unique=True)
    refund_no = models.CharField(_("refund number"), max_length=32, blank=True)
    refunded_at = models.DateTimeField(_("refunded"), null=True, blank=True)

    class Meta:
        verbose_name = _("demo provider payment")
        verbose_name_plural = _("demo provider payments")
        ordering = ["paid_at", "pk"]

    def __str__(self) -> str:
        return self.trade_no


class ReconciliationQuerySet(ScopedQuerySet["Reconciliation"]):
    region_path = "region__path"
    view_action = PAYMENT_VIEW


class Reconciliation(models.Model):
    """One comparison of a provider's statement of a day with the orders of a region
    (the district for the whole day)."""

    provider = models.CharField(_("provider"), max_length=20)
    day = models.DateField(_("day"))
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("region")
    )
    at = models.DateTimeField(_("run at"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    lines = models.PositiveIntegerField(_("statement lines"))
    matched = models.PositiveIntegerField(_("matched"))

    objects = ReconciliationQuerySet.as_manager()

    class Meta:
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.provider} {self.day}"


class ReconciliationItem(models.Model):
    """A mismatch found by a reconciliation."""

    reconciliation = models.ForeignKey(
        Reconciliation, models.CASCADE, related_name="items", verbose_name=_("reconciliation")
    )
    mismatch = models.CharField(_("mismatch"), max_length=12, choices=Mismatch.choices)
    out_trade_no = models.CharField(_("order number"), max_length=64)
    order = models.ForeignKey(
        PaymentOrder,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("order"),
    )
    statement_fen = models.BigIntegerField(_("statement amount (fen)"), null=True, blank=True)
    order_fen = models.BigIntegerField(_("order amount (fen)"), null=True, blank=True)

    class Meta:
        verbose_name = _("reconciliation mismatch")
        verbose_name_plural = _("reconciliation mismatches")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.mismatch} {self.out_trade_no}"
