from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Role, vocabulary

PATROL_VIEW = "patrol.view"
PATROL_RUN = "patrol.run"
PATROL_PLAN = "patrol.plan"
VISIT_RECORD = "visit.record"

_PLANNERS = {PATROL_VIEW, PATROL_PLAN, PATROL_RUN, VISIT_RECORD}

vocabulary.register(
    {
        PATROL_VIEW: _("View patrols, their trajectories and check-ins, checkpoints and routes"),
        PATROL_RUN: _("Go on patrol: record one's trajectory and check in at checkpoints"),
        PATROL_PLAN: _("Set checkpoints and patrol routes"),
        VISIT_RECORD: _("Log household visits (走访)"),
    },
    {
        Role.PLATFORM_ADMIN: _PLANNERS,
        Role.DISTRICT_ADMIN: _PLANNERS,
        Role.SUBDISTRICT_ADMIN: _PLANNERS,
        Role.COMMUNITY_WORKER: _PLANNERS,
        Role.GRID_WORKER: {PATROL_VIEW, PATROL_RUN, VISIT_RECORD},
        Role.AUDITOR: {PATROL_VIEW},
    },
)
