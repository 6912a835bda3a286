"""The entitlements' kinds of things: disability types, amount units, why a grant
ends, verification results and veterans' service-station records."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class GrantCategory(models.TextChoices):
    ELDERLY = "elderly", _("Old age")
    DISABILITY = "disability", _("Disability")
    VETERAN = "veteran", _("Veterans")
    RELIEF = "relief", _("Fee relief")


class DisabilityType(models.TextChoices):
    """残疾类别 of the 残疾人证 (GB/T 26341-2010)."""

    VISION = "vision", _("Visual")
    HEARING = "hearing", _("Hearing")
    SPEECH = "speech", _("Speech")
    PHYSICAL = "physical", _("Physical")
    INTELLECTUAL = "intellectual", _("Intellectual")
    MENTAL = "mental", _("Mental")
    MULTIPLE = "multiple", _("Multiple")


class AmountUnit(models.TextChoices):
    PER_MONTH = "month", _("yuan a month")
    PER_YEAR = "year", _("yuan a year")
    PERCENT_OFF = "percent", _("percent off the fee")


class EndReason(models.TextChoices):
    LABEL_LAPSED = "label", _("No longer holds the required label")
    CERTIFICATE = "certificate", _("Disability certificate expired or missing")
    CARE_LEVEL = "care_level", _("Care level changed at re-assessment")
    MOVED_OUT = "moved", _("Moved out")
    DIED = "died", _("Died")
    NOT_ELIGIBLE = "ineligible", _("No longer meets the conditions")
    VERIFICATION = "verification", _("Not confirmed at re-verification")
    CASEWORKER = "caseworker", _("Ended by a caseworker")


class VerificationResult(models.TextChoices):
    PENDING = "pending", _("Not yet checked")
    CONFIRMED = "confirmed", _("Confirmed")
    ENDED = "ended", pgettext_lazy("verification", "Ended")


class VeteranRecordKind(models.TextChoices):
    VISIT_AUGUST_FIRST = "visit_81", _("Visit on Army Day (August 1)")
    VISIT_SPRING = "visit_spring", _("Visit at the Spring Festival")
    AID = "aid", _("Hardship aid")
    PLAQUE = "plaque", _("Honour plaque hung")


# A grant's warning before it ends for a lapse: the caseworker confirms the end, keeps
# the grant (the facts are wrong in the registry), or it ends by itself after this.
LAPSE_GRACE_DAYS = 15
