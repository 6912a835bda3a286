"""Emergency alerts (应急预警) modelled on OASIS CAP 1.2, and the places they send
people to.

An `Alert` is one CAP message: its identity (`sender`, `identifier`, `sent`), its
`status`, `msg_type` and `scope`; the facts its info blocks share (category, urgency,
severity, certainty, effective/onset/expires, web, contact); an `AlertInfo` per
language (zh-CN, en-US: event, headline, description, instruction); its area, a
region subtree (`region`, the CAP geocode of the division code) and optionally
polygons and circles inside it (areas.py); and the shelters and civil-defence sites
(`Place`) it points to.
An Update or Cancel is an alert of its own that `replaces` the one it references,
which is then superseded or cancelled. `AlertChange` is the transition log.
"""

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.alerts import areas
from linli.alerts.choices import (
    AlertSeverity,
    AlertUrgency,
    Category,
    Certainty,
    MsgType,
    Origin,
    PlaceKind,
    Scope,
    State,
    Status,
)
from linli.alerts.permissions import ALERT_VIEW
from linli.core.scoping import ScopedQuerySet

# CAP 1.2: identifier and sender contain no spaces, commas or restricted characters.
CAP_TOKEN = RegexValidator(r"^[^\s,<&]+$", _("Use no spaces, commas, “<” or “&” (CAP 1.2)."))


class PlaceQuerySet(ScopedQuerySet["Place"]):
    region_path = "region__path"
    view_action = ALERT_VIEW


class Place(models.Model):
    """应急避难场所 or 人防工程: where an alert may send people."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=PlaceKind.choices)
    address = models.CharField(_("address"), max_length=200)
    capacity = models.PositiveIntegerField(
        _("capacity (people)"), validators=[MaxValueValidator(1_000_000)]
    )
    longitude = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    latitude = models.FloatField(
        _("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("region")
    )

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="alerts_place_unique_name",
                violation_error_message=_("The region already has a place of this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class AlertQuerySet(ScopedQuerySet["Alert"]):
    region_path = "region__path"
    view_action = ALERT_VIEW

    def public(self) -> "AlertQuerySet":
        """Published messages anyone may read as CAP: issued once (not drafts), and
        meant for the public."""
        return self.exclude(state=State.DRAFT).filter(scope=Scope.PUBLIC)


class Alert(models.Model):
    """One CAP 1.2 message (应急预警信息)."""

    identifier = models.CharField(_("identifier"), max_length=120, validators=[CAP_TOKEN])
    sender = models.CharField(_("sender"), max_length=120, validators=[CAP_TOKEN])
    sent = models.DateTimeField(_("sent"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    msg_type = models.CharField(_("message type"), max_length=8, choices=MsgType.choices)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    replaces = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    urgency = models.CharField(_("urgency"), max_length=10, choices=AlertUrgency.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=AlertSeverity.choices)
    certainty = models.CharField(_("certainty"), max_length=10, choices=Certainty.choices)
    effective = models.DateTimeField(_("effective"), null=True, blank=True)
    onset = models.DateTimeField(_("onset"), null=True, blank=True)
    expires = models.DateTimeField(_("expires"), null=True, blank=True)
    web = models.URLField(_("web page"), blank=True)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("area")
    )
    area_desc = models.CharField(_("area description"), max_length=200)
    polygon = models.JSONField(_("polygon"), null=True, blank=True)  # Polygon/MultiPolygon
    circles = models.JSONField(_("circles"), default=list, blank=True)
    places = models.ManyToManyField(
        Place, blank=True, related_name="alerts", verbose_name=_("shelters and sites")
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    origin = models.CharField(
        _("origin"), max_length=8, choices=Origin.choices, default=Origin.CONSOLE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "identifier"],
                name="alerts_alert_unique_identity",
                violation_error_message=_("This sender already has a message of this identifier."),
            ),
            models.CheckConstraint(
                condition=Q(msg_type=MsgType.ALERT) | Q(replaces__isnull=False),
                name="alerts_alert_update_references",
                violation_error_message=_("An update or cancellation references an alert."),
            ),
        ]
        indexes = [models.Index(fields=["state", "expires"], name="alerts_alert_state_expires")]

    def __str__(self) -> str:
        return self.headline or self.identifier

    def info(self, language: str) -> "AlertInfo | None":
        return next((i for i in self.infos.all() if i.language == language), None)

    @property
    def headline(self) -> str:
        first = self.info("zh-CN") or next(iter(self.infos.all()), None)
        return first.headline or first.event if first is not None else ""

    @property
    def geometric(self) -> bool:
        """Whether the area is drawn (polygons, circles), not the whole region."""
        return bool(self.polygon or self.circles)

    def covers(self, longitude: float, latitude: float) -> bool:
        """Whether a point in the area's region is inside its polygons or circles (an
        area without them: the whole region, True)."""
        return areas.covers(self.polygon, self.circles, longitude, latitude)

    @property
    def references(self) -> str:
        """CAP's `references`: "sender,identifier,sent" of the message replaced."""
        old = self.replaces
        if old is None or old.sent is None:
            return ""
        return f"{old.sender},{old.identifier},{cap_time(old.sent)}"


def cap_time(value: Any) -> str:
    """A CAP 1.2 date-time: seconds, explicit offset ("-00:00" is not used for UTC)."""
    from django.utils import timezone

    local = timezone.localtime(value).replace(microsecond=0)
    return str(local.isoformat())


class AlertInfo(models.Model):
    """One CAP info block's words, in one language."""

    alert = models.ForeignKey(Alert, models.CASCADE, related_name="infos")
    language = models.CharField(_("language"), max_length=10)
    event = models.CharField(_("event"), max_length=100)
    headline = models.CharField(_("headline"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    instruction = models.TextField(_("instruction"), max_length=4000, blank=True)

    class Meta:
        verbose_name = _("alert text")
        verbose_name_plural = _("alert texts")
        ordering = ["alert", "-language"]
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "language"],
                name="alerts_info_unique_language",
                violation_error_message=_("The alert already has a text in this language."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.language}: {self.event}"


class AlertChange(models.Model):
    """The transition log: who moved an alert from which state to which, and why."""

    alert = models.ForeignKey(Alert, models.CASCADE, related_name="changes")
    from_state = models.CharField(_("from"), max_length=12, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=12, choices=State.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("alert change")
        verbose_name_plural = _("alert changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"
