"""Home services' kinds and states: the items' categories, who booked, how an order
is funded, and the order's state machine with its allowed moves."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ServiceCategory(models.TextChoices):
    MEALS = "meals", _("Meal help (助餐)")
    BATHING = "bathing", _("Bathing help (助浴)")
    CLEANING = "cleaning", _("Cleaning help (助洁)")
    MEDICAL = "medical", _("Medical help (助医)")
    MOBILITY = "mobility", _("Walking help (助行)")
    SHOPPING = "shopping", _("Shopping (代购)")
    COMPANY = "company", _("Companionship (陪护)")


class BookedVia(models.TextChoices):
    """Who booked the order."""

    ELDER = "elder", _("The elder")
    FAMILY = "family", _("A family member")
    COMMUNITY = "community", _("The community")
    DISPATCH = "dispatch", _("The dispatch centre")


class Funding(models.TextChoices):
    VOUCHER = "voucher", _("Subsidy voucher")
    SELF_PAY = "self_pay", _("Self-pay")
    TIME_BANK = "time_bank", _("Time-bank hours")


class HomecareState(models.TextChoices):
    """An order's state. Allowed moves: `MOVES`."""

    BOOKED = "booked", _("Booked")
    ASSIGNED = "assigned", pgettext_lazy("order state", "Assigned")
    CHECKED_IN = "checked_in", _("Checked in")
    CHECKED_OUT = "checked_out", _("Checked out")
    CONFIRMED = "confirmed", pgettext_lazy("order state", "Confirmed")
    SETTLED = "settled", _("Settled")
    CANCELLED = "cancelled", _("Cancelled")


MOVES: dict[str, frozenset[str]] = {
    HomecareState.BOOKED: frozenset({HomecareState.ASSIGNED, HomecareState.CANCELLED}),
    HomecareState.ASSIGNED: frozenset(
        {HomecareState.ASSIGNED, HomecareState.CHECKED_IN, HomecareState.CANCELLED}
    ),
    HomecareState.CHECKED_IN: frozenset({HomecareState.CHECKED_OUT}),
    HomecareState.CHECKED_OUT: frozenset({HomecareState.CONFIRMED}),
    HomecareState.CONFIRMED: frozenset({HomecareState.SETTLED}),
    HomecareState.SETTLED: frozenset(),
    HomecareState.CANCELLED: frozenset(),
}

# Orders still to be served (planned visits).
OPEN_STATES = frozenset({HomecareState.BOOKED, HomecareState.ASSIGNED, HomecareState.CHECKED_IN})
# Visits that took place.
DONE_STATES = frozenset({HomecareState.CHECKED_OUT, HomecareState.CONFIRMED, HomecareState.SETTLED})


class Flag(models.TextChoices):
    """Why a visit is flagged for the settlement's reviewer."""

    AWAY = "away", _("Checked out away from the home")
    SHORT = "short", _("Visit too short")
    UNPLACED = "unplaced", _("The home has no position")
