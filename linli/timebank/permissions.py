from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Role, vocabulary

TIMEBANK_VIEW = "timebank.view"
TIMEBANK_RECORD = "timebank.record"

_ALL = {TIMEBANK_VIEW, TIMEBANK_RECORD}

vocabulary.register(
    {
        TIMEBANK_VIEW: _("View the time bank's accounts and passbooks in a region"),
        TIMEBANK_RECORD: _("Record volunteers' service hours, transfers and spending"),
    },
    {
        Role.PLATFORM_ADMIN: _ALL,
        Role.DISTRICT_ADMIN: _ALL,
        Role.SUBDISTRICT_ADMIN: _ALL,
        Role.COMMUNITY_WORKER: _ALL,
        Role.GRID_WORKER: _ALL,
        Role.AUDITOR: {TIMEBANK_VIEW},
    },
)
