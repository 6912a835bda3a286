from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Role, vocabulary

MATTER_MANAGE = "matter.manage"
APPLICATION_VIEW = "application.view"
APPLICATION_ACCEPT = "application.accept"
APPLICATION_HANDLE = "application.handle"

_ALL = {MATTER_MANAGE, APPLICATION_VIEW, APPLICATION_ACCEPT, APPLICATION_HANDLE}

vocabulary.register(
    {
        MATTER_MANAGE: _("Keep the catalogue of service matters"),
        APPLICATION_VIEW: _("View applications for service matters"),
        APPLICATION_ACCEPT: _("Take in, check and accept applications at the front desk"),
        APPLICATION_HANDLE: _("Handle applications' back-office steps, decide and deliver"),
    },
    {
        Role.PLATFORM_ADMIN: _ALL,
        Role.DISTRICT_ADMIN: _ALL,
        Role.SUBDISTRICT_ADMIN: _ALL,
        Role.COMMUNITY_WORKER: {APPLICATION_VIEW, APPLICATION_ACCEPT, APPLICATION_HANDLE},
        Role.DEPARTMENT_HANDLER: {APPLICATION_VIEW, APPLICATION_HANDLE},
        Role.AUDITOR: {APPLICATION_VIEW},
    },
)
