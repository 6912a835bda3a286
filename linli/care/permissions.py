from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Role, vocabulary

ELDER_VIEW = "elder.view"
ELDER_MANAGE = "elder.manage"
ELDER_REVEAL_HEALTH = "elder.reveal_health"

_ALL = {ELDER_VIEW, ELDER_MANAGE, ELDER_REVEAL_HEALTH}

vocabulary.register(
    {
        ELDER_VIEW: _("View elders' profiles (health data masked)"),
        ELDER_MANAGE: _("Keep elders' profiles, emergency contacts and family consents"),
        ELDER_REVEAL_HEALTH: _("See an elder's conditions and allergies, with a stated reason"),
    },
    {
        Role.PLATFORM_ADMIN: _ALL,
        Role.DISTRICT_ADMIN: _ALL,
        Role.SUBDISTRICT_ADMIN: _ALL,
        Role.COMMUNITY_WORKER: _ALL,
        Role.GRID_WORKER: {ELDER_VIEW},
        Role.DEPARTMENT_HANDLER: {ELDER_VIEW},
        Role.AUDITOR: {ELDER_VIEW},
    },
)
