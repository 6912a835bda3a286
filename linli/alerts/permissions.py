from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Role, vocabulary

ALERT_VIEW = "alert.view"
ALERT_MANAGE = "alert.manage"
ALERT_ISSUE = "alert.issue"
PLACE_MANAGE = "place.manage"

_ALL = {ALERT_VIEW, ALERT_MANAGE, ALERT_ISSUE, PLACE_MANAGE}

vocabulary.register(
    {
        ALERT_VIEW: _("View emergency alerts and the places they point to"),
        ALERT_MANAGE: _("Write, import and edit draft emergency alerts"),
        ALERT_ISSUE: _("Issue, update and cancel emergency alerts"),
        PLACE_MANAGE: _("Keep the registry of shelters and civil-defence sites"),
    },
    {
        Role.PLATFORM_ADMIN: _ALL,
        Role.DISTRICT_ADMIN: _ALL,
        Role.SUBDISTRICT_ADMIN: _ALL,
        Role.COMMUNITY_WORKER: {ALERT_VIEW, ALERT_MANAGE},
        Role.GRID_WORKER: {ALERT_VIEW},
        Role.DEPARTMENT_HANDLER: {ALERT_VIEW},
        Role.AUDITOR: {ALERT_VIEW},
    },
)
