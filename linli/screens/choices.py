"""The screens app's vocabularies: kinds of screen and of playlist item, weekdays."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ScreenKind(models.TextChoices):
    """A display screen (LED or LCD in a hall, a square) or a TV set-top box (the
    cable network's box in a home or a community room: the 10-foot interface)."""

    SCREEN = "screen", _("Display screen")
    TV = "tv", _("TV set-top box")


class ItemKind(models.TextChoices):
    """What a playlist item shows."""

    NOTICES = "notices", _("Notices")
    IMAGE = "image", _("Image")
    WEATHER = "weather", _("Weather")
    ROSTER = "roster", _("Duty roster")
    FIGURES = "figures", pgettext_lazy("screens", "Case and alarm figures")


class Weekday(models.IntegerChoices):
    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")


ALL_WEEK = [d.value for d in Weekday]

# A screen silent for this long is offline (it sends a heartbeat every minute).
OFFLINE_AFTER_S = 180
HEARTBEAT_EVERY_S = 60
# Heartbeats closer together than this are refused (a screen flooding them).
HEARTBEAT_MIN_GAP_S = 10
# A playlist item is shown for 5 s to 10 minutes.
MIN_DURATION_S = 5
MAX_DURATION_S = 600
MAX_ITEMS = 50
