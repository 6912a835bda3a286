from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Role, vocabulary

CASE_VIEW = "case.view"
CASE_REPORT = "case.report"
CASE_RECORD = "case.record"
CASE_ACCEPT = "case.accept"
CASE_DISPATCH = "case.dispatch"
CASE_HANDLE = "case.handle"
CASE_VERIFY = "case.verify"
CASE_CONFIGURE = "case.configure"

_COMMUNITY = {
    CASE_VIEW,
    CASE_REPORT,
    CASE_RECORD,
    CASE_ACCEPT,
    CASE_DISPATCH,
    CASE_HANDLE,
    CASE_VERIFY,
}

vocabulary.register(
    {
        CASE_VIEW: _("View cases and their timelines"),
        CASE_REPORT: _("Report one's own case, reopen and rate it"),
        CASE_RECORD: _(
            "Record a case met on patrol or taken for a caller (hotline) in the staff form"
        ),
        CASE_ACCEPT: _("Accept (立案) or reject reported cases, reopen closed ones"),
        CASE_DISPATCH: _("Dispatch cases to a handler, reassign them"),
        CASE_HANDLE: _("Handle cases assigned to oneself and report back"),
        CASE_VERIFY: _("Verify handled cases: close them or return them for rework"),
        CASE_CONFIGURE: _(
            "Configure routing rules (and, district-wide, categories and their time limits)"
        ),
    },
    {
        Role.PLATFORM_ADMIN: _COMMUNITY | {CASE_CONFIGURE},
        Role.DISTRICT_ADMIN: _COMMUNITY | {CASE_CONFIGURE},
        Role.SUBDISTRICT_ADMIN: _COMMUNITY | {CASE_CONFIGURE},
        Role.COMMUNITY_WORKER: _COMMUNITY,
        Role.GRID_WORKER: {CASE_VIEW, CASE_REPORT, CASE_RECORD, CASE_HANDLE},
        Role.DEPARTMENT_HANDLER: {CASE_VIEW, CASE_HANDLE},
        Role.AUDITOR: {CASE_VIEW},
        Role.RESIDENT: {CASE_REPORT},
    },
)
