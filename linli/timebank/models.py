"""The time bank (时间银行): a double-entry ledger of volunteers' service hours.

Every posting is an `Entry` with two or more `Line`s whose amounts sum to zero; an
`Account` holds a resident's hours (or, per district, the hours issued and redeemed);
entries are never edited: a mistake is undone by a reversal, a new entry (ADR 0025).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.scoping import ScopedQuerySet
from linli.timebank.choices import AccountKind, EntryKind, ServiceKind
from linli.timebank.permissions import TIMEBANK_VIEW


class AccountQuerySet(ScopedQuerySet["Account"]):
    region_path = "region__path"
    view_action = TIMEBANK_VIEW


class Account(models.Model):
    """A resident's time-bank account (one each), or a district's account of the hours
    issued (its balance is minus the hours earned) or redeemed. `region` is the holder's
    grid (kept current at every posting), a district for the system accounts."""

    kind = models.CharField(_("kind"), max_length=10, choices=AccountKind.choices)
    holder = models.OneToOneField(
        "registry.Resident",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="timebank_account",
        verbose_name=_("holder"),
    )
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("region")
    )
    balance = models.DecimalField(
        _("balance (hours)"), default=Decimal("0"), max_digits=10, decimal_places=2
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("time-bank account")
        verbose_name_plural = _("time-bank accounts")
        ordering = ["pk"]
        indexes = [models.Index(fields=["region", "kind"], name="timebank_account_region")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind=AccountKind.ISSUED) | models.Q(balance__gte=0),
                name="timebank_account_not_overdrawn",
                violation_error_message=_("A time-bank balance cannot be negative."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind=AccountKind.VOLUNTEER, holder__isnull=False)
                | models.Q(holder__isnull=True) & ~models.Q(kind=AccountKind.VOLUNTEER),
                name="timebank_account_holder_kind",
                violation_error_message=_("A volunteer's account has a holder, no other has."),
            ),
            models.UniqueConstraint(
                fields=["kind", "region"],
                condition=models.Q(holder__isnull=True),
                name="timebank_one_system_account",
            ),
        ]

    def __str__(self) -> str:
        if self.holder_id is not None:
            return _("Time-bank account %(number)s") % {"number": self.number}
        return str(self.get_kind_display())

    @property
    def number(self) -> str:
        return f"TB{self.pk:08d}"


class EntryQuerySet(ScopedQuerySet["Entry"]):
    region_path = "region__path"
    view_action = TIMEBANK_VIEW


class Entry(models.Model):
    """One posting (journal entry): what happened, by whom, for which service; its lines
    move the hours. `region` is the grid of the account that earned, spent or gave."""

    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    hours = models.DecimalField(_("hours"), max_digits=10, decimal_places=2)
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("region")
    )
    service = models.CharField(_("service"), max_length=12, choices=ServiceKind.choices, blank=True)
    served = models.ForeignKey(
        "registry.Resident",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="timebank_services",
        verbose_name=_("elder served"),
    )
    served_on = models.DateField(_("date of service"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    reverses = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
        verbose_name=_("reverses"),
    )
    posted_at = models.DateTimeField(_("posted at"), auto_now_add=True, db_index=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("time-bank entry")
        verbose_name_plural = _("time-bank entries")
        ordering = ["-posted_at", "-pk"]
        indexes = [
            models.Index(fields=["region", "posted_at"], name="timebank_entry_region"),
            models.Index(fields=["kind", "reference"], name="timebank_entry_reference"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0),
                name="timebank_entry_hours_positive",
                violation_error_message=_("An entry moves more than zero hours."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.hours}"


class Line(models.Model):
    """One leg of an entry: `amount` hours into (positive) or out of (negative) an
    account, and the account's balance after it (the passbook's column)."""

    entry = models.ForeignKey(Entry, models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, models.PROTECT, related_name="lines")
    amount = models.DecimalField(_("hours"), max_digits=10, decimal_places=2)
    balance_after = models.DecimalField(_("balance after"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("time-bank entry line")
        verbose_name_plural = _("time-bank entry lines")
        ordering = ["-entry_id", "pk"]
        indexes = [models.Index(fields=["account", "-entry"], name="timebank_line_account")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount=0),
                name="timebank_line_not_zero",
                violation_error_message=_("A line moves some hours."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount}"
