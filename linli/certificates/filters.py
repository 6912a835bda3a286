"""The certificates list's filter, shared by the console and the API (linli.core.lists)."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import Field

from linli.certificates.choices import CertificateState
from linli.regions.filters import InRegion


class CertificateFilter(InRegion):
    labels = {
        "kind": gettext_lazy("Kind"),
        "state": gettext_lazy("State"),
        "q": gettext_lazy("Number or holder's name"),
    }
    kind: str | None = Field(None, max_length=40, description="A certificate kind's code.")
    state: CertificateState | None = Field(None, description="valid, expired or revoked.")
    q: str | None = Field(None, max_length=50, description="Number (prefix) or holder's name.")

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        conditions = Q()
        if self.kind:
            conditions &= Q(kind__code=self.kind)
        today = timezone.localdate()
        if self.state == CertificateState.REVOKED:
            conditions &= Q(revoked_at__isnull=False)
        elif self.state == CertificateState.EXPIRED:
            conditions &= Q(revoked_at__isnull=True, valid_until__lt=today)
        elif self.state == CertificateState.VALID:
            conditions &= Q(revoked_at__isnull=True) & (
                Q(valid_until__isnull=True) | Q(valid_until__gte=today)
            )
        if self.q and self.q.strip():
            words = self.q.strip()
            conditions &= Q(number__istartswith=words) | Q(holder_name__contains=words)
        return self.in_region(found.filter(conditions))
