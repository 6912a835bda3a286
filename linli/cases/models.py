"""The one case engine: categories with their time limits, cases, and the log of
every stage change (the KPIs are computed from it)."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.cases import origins, sources
from linli.cases.choices import OPEN_STAGES, CategoryKind, Priority, Stage
from linli.cases.questions import validate_questions
from linli.core.crypto import mask_phone
from linli.core.fields import BlindIndexField, EncryptedTextField
from linli.core.scoping import ScopedQuerySet
from linli.regions.selectors import district_path

MAX_DESCRIPTION = 4000


class Category(models.Model):
    """A kind of problem, in a tree (GB/T 30428 大类 → 小类, plus community matters),
    with the time each stage may take, in hours."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=CategoryKind.choices)
    accept_hours = models.PositiveSmallIntegerField(_("hours to accept"), default=2)
    dispatch_hours = models.PositiveSmallIntegerField(_("hours to dispatch"), default=2)
    handle_hours = models.PositiveSmallIntegerField(_("hours to handle"), default=72)
    verify_hours = models.PositiveSmallIntegerField(_("hours to verify"), default=24)
    working_hours = models.BooleanField(
        _("count working hours only"),
        default=True,
        help_text=_("Off for emergencies: their limits run day and night."),
    )
    questions = models.JSONField(
        _("extra questions"),
        default=list,
        blank=True,
        validators=[validate_questions],
        help_text=_("Asked when reporting (Open311: the service's attributes)."),
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("active"), default=True)

    # What a district's administrators may change (services.category_update): the
    # limits, clock and activity (one table row each) and the extra questions.
    LIMITS = (
        "accept_hours",
        "dispatch_hours",
        "handle_hours",
        "verify_hours",
        "working_hours",
        "active",
    )
    SETTINGS = (*LIMITS, "questions")

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.parent.name} · {self.name}" if self.parent_id else self.name


class CaseQuerySet(ScopedQuerySet):
    region_path = "region__path"
    view_action = "case.view"

    def public(self):
        """Cases whose summary anyone may see (Open311, similar cases while reporting):
        urban-management events and components of the district, not rejected reports;
        community matters (disputes, help for the elderly…) name people and homes, and
        so may cases raised by kinds of origin that are not public (a device's alarm:
        an elder's call button at home)."""
        return self.filter(region__path__startswith=district_path()).exclude(
            Q(stage=Stage.REJECTED)
            | Q(category__kind=CategoryKind.COMMUNITY)
            | Q(origin_type__in=origins.private_types())
        )

    def overdue(self, now=None):
        """Open cases past their current stage's time limit."""
        return self.filter(stage__in=OPEN_STAGES, due_at__lt=now or timezone.now())


