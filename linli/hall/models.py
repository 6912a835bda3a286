"""The service hall (一口式办理): the catalogue of service matters (事项) and the
applications made for them.

A matter (`Matter`) belongs to the region whose level handles it (district,
subdistrict or community) and describes what its guide page (办事指南) shows: its
category, legal basis, conditions, materials (`MatterMaterial`), the typed form
(`MatterField`, some fields prefilled from the registry), fee, promised time limit
in working days, back-office steps (`MatterStep`: steps of one `stage` run in
parallel, across departments, and join before the next stage), delivery modes and
the flags 最多跑一次 (`one_visit`), 一次办结 (`on_the_spot`) and 全区通办
(`district_wide`: any community's desk of the district may accept it).
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.scoping import ScopedQuerySet
from linli.hall.choices import (
    DeliveryMode,
    FieldType,
    MaterialForm,
    MaterialSource,
    MatterCategory,
    Prefill,
)


class MatterQuerySet(ScopedQuerySet["Matter"]):
    region_path = "region__path"
    view_action = "matter.manage"

    def published(self) -> "MatterQuerySet":
        return self.filter(published=True)


class Matter(models.Model):
    """事项: one kind of service a resident can apply for, and its guide."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    region = models.ForeignKey(
        "regions.Region",
        models.PROTECT,
        related_name="+",
        verbose_name=_("handled at"),
        help_text=_("The district, subdistrict or community that handles the matter."),
    )
    category = models.CharField(_("category"), max_length=16, choices=MatterCategory.choices)
    summary = models.CharField(_("summary"), max_length=200)
    legal_basis = models.TextField(_("legal basis"))
    conditions = models.TextField(_("conditions"))
    fee = models.DecimalField(
        _("fee (yuan)"),
        max_digits=8,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    fee_basis = models.CharField(_("fee basis"), max_length=200, blank=True)
    time_limit = models.PositiveSmallIntegerField(
        _("promised time limit (working days)"),
        validators=[MaxValueValidator(180)],
        help_text=_("0: handled on the spot."),
    )
    legal_limit = models.PositiveSmallIntegerField(
        _("legal time limit (working days)"), validators=[MaxValueValidator(365)]
    )
    deliver_pickup = models.BooleanField(_("pickup at the window"), default=True)
    deliver_express = models.BooleanField(_("express delivery"), default=False)
    deliver_electronic = models.BooleanField(_("electronic certificate"), default=False)
    certificate_kind = models.CharField(
        _("certificate issued"),
        max_length=40,
        blank=True,
        help_text=_("The kind of electronic certificate an approved application issues."),
    )
    one_visit = models.BooleanField(_("at most one visit (最多跑一次)"), default=False)
    on_the_spot = models.BooleanField(_("done in one go (一次办结)"), default=False)
    district_wide = models.BooleanField(
        _("accepted anywhere in the district (全区通办)"), default=False
    )
    online = models.BooleanField(_("may be applied for online"), default=True)
    place = models.CharField(_("where"), max_length=120)
    hours = models.CharField(_("office hours"), max_length=120)
    phone = models.CharField(_("enquiries"), max_length=40)
    published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MatterQuerySet.as_manager()

    class Meta:
        db_table = "hall_matter"
        verbose_name = _("service matter")
        verbose_name_plural = _("service matters")
        ordering = ["category", "name"]
        indexes = [models.Index(fields=["published", "category"], name="matter_published")]
        constraints = [
            models.CheckConstraint(
                condition=Q(legal_limit__gte=models.F("time_limit")),
                name="matter_promise_within_law",
                violation_error_message=_("The promised time limit may not exceed the legal one."),
            ),
            models.CheckConstraint(
                condition=Q(deliver_pickup=True)
                | Q(deliver_express=True)
                | Q(deliver_electronic=True),
                name="matter_some_delivery",
                violation_error_message=_("Choose at least one delivery mode."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def delivery_modes(self) -> list[DeliveryMode]:
        return [
            mode
            for mode, on in (
                (DeliveryMode.PICKUP, self.deliver_pickup),
                (DeliveryMode.EXPRESS, self.deliver_express),
                (DeliveryMode.ELECTRONIC, self.deliver_electronic),
            )
            if on
        ]

    @property
    def free(self) -> bool:
        return not self.fee


def _template_path(instance: "MatterMaterial", filename: str) -> str:
    return f"hall/templates/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class MatterMaterial(models.Model):
    """A material a matter asks for: original or copy, how many copies, a template to
    fill in, and whether the registry or an earlier certificate stands in for it."""

    matter = models.ForeignKey(Matter, models.CASCADE, related_name="materials")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=80)
    form = models.CharField(_("form"), max_length=8, choices=MaterialForm.choices)
    copies = models.PositiveSmallIntegerField(
        _("copies"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    required = models.BooleanField(_("required"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    source = models.CharField(
        _("may come from"),
        max_length=12,
        choices=MaterialSource.choices,
        default=MaterialSource.APPLICANT,
    )
    certificate_kind = models.CharField(_("certificate that stands in"), max_length=40, blank=True)
    template = models.FileField(_("template"), upload_to=_template_path, max_length=200, blank=True)
    template_name = models.CharField(_("template file name"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["matter", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "name"],
                name="matter_material_unique",
                violation_error_message=_("The matter already asks for this material."),
            ),
            models.CheckConstraint(
                condition=~Q(source=MaterialSource.CERTIFICATE) | ~Q(certificate_kind=""),
                name="matter_material_certificate_kind",
                violation_error_message=_("Name the certificate that stands in."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MatterField(models.Model):
    """A typed field of a matter's application form, maybe prefilled from the registry."""

    matter = models.ForeignKey(Matter, models.CASCADE, related_name="fields")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    key = models.CharField(
        _("key"),
        max_length=32,
        validators=[RegexValidator(r"^[a-z][a-z0-9_]{0,31}$", _("Lower-case letters, digits, _."))],
    )
    label = models.CharField(_("label"), max_length=40)
    type = models.CharField(_("type"), max_length=10, choices=FieldType.choices)
    required = models.BooleanField(_("required"), default=True)
    options = models.JSONField(_("options"), default=list, blank=True)
    prefill = models.CharField(
        _("prefilled with"), max_length=12, choices=Prefill.choices, blank=True, default=""
    )
    help = models.CharField(_("help"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        ordering = ["matter", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "key"],
                name="matter_field_unique",
                violation_error_message=_("The form already has this field."),
            ),
        ]

    def __str__(self) -> str:
        return self.label


class MatterStep(models.Model):
    """A back-office step: steps of one `stage` run in parallel (across departments)
    and join before the next stage; the decision follows the last stage."""

    matter = models.ForeignKey(Matter, models.CASCADE, related_name="steps")
    stage = models.PositiveSmallIntegerField(
        _("stage"), validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    name = models.CharField(_("name"), max_length=40)
    department = models.CharField(_("department"), max_length=60)
    days = models.PositiveSmallIntegerField(
        _("time limit (working days)"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )

    class Meta:
        verbose_name = _("handling step")
        verbose_name_plural = _("handling steps")
        ordering = ["matter", "stage", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "stage", "name"],
                name="matter_step_unique",
                violation_error_message=_("The stage already has this step."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage}. {self.name}"
