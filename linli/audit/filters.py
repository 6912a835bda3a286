"""The one filter of the audit trail, shared by the console page and the API."""

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from ninja import Field, Schema

from linli.audit.choices import AuditAction
from linli.regions.choices import PATH_LENGTH

REGION_PATTERN = r"^\d{1,15}$"


def region_prefix(code: str) -> str:
    """The path prefix a region code stands for: a full 12-digit division code is
    cut to its level's path (370306001000 → 370306001); anything shorter is taken
    as the first digits of a path, a 15-digit grid code as it is."""
    code = code.strip()
    if len(code) != 12:
        return code
    significant = len(code.rstrip("0"))
    width = min((w for w in PATH_LENGTH.values() if w >= significant), default=12)
    return code[:width]


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class AuditFilter(Schema):
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
    region: str | None = Field(
        None,
        pattern=REGION_PATTERN,
        description="A region code, or its first digits: entries in that part of the tree.",
    )

    def apply(self, entries: QuerySet) -> QuerySet:
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
        if self.region:
            entries = entries.filter(region_path__startswith=region_prefix(self.region))
        return entries