class Case(models.Model):
    """案卷: one problem, from its report to its evaluation."""

    PHONE_CONTEXT = "cases.case.reporter_phone"

    code = models.CharField(_("tracking code"), max_length=16, unique=True)
    category = models.ForeignKey(
        Category, models.PROTECT, related_name="cases", verbose_name=_("category")
    )
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("where")
    )
    source = models.CharField(_("source"), max_length=12, choices=sources.choices)
    origin_type = models.CharField(
        _("raised by (kind)"),
        max_length=60,
        blank=True,
        help_text=_("The kind of object that raised the case (cases.origins), e.g. a patrol."),
    )
    origin_id = models.CharField(_("raised by (key)"), max_length=40, blank=True)
    stage = models.CharField(
        _("stage"), max_length=12, choices=Stage.choices, default=Stage.REPORTED
    )
    description = models.TextField(_("description"), max_length=MAX_DESCRIPTION)
    address = models.CharField(_("address"), max_length=200, blank=True)
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=6, null=True, blank=True
    )
    # A photo elsewhere (Open311's media_url): kept as a link, never fetched.
    media_url = models.URLField(
        _("photo link"),
        max_length=1000,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reporter_name = models.CharField(_("reporter's name"), max_length=50, blank=True)
    reporter_phone = EncryptedTextField(
        _("reporter's phone"), context=PHONE_CONTEXT, null=True, blank=True
    )
    reporter_phone_index = BlindIndexField(source="reporter_phone", context=PHONE_CONTEXT)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    due_at = models.DateTimeField(_("stage due"), null=True, blank=True)
    stage_since = models.DateTimeField(_("in this stage since"))
    rework_count = models.PositiveSmallIntegerField(_("returned for rework"), default=0)
    escalation_level = models.PositiveSmallIntegerField(
        _("escalated"),
        default=0,
        help_text=_("How many levels up this stage's breach has been reported (0: not)."),
    )
    supporters = models.PositiveIntegerField(
        _("+1s"), default=0, help_text=_("People who reported the same problem with +1.")
    )
    duplicate_of = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
        help_text=_("The case this report was merged into."),
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating_comment = models.CharField(_("comment"), max_length=500, blank=True)
    reply = models.CharField(
        _("reply to the reporter"),
        max_length=500,
        blank=True,
        help_text=_("The handler's feedback, shown on the tracking page."),
    )
    answers = models.JSONField(_("answers to the extra questions"), default=dict, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    request_key = models.CharField(
        _("request key"),
        max_length=64,
        blank=True,
        help_text=_("The reporter's Idempotency-Key: the same key reports one case."),
    )
    request_digest = models.CharField(
        _("request digest"),
        max_length=64,
        blank=True,
        help_text=_("What the request with that key asked (SHA-256): another request is refused."),
    )
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["region", "stage"], name="case_region_stage"),
            models.Index(fields=["assignee", "stage"], name="case_assignee_stage"),
            models.Index(fields=["stage", "due_at"], name="case_stage_due"),
            models.Index(
                fields=["origin_type", "origin_id"],
                condition=~Q(origin_type=""),
                name="case_origin",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="case_rating_1_to_5",
            ),
            models.UniqueConstraint(
                fields=["reporter", "request_key"],
                condition=~Q(request_key=""),
                name="case_unique_request_key",
            ),
            models.CheckConstraint(
                condition=Q(origin_type="", origin_id="") | (~Q(origin_type="") & ~Q(origin_id="")),
                name="case_origin_both_or_neither",
                violation_error_message=_(
                    "Name both the kind and the key of what raised the case."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def masked_reporter_phone(self) -> str:
        return mask_phone(self.reporter_phone)


class CaseTransition(models.Model):
    """One stage change: who, when, from, to, to whom, the note; whether the stage
    left was over its time limit. Written in the transaction of the change."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="transitions")
    from_stage = models.CharField(_("from"), max_length=12, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=12, choices=Stage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    note = models.CharField(_("note"), max_length=1000, blank=True)
    overdue = models.BooleanField(_("over the time limit"), default=False)
    duration = models.DurationField(
        _("time in the stage left"), null=True, blank=True, help_text=_("None for the report.")
    )
    rating = models.PositiveSmallIntegerField(
        _("rating given"), null=True, blank=True, help_text=_("For an evaluation: its 1–5.")
    )
    at = models.DateTimeField(_("at"))
    rollup_batch = models.PositiveIntegerField(
        _("counted in the daily figures by run"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("case transition")
        verbose_name_plural = _("case transitions")
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["to_stage", "at"], name="casetransition_stage_at"),
            models.Index(fields=["rollup_batch"], name="casetransition_rollup_batch"),
            models.Index(
                fields=["at"],
                condition=Q(rollup_batch__isnull=True),
                name="casetransition_not_rolled_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.from_stage}→{self.to_stage}"


def _photo_path(photo: "CasePhoto", filename: str) -> str:
    return f"cases/{photo.added_at:%Y/%m}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class CasePhoto(models.Model):
    """A photo of a case (at most MAX_PHOTOS): stored without metadata, served only to
    those who may see the case; the location its camera recorded kept as data."""

    MAX_PHOTOS = 9

    case = models.ForeignKey(Case, models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=_photo_path, max_length=200)
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField(_("bytes"))
    longitude = models.DecimalField(
        _("longitude (camera)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    latitude = models.DecimalField(
        _("latitude (camera)"), max_digits=8, decimal_places=6, null=True, blank=True
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    public = models.BooleanField(
        _("shown on the tracking page"),
        default=False,
        help_text=_("Staff chose to show it (a photo of the work done) to anyone with the code."),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"))

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} photo {self.pk}"


class RoutingTarget(models.TextChoices):
    GRID_WORKER = "grid_worker", _("The grid worker of the case's grid")
    HANDLER = "handler", _("A named handler (a department's, a property company's)")
    ORGANISATION = (
        "organisation",
        _("An organisation's handlers (a department, a property company): the least busy"),
    )
    OWNER = (
        "owner",
        _("The owner of what raised the case (a device's property company): the least busy"),
    )


class RoutingRuleQuerySet(ScopedQuerySet):
    region_path = "region__path"
    view_action = "case.configure"


class RoutingRule(models.Model):
    """Where accepted cases go (派遣): by category (a top category covers its
    subcategories; none: every category) and place (a region and all below it),
    optionally only at some hours of the day. The most specific rule that finds a
    handler wins: the deepest region, then the exact category, then its parent."""

    name = models.CharField(_("name"), max_length=80)
    category = models.ForeignKey(
        Category,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
        help_text=_("Empty: every category."),
    )
    region = models.ForeignKey(
        "regions.Region", models.CASCADE, related_name="+", verbose_name=_("where")
    )
    starts_at = models.TimeField(_("from (time of day)"), null=True, blank=True)
    ends_at = models.TimeField(_("until (time of day)"), null=True, blank=True)
    target = models.CharField(_("goes to"), max_length=12, choices=RoutingTarget.choices)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handler"),
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RoutingRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["region__path", "category__order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target="handler", handler__isnull=False)
                | Q(target__in=["grid_worker", "organisation", "owner"], handler__isnull=True),
                name="routingrule_handler_iff_named",
                violation_error_message=_("Name the handler (only) for rules to a handler."),
            ),
            models.CheckConstraint(
                condition=Q(target="organisation", organisation__isnull=False)
                | (~Q(target="organisation") & Q(organisation__isnull=True)),
                name="routingrule_organisation_iff_named",
                violation_error_message=_(
                    "Name the organisation (only) for rules to an organisation."
                ),
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True, ends_at__isnull=True)
                | Q(starts_at__isnull=False, ends_at__isnull=False),
                name="routingrule_hours_both_or_none",
                violation_error_message=_("Give both times of day, or neither."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CaseEscalation(models.Model):
    """A stage's time limit breached and reported one level up (community, then
    subdistrict, then district), found by the periodic `cases_escalate` task."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="escalations")
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    level = models.PositiveSmallIntegerField(_("level"))
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("reported to")
    )
    notified = models.PositiveSmallIntegerField(_("people notified"), default=0)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.stage} L{self.level}"


class CaseSupport(models.Model):
    """A "+1": someone met the same problem and joined this case instead of filing
    another (once per person and case)."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("+1")
        verbose_name_plural = _("+1s")
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="casesupport_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.case} +1"
