"""Roles and the vocabulary of actions.

Each app's `permissions.py` names its actions (`region.view`, `grid.manage`…)
and says which roles may perform them, by calling `vocabulary.register`. A user
holds role grants (role + region node); an action is allowed in the subtree of
every grant whose role includes it.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", _("Platform admin")
    DISTRICT_ADMIN = "district_admin", _("District admin")
    SUBDISTRICT_ADMIN = "subdistrict_admin", _("Subdistrict admin")
    COMMUNITY_WORKER = "community_worker", _("Community worker")
    GRID_WORKER = "grid_worker", _("Grid worker")
    DEPARTMENT_HANDLER = "department_handler", _("Department handler")
    AUDITOR = "auditor", _("Auditor")
    RESIDENT = "resident", _("Resident")
    # 家属: someone outside the registry (an elder's daughter in another city) whom an
    # elder's consent names as an emergency contact; held at the elder's community
    # (ADR 0027).
    FAMILY = "family", _("Family member")


STAFF_ROLES = frozenset(Role) - {Role.RESIDENT, Role.FAMILY}
ADMIN_ROLES = frozenset({Role.PLATFORM_ADMIN, Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN})


@dataclass
class Vocabulary:
    """Every action the platform knows, and the roles that may perform each."""

    labels: dict[str, str | Promise] = field(default_factory=dict)
    by_role: dict[str, set[str]] = field(default_factory=lambda: {r: set() for r in Role})

    def register(
        self, actions: Mapping[str, str | Promise], roles: Mapping[Role, Iterable[str]]
    ) -> None:
        for name, label in actions.items():
            if name in self.labels:
                raise ValueError(f"Action {name!r} is registered twice.")
            self.labels[name] = label
        for role, names in roles.items():
            unknown = set(names) - self.labels.keys()
            if unknown:
                raise ValueError(f"Role {role} is given unknown actions {sorted(unknown)}.")
            self.by_role[role].update(names)

    def allows(self, role: str, action: str) -> bool:
        return action in self.by_role.get(role, ())

    def roles_allowing(self, action: str) -> set[str]:
        self.check(action)
        return {role for role, names in self.by_role.items() if action in names}

    def check(self, action: str) -> str:
        if action not in self.labels:
            raise LookupError(f"Unknown action {action!r}: register it in an app's permissions.py.")
        return action


vocabulary = Vocabulary()


def autodiscover() -> None:
    """Import every installed Linli app's permissions module once."""
    autodiscover_modules("permissions")
