"""Grid work: checkpoints and patrol routes a community plans, the patrols grid
workers make (GPS trajectory and check-ins), household visits (走访), and the grid
tasks other apps hand to grid workers."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.gridwork import task_kinds
from linli.gridwork.choices import CheckInMethod, TaskState, VisitPurpose
from linli.regions.models import GridOwned, GridOwnedQuerySet


class GridWorkQuerySet(GridOwnedQuerySet):
    view_action = "patrol.view"


class Checkpoint(GridOwned):
    """巡查点: a fixed point of a grid to check in at, by its QR code or by being there."""

    name = models.CharField(_("name"), max_length=100)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=6)
    radius = models.PositiveSmallIntegerField(
        _("radius (m)"),
        default=50,
        validators=[MinValueValidator(10), MaxValueValidator(500)],
        help_text=_("A check-in by location counts within this distance."),
    )
    token = models.CharField(_("QR code token"), max_length=32, unique=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = GridWorkQuerySet.as_manager()

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["grid__path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "name"],
                name="checkpoint_name_unique_in_grid",
                violation_error_message=_("This grid already has a checkpoint with this name."),
            ),
            models.CheckConstraint(
                condition=Q(radius__gte=10, radius__lte=500),
                name="checkpoint_radius_range",
                violation_error_message=_("The radius must be between 10 and 500 m."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Route(GridOwned):
    """巡查路线: checkpoints in order, patrolled by a grid worker so many times a week.
    What it plans is what 到位率 measures against (docs/kpis.md)."""

    name = models.CharField(_("name"), max_length=100)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("grid worker")
    )
    checkpoints = models.ManyToManyField(
        Checkpoint, through="RouteStop", related_name="routes", verbose_name=_("checkpoints")
    )
    patrols_per_week = models.PositiveSmallIntegerField(
        _("patrols a week"), validators=[MinValueValidator(1), MaxValueValidator(14)]
    )
    starts_on = models.DateField(_("planned from"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)  # first day not planned
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = GridWorkQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol route")
        verbose_name_plural = _("patrol routes")
        ordering = ["grid__path", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(patrols_per_week__gte=1, patrols_per_week__lte=14),
                name="route_patrols_per_week_range",
                violation_error_message=_("Plan between 1 and 14 patrols a week."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("starts_on")),
                name="route_ends_after_start",
                violation_error_message=_("A route cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def active(self) -> bool:
        return self.ended_on is None


class RouteStop(models.Model):
    route = models.ForeignKey(Route, models.CASCADE, related_name="stops")
    checkpoint = models.ForeignKey(Checkpoint, models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["route", "order"]
        constraints = [
            models.UniqueConstraint(fields=["route", "checkpoint"], name="route_stop_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.route_id}.{self.order}"


class Patrol(GridOwned):
    """巡查: one patrol of a grid worker, from start to end, with its trajectory."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("grid worker")
    )
    route = models.ForeignKey(
        Route,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="patrols",
        verbose_name=_("route"),
    )
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last point"))
    distance = models.PositiveIntegerField(_("distance (m)"), default=0)
    point_count = models.PositiveIntegerField(_("GPS points"), default=0)
    ended_by_system = models.BooleanField(_("ended automatically"), default=False)

    objects = GridWorkQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["grid", "started_at"], name="patrol_grid_started")]
        constraints = [
            models.UniqueConstraint(
                fields=["worker"],
                condition=Q(ended_at__isnull=True),
                name="patrol_one_open_per_worker",
                violation_error_message=_("You already have a patrol under way: end it first."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def under_way(self) -> bool:
        return self.ended_at is None


class PatrolPoint(models.Model):
    """One GPS fix of a patrol's trajectory (WGS 84, as phones give it)."""

    patrol = models.ForeignKey(Patrol, models.CASCADE, related_name="points")
    at = models.DateTimeField()
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    latitude = models.DecimalField(max_digits=8, decimal_places=6)
    accuracy = models.PositiveIntegerField(null=True, blank=True)  # metres, as reported

    class Meta:
        ordering = ["patrol", "at"]
        constraints = [
            # A batch sent twice (a retry on a bad network) is stored once.
            models.UniqueConstraint(fields=["patrol", "at"], name="patrol_point_unique_time"),
        ]

    def __str__(self) -> str:
        return f"{self.longitude},{self.latitude} {self.at:%H:%M:%S}"


class CheckIn(models.Model):
    """打卡: a patrol reached a checkpoint."""

    patrol = models.ForeignKey(Patrol, models.CASCADE, related_name="check_ins")
    checkpoint = models.ForeignKey(Checkpoint, models.PROTECT, related_name="check_ins")
    at = models.DateTimeField(_("at"))
    method = models.CharField(_("by"), max_length=10, choices=CheckInMethod.choices)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=6, null=True, blank=True)
    distance = models.PositiveIntegerField(_("distance (m)"), null=True, blank=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["patrol", "at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patrol", "checkpoint"],
                name="check_in_once_per_patrol",
                violation_error_message=_("This patrol has already checked in here."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.checkpoint_id} {self.at:%Y-%m-%d %H:%M}"


class VisitQuerySet(GridOwnedQuerySet):
    """Visits are part of a household's record: seen with the registry."""

    view_action = "registry.view"


class Visit(GridOwned):
    """走访: a grid worker's visit to a household, with what they found."""

    household = models.ForeignKey(
        "registry.Household", models.PROTECT, related_name="visits", verbose_name=_("household")
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("visited by")
    )
    visited_at = models.DateTimeField(_("visited"))
    purpose = models.CharField(_("purpose"), max_length=16, choices=VisitPurpose.choices)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    confirmed = models.BooleanField(
        _("household data confirmed"),
        default=False,
        help_text=_("The people and facts on record are still right: marks it verified."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_at"]
        indexes = [
            models.Index(fields=["household", "visited_at"], name="visit_household_time"),
            models.Index(fields=["grid", "visited_at"], name="visit_grid_time"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.visited_at:%Y-%m-%d}"


class GridTaskQuerySet(GridOwnedQuerySet):
    view_action = "task.view"


class GridTask(GridOwned):
    """网格任务: work another app hands to a grid's workers (re-assess an elder,
    re-verify a grant). Its kind (linli.gridwork.task_kinds) links it to the app's
    object by `ref`; the app closes it when its own record shows the work done, or a
    worker marks it done on the spot. One open task per kind and ref."""

    kind = models.CharField(_("kind"), max_length=40)
    ref = models.CharField(_("reference"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    detail = models.TextField(_("detail"), max_length=2000, blank=True)
    resident = models.ForeignKey(
        "registry.Resident",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resident"),
    )
    household = models.ForeignKey(
        "registry.Household",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("household"),
    )
    due_on = models.DateField(_("due"))
    state = models.CharField(
        _("state"), max_length=10, choices=TaskState.choices, default=TaskState.OPEN
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    objects = GridTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("grid task")
        verbose_name_plural = _("grid tasks")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["grid", "state", "due_on"], name="gridtask_grid_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "ref"],
                condition=models.Q(state="open"),
                name="gridtask_one_open_per_ref",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def overdue(self) -> bool:
        return self.state == TaskState.OPEN and self.due_on < timezone.localdate()

    @property
    def kind_label(self) -> str:
        kind = task_kinds.get(self.kind)
        return str(kind.label) if kind else self.kind

    @property
    def link(self) -> str:
        """The page of the app's object the task is about."""
        kind = task_kinds.get(self.kind)
        return kind.url(self.ref) if kind else ""
