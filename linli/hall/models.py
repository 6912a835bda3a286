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
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.crypto import mask_id_number, mask_name, mask_phone
from linli.core.fields import BlindIndexField, EncryptedTextField
from linli.core.scoping import ScopedQuerySet, scope_filter
from linli.hall.choices import (
    FINAL_STATES,
    ApplicationChannel,
    ApplicationState,
    DeliveryMode,
    FieldType,
    MaterialForm,
    MaterialSource,
    MatterCategory,
    Prefill,
    ProvidedAs,
    StepState,
)

if TYPE_CHECKING:
    from linli.core.scoping import AnyUser


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


class MaterialManager(models.Manager["MatterMaterial"]):
    """The materials a matter asks for now: a material taken off the catalogue while
    applications still hold it is kept for them (`retired`), not asked for again."""

    def get_queryset(self) -> models.QuerySet["MatterMaterial"]:
        return super().get_queryset().filter(retired=False)


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
    retired = models.BooleanField(
        _("taken off"),
        default=False,
        help_text=_("No longer asked for; kept for the applications that provided it."),
    )

    objects = MaterialManager()
    every: "models.Manager[MatterMaterial]" = models.Manager()

    class Meta:
        base_manager_name = "every"
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


class ApplicationQuerySet(ScopedQuerySet["Application"]):
    """Staff see the applications of their regions' subtrees: by the applicant's
    community (`region`), or, for a 全区通办 matter, by the desk that took it in."""

    region_path = "region__path"
    view_action = "application.view"

    def visible_to(self, user: "AnyUser", action: str | None = None) -> "ApplicationQuerySet":
        from linli.regions.models import Region

        q = scope_filter(user, action or self.view_action, "path")
        if q is None:
            return self
        regions = Region.objects.filter(q).values("pk")
        return self.filter(Q(region__in=regions) | Q(desk__in=regions))


