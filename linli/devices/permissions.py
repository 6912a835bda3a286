from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Role, vocabulary

DEVICE_VIEW = "device.view"
DEVICE_MANAGE = "device.manage"
ALARM_HANDLE = "alarm.handle"
RULE_MANAGE = "rule.manage"

_ALL = {DEVICE_VIEW, DEVICE_MANAGE, ALARM_HANDLE, RULE_MANAGE}

vocabulary.register(
    {
        DEVICE_VIEW: _("View devices, their values and alarms"),
        DEVICE_MANAGE: _("Register devices, issue and revoke their tokens"),
        ALARM_HANDLE: _("Acknowledge, clear, assign and comment on alarms"),
        RULE_MANAGE: _("Set alarm rules, device profiles and who hears of alarms"),
    },
    {
        Role.PLATFORM_ADMIN: _ALL,
        Role.DISTRICT_ADMIN: _ALL,
        Role.SUBDISTRICT_ADMIN: _ALL,
        Role.COMMUNITY_WORKER: {DEVICE_VIEW, DEVICE_MANAGE, ALARM_HANDLE},
        Role.GRID_WORKER: {DEVICE_VIEW, ALARM_HANDLE},
        Role.DEPARTMENT_HANDLER: {DEVICE_VIEW, ALARM_HANDLE},
        Role.AUDITOR: {DEVICE_VIEW},
    },
)
