"""The alerts app's vocabularies: CAP 1.2's code lists (OASIS CAP v1.2, §3.2), the
states of an alert in Linli's workflow, and the kinds of places alerts point to."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CAP_NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
CAP_MEDIA_TYPE = "application/cap+xml"
# The CAP geocode naming the national statistical division code (GB/T 2260 + 12 digits).
GEOCODE_NAME = "GB/T 2260"
LANGUAGES = ("zh-CN", "en-US")


class Status(models.TextChoices):
    ACTUAL = "Actual", pgettext_lazy("cap status", "Actual")
    EXERCISE = "Exercise", pgettext_lazy("cap status", "Exercise")
    SYSTEM = "System", pgettext_lazy("cap status", "System")
    TEST = "Test", pgettext_lazy("cap status", "Test")
    DRAFT = "Draft", pgettext_lazy("cap status", "Draft")


class MsgType(models.TextChoices):
    ALERT = "Alert", pgettext_lazy("cap message", "Alert")
    UPDATE = "Update", pgettext_lazy("cap message", "Update")
    CANCEL = "Cancel", pgettext_lazy("cap message", "Cancel")


class Scope(models.TextChoices):
    PUBLIC = "Public", pgettext_lazy("cap scope", "Public")
    RESTRICTED = "Restricted", pgettext_lazy("cap scope", "Restricted")
    PRIVATE = "Private", pgettext_lazy("cap scope", "Private")


class Category(models.TextChoices):
    MET = "Met", _("Meteorological")
    GEO = "Geo", _("Geophysical")
    SAFETY = "Safety", _("Public safety")
    SECURITY = "Security", _("Security")
    RESCUE = "Rescue", _("Rescue and recovery")
    FIRE = "Fire", _("Fire")
    HEALTH = "Health", _("Public health")
    ENV = "Env", _("Environmental")
    TRANSPORT = "Transport", _("Transport")
    INFRA = "Infra", _("Infrastructure")
    CBRNE = "CBRNE", _("Chemical, biological, radiological or nuclear")
    OTHER = "Other", pgettext_lazy("cap category", "Other")


class AlertUrgency(models.TextChoices):
    IMMEDIATE = "Immediate", _("Immediate")
    EXPECTED = "Expected", _("Expected")
    FUTURE = "Future", _("Future")
    PAST = "Past", _("Past")
    UNKNOWN = "Unknown", pgettext_lazy("cap urgency", "Unknown")


class AlertSeverity(models.TextChoices):
    EXTREME = "Extreme", _("Extreme")
    SEVERE = "Severe", _("Severe")
    MODERATE = "Moderate", _("Moderate")
    MINOR = "Minor", pgettext_lazy("cap severity", "Minor")
    UNKNOWN = "Unknown", pgettext_lazy("cap severity", "Unknown")


class Certainty(models.TextChoices):
    OBSERVED = "Observed", _("Observed")
    LIKELY = "Likely", _("Likely")
    POSSIBLE = "Possible", _("Possible")
    UNLIKELY = "Unlikely", _("Unlikely")
    UNKNOWN = "Unknown", pgettext_lazy("cap certainty", "Unknown")


class State(models.TextChoices):
    """Linli's workflow: a draft is issued; an issued alert ends superseded (by an
    Update), cancelled (by a Cancel) or expired (its `expires` passed). Update and
    Cancel messages are alerts of their own, issued when made."""

    DRAFT = "draft", pgettext_lazy("alert state", "Draft")
    ISSUED = "issued", pgettext_lazy("alert state", "Issued")
    SUPERSEDED = "superseded", pgettext_lazy("alert state", "Superseded")
    CANCELLED = "cancelled", pgettext_lazy("alert state", "Cancelled")
    EXPIRED = "expired", pgettext_lazy("alert state", "Expired")


class Origin(models.TextChoices):
    CONSOLE = "console", pgettext_lazy("alert origin", "Written here")
    IMPORT = "import", pgettext_lazy("alert origin", "Imported")


class PlaceKind(models.TextChoices):
    SHELTER = "shelter", _("Emergency shelter")
    CIVIL_DEFENCE = "civil_defence", _("Civil-defence site")
