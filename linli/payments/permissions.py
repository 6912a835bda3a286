from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Role, vocabulary

PAYMENT_VIEW = "payment.view"
PAYMENT_MANAGE = "payment.manage"

_ALL = {PAYMENT_VIEW, PAYMENT_MANAGE}

vocabulary.register(
    {
        PAYMENT_VIEW: _("View payment orders, their logs and reconciliations"),
        PAYMENT_MANAGE: _("Cancel unpaid payment orders and reconcile with the provider"),
    },
    {
        Role.PLATFORM_ADMIN: _ALL,
        Role.DISTRICT_ADMIN: _ALL,
        Role.SUBDISTRICT_ADMIN: _ALL,
        Role.COMMUNITY_WORKER: {PAYMENT_VIEW},
        Role.AUDITOR: {PAYMENT_VIEW},
    },
)
