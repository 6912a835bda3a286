"""The time bank's kinds of account, entry and service, and its limits."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

PLACES = Decimal("0.01")  # hours are kept to two decimal places (ADR 0025)
DAY_LIMIT = Decimal("8")  # hours one volunteer may earn for one day's services
TRANSFER_LIMIT = Decimal("500")  # hours one transfer or spend may move
RECORD_WITHIN_DAYS = 90  # a service is recorded at most this many days after it
ELDER_AGE = 60
TEXT_MAX = 200
REFERENCE_MAX = 60


class AccountKind(models.TextChoices):
    VOLUNTEER = "volunteer", _("Volunteer")
    ISSUED = "issued", _("Time bank (hours issued)")
    REDEEMED = "redeemed", _("Time bank (hours redeemed)")


SYSTEM_KINDS = (AccountKind.ISSUED, AccountKind.REDEEMED)


class EntryKind(models.TextChoices):
    EARN = "earn", _("Service hours earned")
    SPEND = "spend", _("Hours spent on services")
    TRANSFER = "transfer", _("Hours given")
    REVERSAL = "reversal", _("Reversal")


class ServiceKind(models.TextChoices):
    COMPANY = "company", _("Company and chatting")
    MEALS = "meals", _("Meal help")
    CLEANING = "cleaning", _("Cleaning help")
    ERRANDS = "errands", _("Shopping and errands")
    ESCORT = "escort", _("Escort to the doctor")
    WALKING = "walking", _("Help with walking")
    REPAIRS = "repairs", _("Small repairs")
    OTHER = "other", _("Other help")


def hours_text(hours: Decimal) -> str:
    """1.50 → 1.5, 2.00 → 2: hours as people write them."""
    text = f"{hours.quantize(PLACES):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
