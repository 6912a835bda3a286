"""Entitlements for special groups (特殊群体待遇): what the district grants to whom.

A grant kind (`GrantKind`: 高龄津贴, 两项补贴, 残疾人托养, 优抚, fee reliefs) states
its legal basis and its conditions over the registry's facts — labels all required,
labels of which any suffices, a minimum age, a disability certificate of some grade
and type — and is paid by amount rules (`AmountRule`) configured per region: the
nearest region up the resident's tree that has rules for the kind decides (a
district's figures, overridden by a subdistrict's), the age band picks the row.

A grant (`Grant`) belongs to the grid the resident lived in when it was made; it is
open until it ends, with its end reason. The registry does not hold disability
certificates (残疾人证): `DisabilityCertificate` keeps them here, the number encrypted.
A re-verification campaign (`Campaign`) asks each grant once a year (`Verification`);
veterans' service stations keep their visits, aid and honour plaques
(`VeteranRecord`).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.assessment.choices import CareLevel
from linli.core.crypto import mask_id_number
from linli.core.fields import EncryptedTextField
from linli.core.scoping import ScopedQuerySet
from linli.entitlements.choices import (
    AmountUnit,
    DisabilityType,
    EndReason,
    GrantCategory,
    VerificationResult,
    VeteranRecordKind,
)
from linli.entitlements.permissions import ENTITLEMENT_VIEW
from linli.regions.models import GridOwned, GridOwnedQuerySet


class GrantKind(models.Model):
    """待遇项目: a benefit, its legal basis and who qualifies."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40, unique=True)
    category = models.CharField(_("category"), max_length=12, choices=GrantCategory.choices)
    legal_basis = models.CharField(_("policy basis"), max_length=300)
    labels_all = models.ManyToManyField(
        "registry.Label",
        related_name="+",
        blank=True,
        verbose_name=_("labels all required"),
    )
    labels_any = models.ManyToManyField(
        "registry.Label",
        related_name="+",
        blank=True,
        verbose_name=_("labels of which one suffices"),
    )
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    needs_certificate = models.BooleanField(
        _("needs a valid disability certificate"), default=False
    )
    max_grade = models.PositiveSmallIntegerField(
        _("disability grade at most"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("Grade 1 is the most severe: 2 means grades 1 and 2."),
    )
    disability_types = models.JSONField(_("disability types"), default=list, blank=True)
    care_levels = models.JSONField(
        _("care levels"),
        default=list,
        blank=True,
        help_text=_(
            "The care levels of the latest confirmed ability assessment that qualify "
            "(none: the assessment is not a condition)."
        ),
    )
    matter = models.CharField(
        _("service hall matter"),
        max_length=40,
        blank=True,
        help_text=_("The code of the service hall matter whose approval grants it."),
    )
    active = models.BooleanField(_("granted now"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("grant kind")
        verbose_name_plural = _("grant kinds")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def disability_type_names(self) -> str:
        names = dict(DisabilityType.choices)
        return "、".join(str(names.get(t, t)) for t in self.disability_types)

    @property
    def care_level_names(self) -> str:
        names = dict(CareLevel.choices)
        return "、".join(str(names.get(c, c)) for c in self.care_levels)


class AmountRule(models.Model):
    """A kind's amount in a region (and the regions below it), for an age band."""

    kind = models.ForeignKey(
        GrantKind, models.CASCADE, related_name="rules", verbose_name=_("grant kind")
    )
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("region")
    )
    min_age = models.PositiveSmallIntegerField(
        _("from age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    max_age = models.PositiveSmallIntegerField(
        _("to age"), null=True, blank=True, validators=[MaxValueValidator(150)]
    )
    amount = models.DecimalField(
        _("amount"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    unit = models.CharField(_("amount unit"), max_length=8, choices=AmountUnit.choices)

    class Meta:
        verbose_name = _("amount rule")
        verbose_name_plural = _("amount rules")
        ordering = ["kind", "region__path", "min_age"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "region", "min_age"],
                name="amount_rule_unique_band",
                nulls_distinct=False,
                violation_error_message=_("This region already has a rule for this age band."),
            ),
            models.CheckConstraint(
                condition=Q(max_age__isnull=True)
                | Q(min_age__isnull=True)
                | Q(max_age__gte=models.F("min_age")),
                name="amount_rule_band_order",
                violation_error_message=_("The band's last age is before its first."),
            ),
            models.CheckConstraint(
                condition=~Q(unit=AmountUnit.PERCENT_OFF) | Q(amount__lte=100),
                name="amount_rule_percent_at_most_100",
                violation_error_message=_("A relief is at most 100 percent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.region}"


class DisabilityCertificateQuerySet(GridOwnedQuerySet["DisabilityCertificate"]):
    view_action = ENTITLEMENT_VIEW


class DisabilityCertificate(GridOwned):
    """残疾人证 (second generation): its number, type, grade and validity."""

    NUMBER_CONTEXT = "entitlements.certificate.number"
    resident = models.ForeignKey(
        "registry.Resident",
        models.CASCADE,
        related_name="disability_certificates",
        verbose_name=_("resident"),
    )
    number = EncryptedTextField(_("certificate number"), context=NUMBER_CONTEXT)
    type = models.CharField(_("disability type"), max_length=12, choices=DisabilityType.choices)
    grade = models.PositiveSmallIntegerField(
        _("grade"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = DisabilityCertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("disability certificate")
        verbose_name_plural = _("disability certificates")
        ordering = ["-valid_until", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("issued_on")),
                name="certificate_valid_after_issue",
                violation_error_message=_("A certificate is valid until a day after its issue."),
            ),
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=4),
                name="certificate_grade_1_to_4",
                violation_error_message=_("The grade is 1 to 4."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.grade}"

    @property
    def masked_number(self) -> str:
        return mask_id_number(self.number)


class GrantQuerySet(GridOwnedQuerySet["Grant"]):
    view_action = ENTITLEMENT_VIEW

    def open(self) -> "GrantQuerySet":
        return self.filter(ends_on__isnull=True)


class Grant(GridOwned):
    """A resident's entitlement: its kind and amount, from when, until when and why."""

    resident = models.ForeignKey(
        "registry.Resident", models.PROTECT, related_name="grants", verbose_name=_("resident")
    )
    kind = models.ForeignKey(
        GrantKind, models.PROTECT, related_name="grants", verbose_name=_("grant kind")
    )
    amount = models.DecimalField(_("amount"), max_digits=9, decimal_places=2)
    unit = models.CharField(_("amount unit"), max_length=8, choices=AmountUnit.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(
        _("end reason"), max_length=12, choices=EndReason.choices, blank=True
    )
    end_note = models.CharField(_("end note"), max_length=300, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    application = models.CharField(_("service hall application"), max_length=20, blank=True)
    lapse_reason = models.CharField(
        _("lapse found"), max_length=12, choices=EndReason.choices, blank=True
    )
    lapse_warned_on = models.DateField(_("lapse warned on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["kind", "ends_on"], name="grant_kind_open")]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "kind"],
                condition=Q(ends_on__isnull=True),
                name="grant_one_open_per_kind",
                violation_error_message=_("This resident already has this grant."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="grant_ends_after_start",
                violation_error_message=_("A grant cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | ~Q(end_reason=""),
                name="grant_end_has_reason",
                violation_error_message=_("An ended grant needs its end reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.resident}"

    @property
    def is_open(self) -> bool:
        return self.ends_on is None


class CampaignQuerySet(ScopedQuerySet["Campaign"]):
    view_action = ENTITLEMENT_VIEW


class Campaign(models.Model):
    """年度复核: the yearly check of every open grant in a region."""

    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("region")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    due_on = models.DateField(_("due on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("re-verification campaign")
        verbose_name_plural = _("re-verification campaigns")
        ordering = ["-year", "region__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year"],
                name="campaign_one_per_region_year",
                violation_error_message=_("This region already has a campaign this year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.region}"


class VerificationQuerySet(ScopedQuerySet["Verification"]):
    region_path = "grant__grid__path"
    view_action = ENTITLEMENT_VIEW


class Verification(models.Model):
    """One grant's result in a campaign."""

    campaign = models.ForeignKey(
        Campaign, models.CASCADE, related_name="verifications", verbose_name=_("campaign")
    )
    grant = models.ForeignKey(
        Grant, models.CASCADE, related_name="verifications", verbose_name=_("grant")
    )
    result = models.CharField(
        _("result"),
        max_length=10,
        choices=VerificationResult.choices,
        default=VerificationResult.PENDING,
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    objects = VerificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        ordering = ["grant__resident__household_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "grant"], name="verification_one_per_grant")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.grant}"


class VeteranRecordQuerySet(GridOwnedQuerySet["VeteranRecord"]):
    view_action = ENTITLEMENT_VIEW


class VeteranRecord(GridOwned):
    """退役军人服务站台账: a visit, a hardship aid or the honour plaque."""

    resident = models.ForeignKey(
        "registry.Resident",
        models.PROTECT,
        related_name="veteran_records",
        verbose_name=_("veteran"),
    )
    kind = models.CharField(_("record"), max_length=12, choices=VeteranRecordKind.choices)
    on = models.DateField(_("date"))
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = VeteranRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("veterans' service record")
        verbose_name_plural = _("veterans' service records")
        ordering = ["-on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=VeteranRecordKind.AID) | Q(amount__gt=0),
                name="veteran_aid_has_amount",
                violation_error_message=_("Hardship aid needs its amount."),
            ),
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(kind=VeteranRecordKind.PLAQUE),
                name="veteran_one_plaque",
                violation_error_message=_("The honour plaque is already recorded as hung."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"
