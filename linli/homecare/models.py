"""Home services (居家服务): providers, their service items and areas, orders for
elders with their transition log, and providers' monthly settlements.

A provider (`Provider`) is a registry organisation acting as one: its care workers are
the people acting for it (`registry.Affiliation`). It serves the regions of its
`ServiceArea`s (each a subtree). An order (`Order`) is one visit of one service item
to an elder (a registry resident aged 60 or over) at a time slot; it belongs to the
elder's grid, so it is seen where the elder is. Its moves are logged
(`OrderTransition`); confirmed orders are settled per provider per month
(`Settlement`), each order once.
"""

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.scoping import ScopedQuerySet
from linli.homecare.choices import BookedVia, Flag, Funding, HomecareState, ServiceCategory
from linli.homecare.permissions import ORDER_VIEW
from linli.regions.models import GridOwned, GridOwnedQuerySet

if TYPE_CHECKING:
    from linli.registry.models import Organisation


class ProviderQuerySet(ScopedQuerySet["Provider"]):
    region_path = "organisation__grid__path"
    view_action = ORDER_VIEW


class Provider(models.Model):
    """服务商: a registry organisation providing home services."""

    organisation = models.OneToOneField(
        "registry.Organisation",
        models.PROTECT,
        related_name="homecare_provider",
        verbose_name=_("organisation"),
    )
    active = models.BooleanField(_("taking orders"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ProviderQuerySet.as_manager()

    if TYPE_CHECKING:
        organisation_id: int

    class Meta:
        verbose_name = _("home-service provider")
        verbose_name_plural = _("home-service providers")
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        org: Organisation = self.organisation
        return org.name


class ServiceArea(models.Model):
    """A region (and everything below it) a provider serves."""

    provider = models.ForeignKey(Provider, models.CASCADE, related_name="areas")
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("region")
    )

    class Meta:
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "region"],
                name="homecare_area_unique",
                violation_error_message=_("The provider already serves this region."),
            )
        ]

    def __str__(self) -> str:
        return str(self.region)


