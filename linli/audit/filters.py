"""The one filter of the audit trail, shared by the console page and the API
(linli.core.lists)."""

from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import Field

from linli.audit.choices import AuditAction
from linli.regions.filters import InRegion


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class AuditFilter(InRegion):
    """Who did what to which object, when, and where (entries without a region are
    district-wide: a region filter leaves them out)."""

    region_field: ClassVar[str] = "region_path"
    labels = {
        "actor": gettext_lazy("Actor (username)"),
        "action": gettext_lazy("Action"),
        "object_type": gettext_lazy("Object type"),
        "object_id": gettext_lazy("Object ID"),
        "date_from": gettext_lazy("From"),
        "date_to": gettext_lazy("To"),
    }
    actor: str | None = Field(
        None, max_length=150, description="The actor's username (exact, any case)."
    )
    action: AuditAction | None = Field(None, description="What was done.")
    object_type: str | None = Field(
        None, max_length=100, description='The kind of object, e.g. "accounts.user".'
    )
    object_id: str | None = Field(None, max_length=64, description="The object's key.")
    date_from: date | None = Field(None, description="From this day (Asia/Shanghai), inclusive.")
    date_to: date | None = Field(None, description="Up to this day (Asia/Shanghai), inclusive.")

    def apply(self, entries: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        if self.actor:
            entries = entries.filter(actor_name__iexact=self.actor.strip())
        if self.action:
            entries = entries.filter(action=self.action)
        if self.object_type:
            entries = entries.filter(object_type=self.object_type.strip().lower())
        if self.object_id:
            entries = entries.filter(object_id=self.object_id.strip())
        if self.date_from:
            entries = entries.filter(at__gte=_start_of(self.date_from))
        if self.date_to:
            entries = entries.filter(at__lt=_start_of(self.date_to + timedelta(days=1)))
        return self.in_region(entries)
