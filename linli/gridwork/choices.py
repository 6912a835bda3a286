"""Grid work's vocabularies: how a check-in was made, why a household was visited,
where a grid task stands."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CheckInMethod(models.TextChoices):
    QR = "qr", _("QR code")
    GEOFENCE = "geofence", _("Location")


class VisitPurpose(models.TextChoices):
    ROUTINE = "routine", _("Routine visit (日常走访)")
    CARE = "care", _("Care visit (关爱探访)")
    VERIFICATION = "verification", _("Checking the household's data (信息核实)")
    DISPUTE = "dispute", _("Looking into a dispute (矛盾排查)")
    POLICY = "policy", _("Explaining a policy (政策宣传)")


class TaskState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# A browser sends its GPS points in batches; a batch holds at most this many.
MAX_POINTS_PER_BATCH = 500
# A patrol left open (the phone died, the worker forgot) is ended this long after
# its last sign of life by the periodic task.
STALE_PATROL_HOURS = 12
# A check-in by location counts within the checkpoint's radius plus the phone's
# stated accuracy, up to this much.
MAX_ACCURACY_ALLOWANCE_M = 50
# A visit may be logged afterwards, up to this many days back.
VISIT_BACKDATE_DAYS = 30
