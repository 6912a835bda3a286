"""The users list's filter, shared by the console and the API (linli.core.lists)."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy
from ninja import Field

from linli.accounts.models import RoleGrant
from linli.accounts.permissions import USER_VIEW
from linli.core.permissions import Role
from linli.regions.filters import InRegion


class UserFilter(InRegion):
    """By name, and by a role held (an active grant the viewer may see) in a region or
    below it: a grant outside the viewer's part of the tree never shows."""

    labels = {"q": gettext_lazy("Search by username or name"), "role": gettext_lazy("Role")}
    q: str | None = Field(None, max_length=60, description="Part of a username or name.")
    role: Role | None = Field(None, description="Only people holding this role.")

    def apply(self, found: QuerySet[Any], *, user: Any = None) -> QuerySet[Any]:
        if self.q and self.q.strip():
            words = self.q.strip()
            found = found.filter(Q(username__icontains=words) | Q(full_name__icontains=words))
        if self.role or self.region:
            grants = self.in_region(RoleGrant.objects.active().visible_to(user, USER_VIEW))
            if self.role:
                grants = grants.filter(role=self.role)
            found = found.filter(pk__in=grants.values("user_id"))
        return found
