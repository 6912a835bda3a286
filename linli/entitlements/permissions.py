from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Role, vocabulary

ENTITLEMENT_VIEW = "entitlement.view"
ENTITLEMENT_MANAGE = "entitlement.manage"
ENTITLEMENT_CONFIGURE = "entitlement.configure"
ENTITLEMENT_VERIFY = "entitlement.verify"

_ALL = {ENTITLEMENT_VIEW, ENTITLEMENT_MANAGE, ENTITLEMENT_CONFIGURE, ENTITLEMENT_VERIFY}
_CASEWORK = {ENTITLEMENT_VIEW, ENTITLEMENT_MANAGE, ENTITLEMENT_VERIFY}

vocabulary.register(
    {
        ENTITLEMENT_VIEW: _("View grants, certificates and veterans' records"),
        ENTITLEMENT_MANAGE: _(
            "Grant and end entitlements, record certificates, re-verify, keep veterans' records"
        ),
        ENTITLEMENT_CONFIGURE: _("Configure grant kinds and their amounts"),
        ENTITLEMENT_VERIFY: _("Record re-verification results and veterans' station visits"),
    },
    {
        Role.PLATFORM_ADMIN: _ALL,
        Role.DISTRICT_ADMIN: _ALL,
        Role.SUBDISTRICT_ADMIN: _CASEWORK,
        Role.COMMUNITY_WORKER: _CASEWORK,
        Role.GRID_WORKER: {ENTITLEMENT_VIEW, ENTITLEMENT_VERIFY},
        Role.DEPARTMENT_HANDLER: {ENTITLEMENT_VIEW},
        Role.AUDITOR: {ENTITLEMENT_VIEW},
    },
)
