from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Role, vocabulary

CERTIFICATE_VIEW = "certificate.view"
CERTIFICATE_ISSUE = "certificate.issue"
CERTIFICATE_REVOKE = "certificate.revoke"

_ALL = {CERTIFICATE_VIEW, CERTIFICATE_ISSUE, CERTIFICATE_REVOKE}

vocabulary.register(
    {
        CERTIFICATE_VIEW: _("View the electronic certificates issued in a region"),
        CERTIFICATE_ISSUE: _("Issue electronic certificates"),
        CERTIFICATE_REVOKE: _("Revoke electronic certificates"),
    },
    {
        Role.PLATFORM_ADMIN: _ALL,
        Role.DISTRICT_ADMIN: _ALL,
        Role.SUBDISTRICT_ADMIN: _ALL,
        Role.COMMUNITY_WORKER: _ALL,
        Role.DEPARTMENT_HANDLER: {CERTIFICATE_VIEW},
        Role.AUDITOR: {CERTIFICATE_VIEW},
    },
)
