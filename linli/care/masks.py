"""How health data shows where it is not revealed."""

from django.utils.translation import gettext as _


def mask_health(text: str | None) -> str:
    """Conditions or allergies, masked: only whether something is recorded, and how
    long it is."""
    if not text:
        return ""
    return _("Recorded (%(n)s characters, hidden)") % {"n": len(text)}
