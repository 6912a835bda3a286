from django.core.cache import cache
from django.db.models import QuerySet

from linli.audit.filters import AuditFilter
from linli.audit.models import AuditEntry
from linli.audit.permissions import AUDIT_VIEW

OBJECT_TYPES_FOR = 600  # seconds the filter's kinds are kept


def entries_visible(*, user, action: str = AUDIT_VIEW) -> QuerySet[AuditEntry]:
    """Audit entries the user may see (their subtrees; region-less ones at city level)."""
    return AuditEntry.objects.visible_to(user, action)


def entries_filtered(*, user, filters: AuditFilter) -> QuerySet[AuditEntry]:
    """The entries a list shows: visible, filtered, newest first, regions joined."""
    return filters.apply(entries_visible(user=user)).select_related("region").order_by("-seq")


def object_types() -> list[str]:
    """The kinds of object the trail names (not secret: the platform's own models),
    for the filter's choices: a scan of the whole trail, so kept for 10 minutes."""

    def scan() -> list[str]:
        found = AuditEntry.objects.order_by().values_list("object_type", flat=True).distinct()
        return [object_type for object_type in found if object_type]

    return cache.get_or_set("audit-object-types", scan, OBJECT_TYPES_FOR) or []
