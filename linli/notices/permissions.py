from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Role, vocabulary

NOTICE_VIEW = "notice.view"
NOTICE_WRITE = "notice.write"
NOTICE_APPROVE = "notice.approve"
NOTICE_CONFIGURE = "notice.configure"

_EDITORS = {NOTICE_VIEW, NOTICE_WRITE, NOTICE_APPROVE}

vocabulary.register(
    {
        NOTICE_VIEW: _("View notices, their history and read receipts"),
        NOTICE_WRITE: _("Write notices and submit them for approval"),
        NOTICE_APPROVE: _("Approve, publish, pin and withdraw notices"),
        NOTICE_CONFIGURE: _("Set the topics of notices"),
    },
    {
        Role.PLATFORM_ADMIN: _EDITORS | {NOTICE_CONFIGURE},
        Role.DISTRICT_ADMIN: _EDITORS | {NOTICE_CONFIGURE},
        Role.SUBDISTRICT_ADMIN: _EDITORS,
        Role.COMMUNITY_WORKER: _EDITORS,
        Role.GRID_WORKER: {NOTICE_VIEW},
        Role.AUDITOR: {NOTICE_VIEW},
    },
)
