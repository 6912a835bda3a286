"""The few tables of the shared machinery."""

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
