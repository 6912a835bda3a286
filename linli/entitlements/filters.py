"""The filters of the entitlements' lists (linli.core.lists), shared by the pages,
the API and the exports: grants, the 应享未享 report, veterans."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy
from ninja import Field

from linli.entitlements.choices import GrantCategory
from linli.regions.filters import InGrid


class GrantFilter(InGrid):
    labels = {
        "kind": gettext_lazy("Grant kind"),
        "state": gettext_lazy("State"),
        "q": gettext_lazy("Person's name"),
        "category": gettext_lazy("Category"),
    }
    kind: str | None = Field(
        None, max_length=40, pattern=r"^[-a-z0-9_]+$", description="A kind's code."
    )
    category: GrantCategory | None = Field(None, description="A kind's category.")
    state: str | None = Field(
        None,
        pattern=r"^(open|ended|warned)$",
        description="open, ended, or warned (open, with a lapse warning).",
    )
    q: str | None = Field(None, max_length=20, description="The start of the holder's name.")

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        conditions = Q()
        if self.kind:
            conditions &= Q(kind__code=self.kind)
        if self.category:
            conditions &= Q(kind__category=self.category)
        if self.state == "open":
            conditions &= Q(ends_on__isnull=True)
        elif self.state == "ended":
            conditions &= Q(ends_on__isnull=False)
        elif self.state == "warned":
            conditions &= Q(ends_on__isnull=True, lapse_warned_on__isnull=False)
        if self.q and self.q.strip():
            conditions &= Q(resident__name__prefix=self.q.strip())
        return self.in_region(found.filter(conditions))


class UnservedFilter(InGrid):
    """应享未享: one kind's qualifying residents with no open grant of it."""

    labels = {"kind": gettext_lazy("Grant kind")}
    kind: str | None = Field(
        None,
        max_length=40,
        pattern=r"^[-a-z0-9_]+$",
        description="A kind's code (default: the first).",
    )


class VeteranFilter(InGrid):
    labels = {"q": gettext_lazy("Person's name"), "no_plaque": gettext_lazy("No honour plaque yet")}
    q: str | None = Field(None, max_length=20, description="The start of the veteran's name.")
    no_plaque: bool = Field(False, description="Only veterans without a recorded 光荣牌.")

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        if self.q and self.q.strip():
            found = found.filter(name__prefix=self.q.strip())
        if self.no_plaque:
            found = found.exclude(veteran_records__kind="plaque")
        return self.in_region(found)
