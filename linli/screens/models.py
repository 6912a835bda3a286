"""TV channels (电视频道), display screens (显示屏) and set-top boxes, playlists and
the forecasts a community enters.

A channel (`Channel`) is one of the cable network's community channels — 801 阳光政务,
900 物价 … — with the notice topics it carries and a weekly schedule of programmes
(`Programme`); channels are district-wide, what a box shows on them is its
community's. A screen (`Screen`) is a display or a TV set-top box registered at a
community (or one of its buildings), signing in with a token kept only as its SHA-256
(`token_hash`, linli.devices.tokens); a display plays a playlist (`Playlist`,
`PlaylistItem`: notices, an image, the weather, the duty roster, the figures), each
item for its duration. A forecast (`Forecast`) is a day's weather for a region, entered
or imported by its staff: the weather items read it (linli/screens/weather.py).
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.scoping import ScopedQuerySet
from linli.screens.choices import (
    MAX_DURATION_S,
    MIN_DURATION_S,
    OFFLINE_AFTER_S,
    ItemKind,
    ScreenKind,
    Weekday,
)


class Channel(models.Model):
    """A TV channel of the community network: its number on the remote, its name, the
    notice topics it carries."""

    number = models.PositiveSmallIntegerField(
        _("channel number"),
        unique=True,
        validators=[MinValueValidator(1), MaxValueValidator(999)],
        help_text=_("One to three digits, typed on the remote control."),
    )
    name = models.CharField(_("name"), max_length=20)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    enabled = models.BooleanField(_("on air"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("TV channel")
        verbose_name_plural = _("TV channels")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Programme(models.Model):
    """A slot of a channel's weekly schedule (节目单): its days, start and end, title."""

    channel = models.ForeignKey(Channel, models.CASCADE, related_name="programmes")
    weekdays = models.JSONField(_("days of the week"), default=list)
    starts = models.TimeField(_("starts"))
    ends = models.TimeField(_("ends"))
    title = models.CharField(_("title"), max_length=40)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["channel", "starts", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts__lt=models.F("ends")),
                name="programme_starts_before_it_ends",
                violation_error_message=_("A programme must start before it ends."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts:%H:%M}–{self.ends:%H:%M} {self.title}"

    @property
    def days_label(self) -> str:
        if len(self.weekdays) == len(Weekday):
            return str(_("Every day"))
        return "、".join(str(Weekday(day).label) for day in self.weekdays)


class PlaylistQuerySet(ScopedQuerySet["Playlist"]):
    view_action = "screen.view"


class Playlist(models.Model):
    """What a community's display screens play, item after item, round and round."""

    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=50)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    objects = PlaylistQuerySet.as_manager()

    class Meta:
        verbose_name = _("playlist")
        verbose_name_plural = _("playlists")
        ordering = ["region", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="playlist_unique_name",
                violation_error_message=_("The community already has a playlist of this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name


def _image_path(item: "PlaylistItem", filename: str) -> str:
    return f"screens/{item.playlist.region.code}/{uuid.uuid4().hex}.{filename.rpartition('.')[2]}"


class PlaylistItem(models.Model):
    """One item of a playlist, shown for `duration` seconds."""

    playlist = models.ForeignKey(Playlist, models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("shows"), max_length=10, choices=ItemKind.choices)
    duration = models.PositiveSmallIntegerField(
        _("duration (s)"),
        default=15,
        validators=[MinValueValidator(MIN_DURATION_S), MaxValueValidator(MAX_DURATION_S)],
    )
    title = models.CharField(_("caption"), max_length=60, blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    image = models.FileField(upload_to=_image_path, max_length=200, blank=True)
    image_type = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("playlist item")
        verbose_name_plural = _("playlist items")
        ordering = ["playlist", "order", "pk"]

    def __str__(self) -> str:
        return self.title or str(self.get_kind_display())


class ScreenQuerySet(ScopedQuerySet["Screen"]):
    view_action = "screen.view"


class Screen(models.Model):
    """A display screen or TV set-top box of a community, which signs in with its token."""

    kind = models.CharField(_("kind"), max_length=8, choices=ScreenKind.choices)
    name = models.CharField(_("name"), max_length=50)
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("community")
    )
    building = models.ForeignKey(
        "registry.Building",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("building"),
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=6, null=True, blank=True
    )
    playlist = models.ForeignKey(
        Playlist,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="screens",
        verbose_name=_("playlist"),
    )
    token_hash = models.CharField(_("token digest"), max_length=64, unique=True, editable=False)
    token_rotated_at = models.DateTimeField(_("token issued at"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    showing = models.CharField(_("showing"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    objects = ScreenQuerySet.as_manager()

    class Meta:
        verbose_name = _("screen")
        verbose_name_plural = _("screens")
        ordering = ["region", "kind", "name"]
        indexes = [models.Index(fields=["region", "kind"], name="screen_region_kind")]

    def __str__(self) -> str:
        return self.name

    @property
    def online(self) -> bool:
        if self.last_seen_at is None or self.retired_at is not None:
            return False
        return (timezone.now() - self.last_seen_at).total_seconds() < OFFLINE_AFTER_S


class ForecastQuerySet(ScopedQuerySet["Forecast"]):
    view_action = "screen.view"


class Forecast(models.Model):
    """A day's weather for a region (the district, a subdistrict or a community), as
    its staff entered or imported it from the weather bureau's forecast."""

    region = models.ForeignKey(
        "regions.Region", models.CASCADE, related_name="+", verbose_name=_("region")
    )
    day = models.DateField(_("day"))
    summary = models.CharField(_("weather"), max_length=20, help_text=_("e.g. 多云转小雨"))
    low = models.SmallIntegerField(
        _("low (°C)"), validators=[MinValueValidator(-60), MaxValueValidator(60)]
    )
    high = models.SmallIntegerField(
        _("high (°C)"), validators=[MinValueValidator(-60), MaxValueValidator(60)]
    )
    wind = models.CharField(_("wind"), max_length=20, blank=True, help_text=_("e.g. 东南风3级"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ForecastQuerySet.as_manager()

    class Meta:
        verbose_name = _("forecast")
        verbose_name_plural = _("forecasts")
        ordering = ["region", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "day"],
                name="forecast_one_a_day",
                violation_error_message=_("This region already has a forecast for this day."),
            ),
            models.CheckConstraint(
                condition=Q(low__lte=models.F("high")),
                name="forecast_low_not_above_high",
                violation_error_message=_("The low must not be above the high."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.summary}"
