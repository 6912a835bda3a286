"""Ability assessment (老年人能力评估): versioned scales loaded from files, and the
assessments made with them (docs/assessment.md).

A `Scale` row is one version of one scale file, never edited once loaded: a changed
file is a new version. An `Assessment` belongs to the resident's grid (scoped like the
registry); its answers, the diagnoses and care-risk events that fed its overrides, and
the overrides' reasons are health data, encrypted at rest (core.fields)."""

import json
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.assessment import scaledef
from linli.assessment.choices import AssessmentReason, AssessmentState, CareLevel
from linli.assessment.permissions import ASSESSMENT_VIEW
from linli.core.fields import EncryptedTextField
from linli.regions.models import GridOwned, GridOwnedQuerySet


class Scale(models.Model):
    """One version of an assessment scale, as its file gave it (`definition`)."""

    code = models.CharField(_("code"), max_length=40)
    version = models.CharField(_("version"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    definition = models.JSONField(_("definition"))
    digest = models.CharField(_("content digest"), max_length=64)
    active = models.BooleanField(
        _("offered for new assessments"),
        default=True,
        help_text=_("Older versions stay for the assessments made with them."),
    )
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("assessment scale")
        verbose_name_plural = _("assessment scales")
        ordering = ["code", "-loaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                name="scale_unique_version",
                violation_error_message=_("This version of the scale is already loaded."),
            )
        ]

    def __str__(self) -> str:
        return self.name if self.version in self.name else f"{self.name}（{self.version}）"

    _parsed: ClassVar[dict[tuple[int, str], scaledef.Definition]] = {}

    @property
    def parsed(self) -> scaledef.Definition:
        """The definition, parsed once per process (a loaded scale never changes)."""
        key = (self.pk, self.digest)
        found = Scale._parsed.get(key)
        if found is None:
            found = Scale._parsed[key] = scaledef.parse(self.definition)
        return found


class AssessmentQuerySet(GridOwnedQuerySet["Assessment"]):
    view_action = ASSESSMENT_VIEW


class Assessment(GridOwned):
    """One assessment of a resident with one scale version, by two assessors: the
    first records it, the second confirms it. Its grid is the resident's."""

    ANSWERS_CONTEXT = "assessment.assessment.answers"
    FINDINGS_CONTEXT = "assessment.assessment.findings"

    resident = models.ForeignKey(
        "registry.Resident",
        models.PROTECT,
        related_name="assessments",
        verbose_name=_("resident"),
    )
    scale = models.ForeignKey(Scale, models.PROTECT, related_name="+", verbose_name=_("scale"))
    reason = models.CharField(_("reason"), max_length=10, choices=AssessmentReason.choices)
    assessed_on = models.DateField(_("assessed on"))
    place = models.CharField(_("place"), max_length=100)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("assessor")
    )
    second_assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("second assessor"),
    )
    # {item code: option code}, encrypted
    answers_text = EncryptedTextField(_("answers"), context=ANSWERS_CONTEXT)
    # {"factors": [...], "events": {...}, "applied": [{code, name, why, before, after}]}
    findings_text = EncryptedTextField(_("findings"), context=FINDINGS_CONTEXT)
    total = models.PositiveSmallIntegerField(_("total score"))
    section_scores = models.JSONField(_("section scores"))  # [{code, name, score, max, grade}]
    raw_level = models.CharField(_("level by the score"), max_length=10, choices=CareLevel.choices)
    level = models.CharField(_("level"), max_length=10, choices=CareLevel.choices)
    overridden = models.BooleanField(_("changed by an override rule"), default=False)
    state = models.CharField(
        _("state"), max_length=10, choices=AssessmentState.choices, default=AssessmentState.PENDING
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdraw_reason = models.CharField(_("why withdrawn"), max_length=200, blank=True)
    due_on = models.DateField(_("re-assessment due on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("ability assessment")
        verbose_name_plural = _("ability assessments")
        ordering = ["-assessed_on", "-pk"]
        indexes = [
            models.Index(
                fields=["resident", "state", "assessed_on"], name="assessment_of_resident"
            ),
            models.Index(fields=["grid", "state", "level"], name="assessment_grid_level"),
            models.Index(fields=["state", "due_on"], name="assessment_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(assessor=models.F("second_assessor")),
                name="assessment_two_assessors",
                violation_error_message=_("The two assessors must be two different people."),
            ),
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(state=AssessmentState.PENDING),
                name="assessment_one_pending",
                violation_error_message=_(
                    "This resident already has an assessment awaiting its second assessor."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.assessed_on}"

    @property
    def answers(self) -> dict[str, str]:
        found: dict[str, str] = json.loads(self.answers_text or "{}")
        return found

    @property
    def findings(self) -> dict[str, Any]:
        found: dict[str, Any] = json.loads(self.findings_text or "{}")
        return found
