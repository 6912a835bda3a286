from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Role, vocabulary

PROVIDER_MANAGE = "provider.manage"
ORDER_VIEW = "order.view"
ORDER_BOOK = "order.book"
ORDER_ASSIGN = "order.assign"
ORDER_SERVE = "order.serve"
ORDER_REQUEST = "order.request"
SETTLEMENT_MANAGE = "settlement.manage"

_STAFF = {PROVIDER_MANAGE, ORDER_VIEW, ORDER_BOOK, ORDER_ASSIGN, SETTLEMENT_MANAGE}

vocabulary.register(
    {
        PROVIDER_MANAGE: _("Keep home-service providers, their items and service areas"),
        ORDER_VIEW: _("View home-service orders"),
        ORDER_BOOK: _("Book home services for elders"),
        ORDER_ASSIGN: _("Assign home-service orders to care workers"),
        ORDER_SERVE: _("Serve home-service orders: check in and out at the home"),
        ORDER_REQUEST: _("Book, confirm and rate home services for oneself or one's family"),
        SETTLEMENT_MANAGE: _("Settle home-service providers' months"),
    },
    {
        Role.PLATFORM_ADMIN: _STAFF,
        Role.DISTRICT_ADMIN: _STAFF,
        Role.SUBDISTRICT_ADMIN: _STAFF,
        Role.COMMUNITY_WORKER: {ORDER_VIEW, ORDER_BOOK, ORDER_ASSIGN},
        # A provider's people act for it (registry.Affiliation): they see its orders only.
        Role.DEPARTMENT_HANDLER: {ORDER_VIEW, ORDER_ASSIGN, ORDER_SERVE},
        Role.GRID_WORKER: {ORDER_VIEW, ORDER_BOOK},
        Role.AUDITOR: {ORDER_VIEW},
        Role.RESIDENT: {ORDER_REQUEST},
        Role.FAMILY: {ORDER_REQUEST},  # for the elders whose consent they hold
    },
)
