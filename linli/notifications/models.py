"""A message for one person: shown in the console's notification centre and sent
on through the deployment's senders (email now; SMS and others later)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications")
    kind = models.SlugField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=2000, blank=True)
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """One notification sent (or not) through one sender."""

    class Status(models.TextChoices):
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Nowhere to send it")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(Notification, models.CASCADE, related_name="deliveries")
    sender = models.SlugField(_("sender"), max_length=20)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "sender"], name="delivery_once_per_sender"
            )
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} {self.sender} {self.status}"
