from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Role, vocabulary

CALL_VIEW = "call.view"
CALL_HANDLE = "call.handle"

_ALL = {CALL_VIEW, CALL_HANDLE}

vocabulary.register(
    {
        CALL_VIEW: _("View the dispatch centre's calls, responders and care calls"),
        CALL_HANDLE: _("Answer calls, send responders, escalate and record outcomes"),
    },
    {
        Role.PLATFORM_ADMIN: _ALL,
        Role.DISTRICT_ADMIN: _ALL,
        Role.SUBDISTRICT_ADMIN: _ALL,
        Role.COMMUNITY_WORKER: _ALL,
        Role.GRID_WORKER: {CALL_VIEW},
        Role.AUDITOR: {CALL_VIEW},
    },
)
