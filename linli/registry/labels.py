"""Labels (人员标签): those typed by staff, and those derived from data.

Derived labels are never stored: each is a query condition, so they are always
true to the data (a resident turns 60 without anybody relabelling them).
"""

from datetime import date

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.registry.choices import PoliticalStatus, ResidentStatus
from linli.registry.models import Resident

ELDERLY = "elderly"
ELDERLY_ALONE = "elderly_alone"
PARTY_MEMBER = "party_member"
ELDERLY_AGE = 60

# code, name, derived — seeded on migrate; deployments may add typed labels.
SEED_LABELS = [
    (ELDERLY, "60岁以上老人", True),
    (ELDERLY_ALONE, "独居老人", True),
    ("disabled", "残疾人", False),
    ("veteran", "退役军人", False),
    ("dibao", "低保", False),
    ("tekun", "特困", False),
    ("wubao", "五保", False),
    (PARTY_MEMBER, "党员", True),
    ("youfu", "优抚对象", False),
    ("attention", "重点关注", False),
]
DERIVED_NAMES = {code: name for code, name, derived in SEED_LABELS if derived}
DERIVED_LABELS = set(DERIVED_NAMES)
DERIVED_RULES = {
    ELDERLY: _("aged 60 or over"),
    ELDERLY_ALONE: _("aged 60 or over and the only person living in the household"),
    PARTY_MEMBER: _("political status: CPC member or probationary member"),
}


def years_ago(years: int, today: date | None = None) -> date:
    """The date `years` years before today in the site's time zone (28 February for
    29 February)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def derived_label_q(code: str) -> Q:
    """The condition on Resident rows that a derived label stands for."""
    if code == ELDERLY:
        return Q(birth_date__lte=years_ago(ELDERLY_AGE))
    if code == PARTY_MEMBER:
        return Q(
            political_status__in=[PoliticalStatus.CPC_MEMBER, PoliticalStatus.CPC_PROBATIONARY]
        )
    if code == ELDERLY_ALONE:
        others = Resident.objects.filter(
            household=OuterRef("household"), status=ResidentStatus.LIVING
        ).exclude(pk=OuterRef("pk"))
        return Q(birth_date__lte=years_ago(ELDERLY_AGE), status=ResidentStatus.LIVING) & ~Q(
            Exists(others)
        )
    raise LookupError(f"{code!r} is not a derived label")
