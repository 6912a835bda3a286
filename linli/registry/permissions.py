from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Role, vocabulary

REGISTRY_VIEW = "registry.view"
REGISTRY_EDIT = "registry.edit"
REGISTRY_REVEAL_PII = "registry.reveal_pii"
REGISTRY_IMPORT = "registry.import"
REGISTRY_EXPORT = "registry.export"

_STAFF_EDITORS = {
    REGISTRY_VIEW,
    REGISTRY_EDIT,
    REGISTRY_REVEAL_PII,
    REGISTRY_IMPORT,
    REGISTRY_EXPORT,
}

vocabulary.register(
    {
        REGISTRY_VIEW: _("View buildings, houses, households, residents and organisations"),
        REGISTRY_EDIT: _("Record and update registry data, move residents in and out"),
        REGISTRY_REVEAL_PII: _("Reveal full ID and phone numbers (with a reason, audited)"),
        REGISTRY_IMPORT: _("Import registry ledgers from Excel"),
        REGISTRY_EXPORT: _("Export registry ledgers to Excel (masked, audited)"),
    },
    {
        Role.PLATFORM_ADMIN: _STAFF_EDITORS,
        Role.DISTRICT_ADMIN: _STAFF_EDITORS,
        Role.SUBDISTRICT_ADMIN: _STAFF_EDITORS,
        Role.COMMUNITY_WORKER: _STAFF_EDITORS,
        Role.GRID_WORKER: {REGISTRY_VIEW, REGISTRY_EDIT},
    },
)
