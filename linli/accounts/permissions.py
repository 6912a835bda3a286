from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Role, vocabulary
from linli.regions.choices import Level

USER_VIEW = "user.view"
USER_MANAGE = "user.manage"

vocabulary.register(
    {
        USER_VIEW: _("View users and their role grants"),
        USER_MANAGE: _("Create users and grant or revoke roles"),
    },
    {
        Role.PLATFORM_ADMIN: {USER_VIEW, USER_MANAGE},
        Role.DISTRICT_ADMIN: {USER_VIEW, USER_MANAGE},
        Role.SUBDISTRICT_ADMIN: {USER_VIEW, USER_MANAGE},
        Role.AUDITOR: {USER_VIEW},
    },
)

# Which roles a holder of each admin role may grant (inside their own subtree).
GRANTABLE_ROLES: dict[str, frozenset[str]] = {
    Role.PLATFORM_ADMIN: frozenset(Role),
    Role.DISTRICT_ADMIN: frozenset(
        {
            Role.SUBDISTRICT_ADMIN,
            Role.COMMUNITY_WORKER,
            Role.GRID_WORKER,
            Role.DEPARTMENT_HANDLER,
            Role.AUDITOR,
            Role.RESIDENT,
            Role.FAMILY,
        }
    ),
    Role.SUBDISTRICT_ADMIN: frozenset(
        {Role.COMMUNITY_WORKER, Role.GRID_WORKER, Role.RESIDENT, Role.FAMILY}
    ),
}

# The levels of the region tree at which each role can be held.
ROLE_LEVELS: dict[str, frozenset[str]] = {
    Role.PLATFORM_ADMIN: frozenset({Level.CITY}),
    Role.DISTRICT_ADMIN: frozenset({Level.DISTRICT}),
    Role.SUBDISTRICT_ADMIN: frozenset({Level.SUBDISTRICT}),
    Role.COMMUNITY_WORKER: frozenset({Level.COMMUNITY}),
    Role.GRID_WORKER: frozenset({Level.GRID}),
    Role.DEPARTMENT_HANDLER: frozenset({Level.DISTRICT, Level.SUBDISTRICT}),
    Role.AUDITOR: frozenset({Level.CITY, Level.DISTRICT, Level.SUBDISTRICT}),
    Role.RESIDENT: frozenset({Level.COMMUNITY}),
    Role.FAMILY: frozenset({Level.COMMUNITY}),
}
