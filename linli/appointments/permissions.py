from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Role, vocabulary

CENTRE_VIEW = "centre.view"
CENTRE_MANAGE = "centre.manage"
TICKET_CALL = "ticket.call"

_ALL = {CENTRE_VIEW, CENTRE_MANAGE, TICKET_CALL}

vocabulary.register(
    {
        CENTRE_VIEW: _("View service centres, their windows, appointments and queues"),
        CENTRE_MANAGE: _("Set up service centres, windows, queues and appointment slots"),
        TICKET_CALL: _("Issue queue tickets and call them at a window"),
    },
    {
        Role.PLATFORM_ADMIN: _ALL,
        Role.DISTRICT_ADMIN: _ALL,
        Role.SUBDISTRICT_ADMIN: _ALL,
        Role.COMMUNITY_WORKER: _ALL,
        Role.AUDITOR: {CENTRE_VIEW},
    },
)
