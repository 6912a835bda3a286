"""The few tables of the shared machinery: the calendar of working days, published
domain events."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """An exception to the working week: a public holiday (not working) or a
    make-up working day on a weekend (调休). Time limits counted in working hours
    skip the days that are not working (`linli.core.workdays`)."""

    date = models.DateField(_("date"), unique=True)
    working = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class PublishedEvent(models.Model):
    """A domain event a service published (linli.core.events), kept until every
    subscriber has handled it, then for a week."""

    name = models.CharField(_("event"), max_length=60)
    payload = models.JSONField(_("payload"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    handled = models.JSONField(_("handled by"), default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("published event")
        verbose_name_plural = _("published events")
        indexes = [
            models.Index(
                fields=["published_at"],
                condition=models.Q(delivered_at__isnull=True),
                name="event_undelivered",
            ),
            models.Index(fields=["delivered_at"], name="event_delivered_at"),
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"


class LiveMessage(models.Model):
    """A live update (linli.core.live) on a one-box install without Redis: written in
    the publishing service's transaction, read by one poller in each web process,
    deleted after `live.KEEP`. The id is the message's id on the stream."""

    channel = models.CharField(_("channel"), max_length=60)
    path = models.CharField(_("region path"), max_length=40, blank=True)
    data = models.JSONField(_("data"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("live message")
        verbose_name_plural = _("live messages")

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk}"
