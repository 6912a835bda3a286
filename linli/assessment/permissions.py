from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Role, vocabulary

ASSESSMENT_VIEW = "assessment.view"
ASSESSMENT_PERFORM = "assessment.perform"

_ALL = {ASSESSMENT_VIEW, ASSESSMENT_PERFORM}

vocabulary.register(
    {
        ASSESSMENT_VIEW: _("View elders' ability assessments and care levels"),
        ASSESSMENT_PERFORM: _("Assess elders' abilities (as first or second assessor)"),
    },
    {
        Role.PLATFORM_ADMIN: _ALL,
        Role.DISTRICT_ADMIN: _ALL,
        Role.SUBDISTRICT_ADMIN: _ALL,
        Role.COMMUNITY_WORKER: _ALL,
        Role.GRID_WORKER: {ASSESSMENT_VIEW},
        Role.AUDITOR: {ASSESSMENT_VIEW},
    },
)
