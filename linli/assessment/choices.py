from django.db import models
from django.utils.translation import gettext_lazy as _


class AssessmentReason(models.TextChoices):
    """Why an assessment is made (评估原因)."""

    FIRST = "first", _("First assessment")
    ROUTINE = "routine", _("Routine re-assessment")
    CHANGE = "change", _("Change in condition")
    DISPUTE = "dispute", _("Re-assessment on a disputed result")


class AssessmentState(models.TextChoices):
    PENDING = "pending", _("Awaiting the second assessor")
    CONFIRMED = "confirmed", _("Confirmed by both assessors")
    WITHDRAWN = "withdrawn", _("Withdrawn before confirmation")


class CareLevel(models.TextChoices):
    """The care levels every scale's levels use (GB/T 42195's five; MZ/T 039's four
    end at `severe`)."""

    INTACT = "intact", _("Ability intact")
    MILD = "mild", _("Mildly disabled")
    MODERATE = "moderate", _("Moderately disabled")
    SEVERE = "severe", _("Severely disabled")
    TOTAL = "total", _("Totally disabled")