class ServiceItem(models.Model):
    """服务项目: what a provider does, its unit, price (fen) and planned duration."""

    provider = models.ForeignKey(Provider, models.CASCADE, related_name="items")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=60)
    category = models.CharField(_("category"), max_length=12, choices=ServiceCategory.choices)
    unit = models.CharField(_("charged per"), max_length=10, help_text=_("e.g. 次, 小时, 份"))
    price_fen = models.PositiveIntegerField(
        _("price (fen)"), validators=[MaxValueValidator(10_000_000)]
    )
    minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(720)]
    )
    active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["provider", "category", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "code"],
                name="homecare_item_unique_code",
                violation_error_message=_("The provider already has an item with this code."),
            ),
            models.CheckConstraint(
                condition=Q(minutes__gte=5) & Q(minutes__lte=720),
                name="homecare_item_minutes",
                violation_error_message=_("A service lasts 5 to 720 minutes."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def price_yuan(self) -> str:
        return yuan(self.price_fen)


class OrderQuerySet(GridOwnedQuerySet["Order"]):
    view_action = ORDER_VIEW


def _photo_path(instance: "Order", filename: str) -> str:
    return f"homecare/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class Order(GridOwned):
    """居家服务工单: one visit of a service item to an elder's home at a time slot.
    `grid` is the elder's grid when booked."""

    elder = models.ForeignKey(
        "registry.Resident",
        models.PROTECT,
        related_name="homecare_orders",
        verbose_name=_("elder"),
    )
    provider = models.ForeignKey(
        Provider, models.PROTECT, related_name="orders", verbose_name=_("service provider")
    )
    item = models.ForeignKey(
        ServiceItem, models.PROTECT, related_name="orders", verbose_name=_("service item")
    )
    category = models.CharField(_("category"), max_length=12, choices=ServiceCategory.choices)
    price_fen = models.PositiveIntegerField(_("price (fen)"))
    minutes = models.PositiveSmallIntegerField(_("planned minutes"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    channel = models.CharField(_("booked by"), max_length=12, choices=BookedVia.choices)
    funding = models.CharField(_("funding"), max_length=12, choices=Funding.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booked by (account)"),
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="homecare_orders",
        verbose_name=_("care worker"),
    )
    state = models.CharField(
        _("state"), max_length=12, choices=HomecareState.choices, default=HomecareState.BOOKED
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    check_in_distance = models.PositiveIntegerField(
        _("check-in distance from the home (m)"), null=True, blank=True
    )
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    check_out_distance = models.PositiveIntegerField(
        _("check-out distance from the home (m)"), null=True, blank=True
    )
    photo = models.FileField(_("photo"), upload_to=_photo_path, max_length=200, blank=True)
    photo_type = models.CharField(max_length=20, blank=True)
    flag_away = models.BooleanField(_("checked out away from the home"), default=False)
    flag_short = models.BooleanField(_("visit too short"), default=False)
    flag_unplaced = models.BooleanField(_("home without position"), default=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating_note = models.CharField(_("comment"), max_length=200, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    time_bank_entry = models.OneToOneField(
        "timebank.Entry",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("time-bank entry"),
        help_text=_("The hours taken from the elder's time-bank account for this order."),
    )
    settlement = models.ForeignKey(
        "Settlement",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("settlement"),
    )
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)

    objects = OrderQuerySet.as_manager()

    if TYPE_CHECKING:
        elder_id: int
        provider_id: int
        item_id: int
        worker_id: int | None
        time_bank_entry_id: int | None
        settlement_id: int | None

    class Meta:
        verbose_name = _("home-service order")
        verbose_name_plural = _("home-service orders")
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["grid", "starts_at"], name="homecare_order_grid_day"),
            models.Index(fields=["worker", "starts_at"], name="homecare_order_worker_day"),
            models.Index(fields=["provider", "state", "starts_at"], name="homecare_order_provider"),
            models.Index(fields=["elder", "starts_at"], name="homecare_order_elder"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="homecare_order_slot",
                violation_error_message=_("The slot must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="homecare_order_rating",
                violation_error_message=_("A rating is 1 to 5 stars."),
            ),
            models.CheckConstraint(
                condition=~Q(state=HomecareState.SETTLED) | Q(settlement__isnull=False),
                name="homecare_order_settled",
                violation_error_message=_("A settled order names its settlement."),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def price_yuan(self) -> str:
        return yuan(self.price_fen)

    @property
    def hours(self) -> Decimal:
        """The planned minutes in time-bank hours (two places)."""
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.01"))

    @property
    def flags(self) -> list[Flag]:
        return [
            flag
            for flag, on in (
                (Flag.AWAY, self.flag_away),
                (Flag.SHORT, self.flag_short),
                (Flag.UNPLACED, self.flag_unplaced),
            )
            if on
        ]

    @property
    def served_minutes(self) -> int | None:
        if self.checked_in_at is None or self.checked_out_at is None:
            return None
        return int((self.checked_out_at - self.checked_in_at).total_seconds() // 60)

    @property
    def late(self) -> bool:
        """Still to be served though its slot has ended."""
        return self.state in (HomecareState.BOOKED, HomecareState.ASSIGNED) and (
            self.ends_at < timezone.now()
        )


class OrderTransition(models.Model):
    """One move of an order, who made it and why: the order's log."""

    order = models.ForeignKey(Order, models.CASCADE, related_name="transitions")
    from_state = models.CharField(
        _("from state"), max_length=12, choices=HomecareState.choices, blank=True
    )
    to_state = models.CharField(_("to state"), max_length=12, choices=HomecareState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("order move")
        verbose_name_plural = _("order moves")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class SettlementQuerySet(ScopedQuerySet["Settlement"]):
    region_path = "provider__organisation__grid__path"
    view_action = ORDER_VIEW


class Settlement(models.Model):
    """月度结算单: a provider's confirmed orders of one month, by funding source."""

    provider = models.ForeignKey(
        Provider, models.PROTECT, related_name="settlements", verbose_name=_("service provider")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    orders_count = models.PositiveIntegerField(_("orders"))
    voucher_fen = models.PositiveBigIntegerField(_("subsidy vouchers (fen)"))
    self_pay_fen = models.PositiveBigIntegerField(_("self-pay (fen)"))
    time_bank_fen = models.PositiveBigIntegerField(
        _("time-bank hours redeemed (fen)"),
        default=0,
        help_text=_("The price of the orders paid with time-bank hours, owed by the district."),
    )
    time_bank_hours = models.DecimalField(
        _("time-bank hours"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    flagged_count = models.PositiveIntegerField(_("flagged visits"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("settled by"),
    )
    created_at = models.DateTimeField(_("settled at"), auto_now_add=True)

    objects = SettlementQuerySet.as_manager()

    if TYPE_CHECKING:
        provider_id: int

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        ordering = ["-month", "provider"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "month"],
                name="homecare_settlement_once",
                violation_error_message=_("This provider's month is already settled."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.month:%Y-%m}"

    @property
    def total_fen(self) -> int:
        return self.voucher_fen + self.self_pay_fen + self.time_bank_fen

    @property
    def voucher_yuan(self) -> str:
        return yuan(self.voucher_fen)

    @property
    def self_pay_yuan(self) -> str:
        return yuan(self.self_pay_fen)

    @property
    def time_bank_yuan(self) -> str:
        return yuan(self.time_bank_fen)

    @property
    def total_yuan(self) -> str:
        return yuan(self.total_fen)


def yuan(fen: int) -> str:
    """An amount in fen as yuan with two decimals."""
    return f"{fen / 100:.2f}"
