from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Role, vocabulary

PATROL_VIEW = "patrol.view"
PATROL_RUN = "patrol.run"
PATROL_PLAN = "patrol.plan"
VISIT_RECORD = "visit.record"
TASK_VIEW = "task.view"
TASK_DO = "task.do"

_PLANNERS = {PATROL_VIEW, PATROL_PLAN, PATROL_RUN, VISIT_RECORD, TASK_VIEW, TASK_DO}

vocabulary.register(
    {
        PATROL_VIEW: _("View patrols, their trajectories and check-ins, checkpoints and routes"),
        PATROL_RUN: _("Go on patrol: record one's trajectory and check in at checkpoints"),
        PATROL_PLAN: _("Set checkpoints and patrol routes"),
        VISIT_RECORD: _("Log household visits (走访)"),
        TASK_VIEW: _("View grid tasks (网格任务) other apps hand to grid workers"),
        TASK_DO: _("Mark grid tasks done or cancelled"),
    },
    {
        Role.PLATFORM_ADMIN: _PLANNERS,
        Role.DISTRICT_ADMIN: _PLANNERS,
        Role.SUBDISTRICT_ADMIN: _PLANNERS,
        Role.COMMUNITY_WORKER: _PLANNERS,
        Role.GRID_WORKER: {PATROL_VIEW, PATROL_RUN, VISIT_RECORD, TASK_VIEW, TASK_DO},
        Role.AUDITOR: {PATROL_VIEW, TASK_VIEW},
    },
)
