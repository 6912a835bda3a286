"""The one engine: who qualifies for a grant kind, why not, and for how much.

A kind's conditions are query conditions on registry residents (`qualifying_q`), so
the same rules answer a caseworker's single grant (`refusals`: one message per
condition the person fails), the daily lapse check and the 应享未享 report (everyone in
scope who qualifies and has no open grant of the kind). Typed labels are read from the
registry's label links, derived ones (`elderly`, `elderly_alone`…) from their
conditions (linli.registry.labels); ages from birth dates in the site's time zone;
care levels from the latest confirmed ability assessment (linli.assessment).

The amount: the nearest region up the resident's grid that has rules for the kind
decides — a community's rules override its subdistrict's, which override the
district's — and the age band picks the row; no band for the age: no amount.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.assessment.selectors import current_level_in
from linli.entitlements.choices import DisabilityType, EndReason
from linli.entitlements.models import AmountRule, DisabilityCertificate, GrantKind
from linli.regions.models import Region
from linli.registry.choices import ResidentStatus
from linli.registry.labels import DERIVED_LABELS, derived_label_q, years_ago
from linli.registry.models import Label, Resident, ResidentLabel


@dataclass(frozen=True)
class Condition:
    """One condition of a kind: its query, the message for who fails it, and the
    end reason when a grant's holder stops meeting it."""

    q: Q
    failed: str
    lapse: str


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _label_q(code: str) -> Q:
    if code in DERIVED_LABELS:
        return derived_label_q(code)
    return Q(Exists(ResidentLabel.objects.filter(resident=OuterRef("pk"), label__code=code)))


def certificate_q(kind: GrantKind, today: date) -> Q:
    found = DisabilityCertificate.objects.filter(
        resident=OuterRef("pk"), issued_on__lte=today, valid_until__gte=today
    )
    if kind.max_grade:
        found = found.filter(grade__lte=kind.max_grade)
    if kind.disability_types:
        found = found.filter(type__in=kind.disability_types)
    return Q(Exists(found))


def _names(labels: list[Label]) -> str:
    return "、".join(label.name for label in labels)


def conditions(kind: GrantKind, today: date | None = None) -> list[Condition]:
    """The kind's conditions in the order they are explained."""
    today = today or timezone.localdate()
    found = [
        Condition(
            Q(status=ResidentStatus.LIVING),
            _("does not live in the district any more"),
            EndReason.MOVED_OUT,
        )
    ]
    for label in kind.labels_all.all():
        found.append(
            Condition(
                _label_q(label.code),
                _("does not hold the label %(label)s") % {"label": label.name},
                EndReason.LABEL_LAPSED,
            )
        )
    anyof = list(kind.labels_any.all())
    if anyof:
        q = Q()
        for label in anyof:
            q |= _label_q(label.code)
        found.append(
            Condition(
                q,
                _("holds none of the labels %(labels)s") % {"labels": _names(anyof)},
                EndReason.LABEL_LAPSED,
            )
        )
    if kind.min_age is not None:
        found.append(
            Condition(
                Q(birth_date__lte=years_ago(kind.min_age, today)),
                _("is under %(age)d") % {"age": kind.min_age},
                EndReason.NOT_ELIGIBLE,
            )
        )
    if kind.needs_certificate:
        found.append(
            Condition(certificate_q(kind, today), certificate_wanted(kind), EndReason.CERTIFICATE)
        )
    if kind.care_levels:
        found.append(
            Condition(
                Q(current_level_in(kind.care_levels)),
                _("is not assessed as %(levels)s") % {"levels": kind.care_level_names},
                EndReason.CARE_LEVEL,
            )
        )
    return found


def certificate_wanted(kind: GrantKind) -> str:
    text = _("has no valid disability certificate")
    if kind.max_grade:
        text += _(" of grade %(grade)d or more severe") % {"grade": kind.max_grade}
    if kind.disability_types:
        labels = dict(DisabilityType.choices)
        text += _(" of the types %(types)s") % {
            "types": "、".join(str(labels.get(t, t)) for t in kind.disability_types)
        }
    return text


def qualifying_q(kind: GrantKind, today: date | None = None) -> Q:
    q = Q()
    for condition in conditions(kind, today):
        q &= condition.q
    return q


def failed_conditions(
    kind: GrantKind, resident: Resident, today: date | None = None
) -> list[Condition]:
    """The conditions the resident does not meet (none: they qualify)."""
    one = Resident.objects.filter(pk=resident.pk)
    return [c for c in conditions(kind, today) if not one.filter(c.q).exists()]


def refusals(kind: GrantKind, resident: Resident, today: date | None = None) -> list[str]:
    """Why the resident does not qualify, one sentence per condition failed."""
    return [
        _("%(name)s %(why)s.") % {"name": resident.name, "why": c.failed}
        for c in failed_conditions(kind, resident, today)
    ]


@dataclass(frozen=True)
class Amount:
    amount: Decimal
    unit: str
    rule: AmountRule


def amount_for(kind: GrantKind, resident: Resident, today: date | None = None) -> Amount | None:
    """The amount the nearest region with rules gives at the resident's age."""
    today = today or timezone.localdate()
    grid: Region = resident.grid
    paths = [*grid.ancestor_paths(), grid.path]
    rules = list(
        AmountRule.objects.filter(kind=kind, region__path__in=paths).select_related("region")
    )
    if not rules:
        return None
    nearest = max(len(r.region.path) for r in rules)
    age = age_on(resident.birth_date, today)
    for rule in sorted(rules, key=lambda r: r.min_age or 0):
        if len(rule.region.path) != nearest:
            continue
        if (rule.min_age is None or age >= rule.min_age) and (
            rule.max_age is None or age <= rule.max_age
        ):
            return Amount(rule.amount, rule.unit, rule)
    return None
