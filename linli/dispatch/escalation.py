"""Unanswered care calls escalated: the second in a row for an elder opens a case
for the community (category 老人帮扶) so somebody knocks on the door."""

from django.utils.translation import gettext as _

from linli.cases.models import Category
from linli.cases.services import case_report
from linli.dispatch.choices import CARE_ESCALATE_AFTER, CareState
from linli.dispatch.models import CareCall

SOURCE = "dispatch"  # the case source dispatch registers: 调度中心
CATEGORY = "elderly-help"


def escalate_unanswered(care_call: CareCall) -> bool:
    """Escalate when the last CARE_ESCALATE_AFTER recorded calls of the elder went
    unanswered (and none of them was escalated yet). Returns whether it did."""
    last = list(
        CareCall.objects.filter(resident=care_call.resident_id, recorded_at__isnull=False)
        .exclude(state=CareState.DUE)
        .order_by("-due_on", "-pk")[:CARE_ESCALATE_AFTER]
    )
    if len(last) < CARE_ESCALATE_AFTER or any(
        c.state != CareState.UNANSWERED or c.escalated for c in last
    ):
        return False
    category = Category.objects.get(code=CATEGORY)
    resident = care_call.resident
    case_report(
        category=category,
        description=_(
            "Proactive care calls to %(name)s, an elder living alone, went unanswered"
            " %(n)s times in a row: please visit the home."
        )
        % {"name": resident.name, "n": CARE_ESCALATE_AFTER},
        source=SOURCE,
        by=None,
        region=care_call.grid,
        address=str(resident.household.house.address)[:200],
        origin=care_call,
    )
    CareCall.objects.filter(pk=care_call.pk).update(escalated=True)
    care_call.escalated = True
    return True