class Application(models.Model):
    """办件: one application for a matter, from its submission to its delivery."""

    ID_CONTEXT = "hall.application.id_number"
    PHONE_CONTEXT = "hall.application.phone"
    PRIVATE_CONTEXT = "hall.application.private_answers"
    ADDRESS_CONTEXT = "hall.application.express_address"

    code = models.CharField(_("application number"), max_length=20, unique=True)
    matter = models.ForeignKey(
        Matter, models.PROTECT, related_name="applications", verbose_name=_("matter")
    )
    region = models.ForeignKey(
        "regions.Region",
        models.PROTECT,
        related_name="+",
        verbose_name=_("community"),
        help_text=_("The applicant's community, whose staff handle it."),
    )
    desk = models.ForeignKey(
        "regions.Region",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken in at"),
        help_text=_("The community whose front desk took it in (全区通办: maybe another)."),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=ApplicationChannel.choices)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applicant's account"),
    )
    resident = models.ForeignKey(
        "registry.Resident",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applicant in the registry"),
    )
    name = models.CharField(_("applicant"), max_length=50)
    id_number = EncryptedTextField(_("ID number"), context=ID_CONTEXT)
    id_number_index = BlindIndexField(source="id_number", context=ID_CONTEXT)
    phone = EncryptedTextField(_("mobile phone"), context=PHONE_CONTEXT)
    answers = models.JSONField(_("form answers"), default=dict, blank=True)
    form = models.JSONField(
        _("form as applied"),
        default=list,
        blank=True,
        help_text=_("The form's fields when the application was made: key, label, type, prefill."),
    )
    private_answers = EncryptedTextField(
        _("form answers (personal)"), context=PRIVATE_CONTEXT, blank=True, default=""
    )
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=ApplicationState.choices,
        default=ApplicationState.SUBMITTED,
    )
    state_since = models.DateTimeField(_("in this state since"))
    version = models.PositiveIntegerField(default=1)
    missing = models.JSONField(
        _("missing materials"),
        default=list,
        blank=True,
        help_text=_("The one-time notice (一次性告知书): every material still missing."),
    )
    notice_note = models.CharField(_("what else to do"), max_length=500, blank=True)
    delivery_mode = models.CharField(_("delivery"), max_length=12, choices=DeliveryMode.choices)
    express_address = EncryptedTextField(
        _("delivery address"), context=ADDRESS_CONTEXT, blank=True, default=""
    )
    tracking_number = models.CharField(_("tracking number"), max_length=30, blank=True)
    pickup_code = models.CharField(_("pickup code"), max_length=6, blank=True)
    fee = models.DecimalField(_("fee (yuan)"), max_digits=8, decimal_places=2, default=0)
    payment_ref = models.CharField(
        _("payment order"), max_length=40, blank=True, help_text=_("The payment order's number.")
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    certificate_ref = models.CharField(
        _("certificate"), max_length=40, blank=True, help_text=_("The certificate's number.")
    )
    approved = models.BooleanField(_("approved"), null=True, blank=True)
    decision_note = models.CharField(_("decision"), max_length=500, blank=True)
    visits = models.PositiveSmallIntegerField(
        _("visits to the window"),
        default=0,
        help_text=_("How often the applicant had to come in person."),
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating_comment = models.CharField(_("comment"), max_length=300, blank=True)
    request_key = models.CharField(_("request key"), max_length=40, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    due_at = models.DateTimeField(_("promised by"), null=True, blank=True)
    paused = models.DurationField(
        _("time waiting for the applicant"),
        default=timedelta,
        help_text=_("Supplements stop the clock: the promise moves by this much."),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken in by"),
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        db_table = "hall_application"
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "due_at"], name="application_state_due"),
            models.Index(fields=["region", "state"], name="application_region_state"),
            models.Index(fields=["applicant", "submitted_at"], name="application_applicant"),
            models.Index(fields=["completed_at"], name="application_completed"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index", "matter", "request_key"],
                condition=~Q(request_key=""),
                name="application_unique_request_key",
                violation_error_message=_("This application was already submitted."),
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="application_rating_range",
                violation_error_message=_("A rating is 1 to 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.matter}"

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def overdue(self) -> bool:
        if self.due_at is None:
            return False
        end = self.decided_at or timezone.now()
        return end > self.due_at


def _material_path(instance: "ApplicationMaterial", filename: str) -> str:
    return f"hall/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class ApplicationMaterial(models.Model):
    """A material an application has: a checked upload, an original seen at the desk,
    the registry's record or an earlier certificate standing in for it."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="materials")
    material = models.ForeignKey(
        MatterMaterial, models.PROTECT, related_name="+", verbose_name=_("material")
    )
    provided_as = models.CharField(_("provided as"), max_length=12, choices=ProvidedAs.choices)
    file = models.FileField(upload_to=_material_path, max_length=200, blank=True)
    file_name = models.CharField(_("file name"), max_length=120, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    reference = models.CharField(
        _("reference"), max_length=60, blank=True, help_text=_("The certificate's number.")
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("provided material")
        verbose_name_plural = _("provided materials")
        ordering = ["application", "material__order", "pk"]
        indexes = [models.Index(fields=["application", "material"], name="application_material")]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.material_id}"


class ApplicationStep(models.Model):
    """A back-office step of an application: its department, deadline and note. The
    steps of a stage start together and the next stage starts when all are done."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="steps")
    stage = models.PositiveSmallIntegerField(_("stage"))
    name = models.CharField(_("name"), max_length=40)
    department = models.CharField(_("department"), max_length=60)
    days = models.PositiveSmallIntegerField(_("time limit (working days)"))
    state = models.CharField(
        _("state"), max_length=8, choices=StepState.choices, default=StepState.WAITING
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due by"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("application step")
        verbose_name_plural = _("application steps")
        ordering = ["application", "stage", "pk"]
        indexes = [models.Index(fields=["state", "due_at"], name="applicationstep_state_due")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.stage}. {self.name}"

    @property
    def overdue(self) -> bool:
        if self.due_at is None:
            return False
        return (self.done_at or timezone.now()) > self.due_at


class ApplicationTransition(models.Model):
    """One move of an application's state (or of one of its steps): who, when, from,
    to, the note. Written in the transaction of the move."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="transitions")
    from_state = models.CharField(
        _("from"), max_length=12, choices=ApplicationState.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=12, choices=ApplicationState.choices)
    step = models.ForeignKey(
        ApplicationStep,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("step"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("application transition")
        verbose_name_plural = _("application transitions")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["to_state", "at"], name="applicationtransition_at")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.from_state}→{self.to_state}"
