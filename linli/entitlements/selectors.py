"""Every read of the entitlements that answers a user, from `visible_to`."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from linli.entitlements import engine
from linli.entitlements.choices import VeteranRecordKind
from linli.entitlements.filters import GrantFilter, UnservedFilter, VeteranFilter
from linli.entitlements.models import (
    AmountRule,
    Campaign,
    DisabilityCertificate,
    Grant,
    GrantKind,
    Verification,
    VeteranRecord,
)
from linli.entitlements.permissions import ENTITLEMENT_VIEW
from linli.entitlements.services import VETERAN_LABELS
from linli.regions.models import ancestor_paths
from linli.regions.selectors import may
from linli.registry.models import Resident, ResidentLabel


def rules_visible(*, user: Any) -> QuerySet[AmountRule]:
    """The amount rules that apply in the user's regions: those of the regions above
    them, and of the regions within them (another community's own are not theirs)."""
    found = AmountRule.objects.select_related("region").order_by("region__path", "min_age")
    if getattr(user, "is_superuser", False):
        return found
    paths: list[str] = user.scope_paths(ENTITLEMENT_VIEW)
    if not paths:
        return found.none()
    where = Q(region__path__in=[a for p in paths for a in (*ancestor_paths(p), p)])
    for path in paths:
        where |= Q(region__path__startswith=path)
    return found.filter(where)


def kinds(*, user: Any) -> QuerySet[GrantKind]:
    return GrantKind.objects.prefetch_related(
        "labels_all", "labels_any", Prefetch("rules", rules_visible(user=user))
    )


def active_kinds() -> QuerySet[GrantKind]:
    return GrantKind.objects.filter(active=True)


def grants_visible(*, user: Any, action: str = ENTITLEMENT_VIEW) -> QuerySet[Grant]:
    return Grant.objects.visible_to(user, action).select_related("kind", "resident", "grid__parent")


def grant_list(*, user: Any, filters: GrantFilter) -> QuerySet[Grant]:
    return filters.apply(grants_visible(user=user), user=user)


def residents_visible(*, user: Any, action: str = ENTITLEMENT_VIEW) -> QuerySet[Resident]:
    return Resident.objects.visible_to(user, action)


def grants_of(*, user: Any, resident: Resident) -> QuerySet[Grant]:
    return grants_visible(user=user).filter(resident=resident).order_by("ends_on", "-starts_on")


def certificates_of(*, user: Any, resident: Resident) -> QuerySet[DisabilityCertificate]:
    return DisabilityCertificate.objects.visible_to(user, ENTITLEMENT_VIEW).filter(
        resident=resident
    )


def unserved_kind(filters: UnservedFilter) -> GrantKind | None:
    """The kind the report is about: the one asked for, else the first granted now."""
    found = active_kinds()
    if filters.kind:
        return found.filter(code=filters.kind).first()
    return found.first()


def unserved(*, user: Any, kind: GrantKind, filters: UnservedFilter) -> QuerySet[Resident]:
    """应享未享: residents in scope who qualify for `kind` and have no open grant of it."""
    has = Grant.objects.filter(resident=OuterRef("pk"), kind=kind, ends_on__isnull=True)
    found = (
        residents_visible(user=user)
        .filter(engine.qualifying_q(kind))
        .exclude(Exists(has))
        .select_related("grid__parent")
        .order_by("grid__path", "name", "pk")
    )
    result: QuerySet[Resident] = filters.in_region(found)
    return result


@dataclass(frozen=True)
class KindCount:
    kind: GrantKind
    granted: int
    unserved: int


def unserved_counts(*, user: Any, filters: UnservedFilter) -> list[KindCount]:
    """Per kind granted now: open grants and qualifying residents without one."""
    counts = []
    grants = filters.in_region(grants_visible(user=user).filter(ends_on__isnull=True))
    granted = dict(grants.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    for kind in active_kinds():
        counts.append(
            KindCount(
                kind,
                granted.get(kind.pk, 0),
                unserved(user=user, kind=kind, filters=filters).count(),
            )
        )
    return counts


def veterans(*, user: Any, filters: VeteranFilter) -> QuerySet[Resident]:
    """Veterans and 优抚对象 in scope, with their plaque date, visits and aid."""
    records = VeteranRecord.objects.filter(resident=OuterRef("pk"))
    year = timezone.localdate().year
    found = (
        residents_visible(user=user)
        .filter(
            Exists(
                ResidentLabel.objects.filter(
                    resident=OuterRef("pk"), label__code__in=VETERAN_LABELS
                )
            )
        )
        .annotate(
            plaque_on=records.filter(kind=VeteranRecordKind.PLAQUE).values("on")[:1],
            visits=Count(
                "veteran_records",
                filter=Q(
                    veteran_records__kind__in=[
                        VeteranRecordKind.VISIT_AUGUST_FIRST,
                        VeteranRecordKind.VISIT_SPRING,
                    ],
                    veteran_records__on__year=year,
                ),
                distinct=True,
            ),
            aid=Sum(
                "veteran_records__amount",
                filter=Q(
                    veteran_records__kind=VeteranRecordKind.AID, veteran_records__on__year=year
                ),
            ),
        )
        .select_related("grid__parent")
        .order_by("grid__path", "name", "pk")
    )
    result: QuerySet[Resident] = filters.apply(found, user=user)
    return result


def veteran_records_of(*, user: Any, resident: Resident) -> QuerySet[VeteranRecord]:
    return VeteranRecord.objects.visible_to(user, ENTITLEMENT_VIEW).filter(resident=resident)


def campaigns_visible(*, user: Any) -> QuerySet[Campaign]:
    """Campaigns of the user's regions, and those with a grant in them (a grid
    worker's grids lie below the community the campaign is for)."""
    mine = Verification.objects.visible_to(user, ENTITLEMENT_VIEW).values("campaign")
    return (
        Campaign.objects.filter(
            Q(pk__in=Campaign.objects.visible_to(user, ENTITLEMENT_VIEW).values("pk"))
            | Q(pk__in=mine)
        )
        .select_related("region")
        .annotate(
            total=Count("verifications"),
            done=Count("verifications", filter=~Q(verifications__result="pending")),
        )
    )


def verifications_of(*, user: Any, campaign: Campaign) -> QuerySet[Verification]:
    return (
        Verification.objects.visible_to(user, ENTITLEMENT_VIEW)
        .filter(campaign=campaign)
        .select_related("grant__kind", "grant__resident__household", "grant__grid", "checked_by")
    )


def may_act(user: Any, resident: Resident, action: str) -> bool:
    return may(user, resident.grid, action)
