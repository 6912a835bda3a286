"""The narrow table of day figures: any measure, without a migration of its own."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayFigure(models.Model):
    """A measure's value (linli.core.indicators) for one local day and one region (its
    materialised path) — and one subgroup: "" for the region's total, "person:<id>"
    for a person's share. Added to by the rollup task (indicators.rollup)."""

    measure = models.CharField(_("measure"), max_length=60)
    day = models.DateField(_("day"))
    region_path = models.CharField(_("region path"), max_length=15)
    subgroup = models.CharField(_("subgroup"), max_length=40, blank=True, default="")
    value = models.BigIntegerField(_("value"))

    class Meta:
        verbose_name = _("day figure")
        verbose_name_plural = _("day figures")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "day", "region_path", "subgroup"], name="dayfigure_once"
            )
        ]
        indexes = [models.Index(fields=["day", "measure"], name="dayfigure_day_measure")]

    def __str__(self) -> str:
        return f"{self.measure} {self.day} {self.region_path} {self.subgroup}"
