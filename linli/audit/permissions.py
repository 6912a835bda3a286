from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Role, vocabulary

AUDIT_VIEW = "audit.view"

vocabulary.register(
    {AUDIT_VIEW: _("Browse the audit trail")},
    {
        Role.PLATFORM_ADMIN: {AUDIT_VIEW},
        Role.DISTRICT_ADMIN: {AUDIT_VIEW},
        Role.AUDITOR: {AUDIT_VIEW},
    },
)
