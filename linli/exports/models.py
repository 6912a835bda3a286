from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.fields import EncryptedTextField
from linli.exports.choices import ExportStatus


class ExportQuerySet(models.QuerySet["Export"]):
    """Exports belong to the person who asked for them: nobody else sees them (their
    files hold personal data, masked or not). Not region-scoped."""

    def of_user(self, user: Any) -> "ExportQuerySet":
        """The user's own exports, without the file (read only when handed out)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user).defer("content")


class Export(models.Model):
    """A file written in the background (an export of more than BACKGROUND_ROWS rows):
    its progress, then the file itself, kept encrypted for KEEP_FOR and then deleted.
    Smaller exports are written within the request and leave no row."""

    CONTENT_CONTEXT = "exports.export.content"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("by")
    )
    kind = models.CharField(_("kind"), max_length=60)
    query = models.JSONField(_("filter"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    written_rows = models.PositiveIntegerField(_("rows written"), default=0)
    file_name = models.CharField(_("file name"), max_length=200)
    content = EncryptedTextField(
        _("file"), context=CONTENT_CONTEXT, blank=True, default="", editable=False
    )
    failure = models.CharField(_("failure"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.written_rows / self.total_rows))
