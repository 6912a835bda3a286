from typing import Any

from linli.exports import kinds
from linli.exports.models import Export, ExportQuerySet


def exports_of(*, user: Any) -> ExportQuerySet:
    """The person's own exports (nobody sees another's) of the kinds there are, newest
    first."""
    return Export.objects.of_user(user).filter(kind__in=[k.code for k in kinds.every()])


def export_of(*, user: Any, pk: int) -> Export:
    """One of the person's own exports (Export.DoesNotExist otherwise)."""
    return exports_of(user=user).get(pk=pk)
