"""Demo data of the entitlements: 周村区's amount rules (demo figures, see
docs/entitlements.md), and in 车站社区: disability certificates for its disabled
residents, grants of every kind to most of those who qualify (the rest show in the
应享未享 report), a few laid-off workers with the cable TV relief, a grant warned of
a lapse, an elder assessed as disabled in a 低保 household with the care subsidy, the
veterans' station records (春节 and 八一 visits, hardship aid, 光荣牌), and this
year's re-verification with some results. Grants also follow the hall's
approved 高龄津贴 and 两项补贴 applications. Idempotent: nothing is added twice."""

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import OutputWrapper
from django.utils import timezone

from linli.assessment.selectors import current_level_in
from linli.entitlements import engine, services, subscribers
from linli.entitlements.catalogue import LAID_OFF, ensure
from linli.entitlements.choices import (
    AmountUnit,
    DisabilityType,
    VerificationResult,
    VeteranRecordKind,
)
from linli.entitlements.models import AmountRule, Grant, GrantKind, VeteranRecord
from linli.hall.events import ApplicationDecided
from linli.hall.models import Application
from linli.regions.models import Region
from linli.registry.choices import ResidentStatus
from linli.registry.labels import ELDERLY, derived_label_q
from linli.registry.models import Label, Resident
from linli.registry.services import resident_set_labels

DISTRICT, CHEZHAN = "370306000000", "370306001001"
CARE_SUBSIDY = "elderly-care-subsidy"
# Demo figures, not 周村区's published ones (docs/entitlements.md).
RULES: dict[str, list[tuple[int | None, int | None, str, str]]] = {
    "elderly-allowance": [
        (80, 89, "100", AmountUnit.PER_MONTH),
        (90, 99, "200", AmountUnit.PER_MONTH),
        (100, None, "500", AmountUnit.PER_MONTH),
    ],
    CARE_SUBSIDY: [(None, None, "150", AmountUnit.PER_MONTH)],
    "disability-living": [(None, None, "120", AmountUnit.PER_MONTH)],
    "disability-care": [(None, None, "100", AmountUnit.PER_MONTH)],
    "disability-residential": [(None, None, "300", AmountUnit.PER_MONTH)],
    "veteran-care": [(None, None, "600", AmountUnit.PER_MONTH)],
    "cable-tv-relief": [(None, None, "50", AmountUnit.PERCENT_OFF)],
}
GRANTED_SHARE = 0.75
REASONS = ("社区走访发现", "本人到社区申请", "网格员入户核实", "民政部门转办")
NOTES = ("住院治疗,家庭困难", "房屋漏雨维修", "子女失业,生活困难")


def seed(stdout: OutputWrapper, **_options: Any) -> None:
    ensure(GrantKind, Label)
    district = Region.objects.filter(code=DISTRICT).first()
    chezhan = Region.objects.filter(code=CHEZHAN).first()
    if district is None or chezhan is None:
        stdout.write("entitlements: no 周村区 regions, nothing to seed")
        return
    kinds = {k.code: k for k in GrantKind.objects.all()}
    if not AmountRule.objects.exists():
        for code, bands in RULES.items():
            for low, high, amount, unit in bands:
                services.rule_create(
                    kind=kinds[code],
                    region=district,
                    min_age=low,
                    max_age=high,
                    amount=Decimal(amount),
                    unit=unit,
                    by=None,
                )
    from_hall = _from_hall()
    if Grant.objects.filter(grid__path__startswith=chezhan.path, application="").exists():
        stdout.write("entitlements: demo grants already there")
        return
    residents = Resident.objects.filter(
        grid__path__startswith=chezhan.path, status=ResidentStatus.LIVING
    ).select_related("grid")
    if not residents.exists():
        stdout.write("entitlements: no residents in 车站社区, no demo grants")
        return
    rng = random.Random(16)
    today = timezone.localdate()
    _certificates(rng, residents.filter(labels__code="disabled"), today)
    _laid_off(rng, residents)
    _poor_and_disabled(residents, kinds.get(CARE_SUBSIDY), today)
    made = 0
    for kind in kinds.values():
        for person in residents.filter(engine.qualifying_q(kind)).order_by("pk"):
            if rng.random() > GRANTED_SHARE:
                continue
            try:
                services.grant_create(
                    resident=person,
                    kind=kind,
                    reason=rng.choice(REASONS),
                    starts_on=today - timedelta(days=rng.randint(30, 900)),
                    by=None,
                )
            except ValidationError:
                continue
            made += 1
    _veterans(rng, residents.filter(labels__code__in=services.VETERAN_LABELS).distinct(), today)
    _campaign(rng, chezhan, today)
    warned = _a_lapse(residents)
    stdout.write(
        f"entitlements: {made} grants in 车站社区 ({from_hall} from hall applications), "
        f"{warned} warned of a lapse"
    )


def _from_hall() -> int:
    matters = set(GrantKind.objects.exclude(matter="").values_list("matter", flat=True))
    before = Grant.objects.exclude(application="").count()
    for application in Application.objects.filter(
        approved=True, matter__code__in=matters, resident__isnull=False
    ).select_related("matter"):
        subscribers.grant_from_application(
            ApplicationDecided(
                application_id=application.pk,
                matter=application.matter.code,
                approved=True,
                resident_id=application.resident_id,
                actor_id=None,
            )
        )
    return Grant.objects.exclude(application="").count() - before


def _certificates(rng: random.Random, disabled: Any, today: Any) -> None:
    types = list(DisabilityType.values)
    for person in disabled.order_by("pk"):
        if person.disability_certificates.exists():
            continue
        kind = rng.choice(types)
        grade = rng.choice((1, 2, 2, 3, 3, 4))
        issued = today - timedelta(days=rng.randint(200, 3000))
        services.certificate_record(
            resident=person,
            number=f"{person.id_number}{types.index(kind) + 1}{grade}",
            type=kind,
            grade=grade,
            issued_on=issued,
            valid_until=issued + timedelta(days=365 * 10),
            by=None,
        )


def _laid_off(rng: random.Random, residents: Any) -> None:
    born_after = timezone.localdate().replace(year=timezone.localdate().year - 60)
    working = list(residents.filter(birth_date__gt=born_after).order_by("pk")[:400])
    for person in rng.sample(working, min(6, len(working))):
        codes = list(person.labels.values_list("code", flat=True))
        resident_set_labels(resident=person, codes=[*codes, LAID_OFF[0]], by=None)


def _veterans(rng: random.Random, veterans: Any, today: Any) -> None:
    if VeteranRecord.objects.filter(resident__in=veterans).exists():
        return
    spring = today.replace(month=2, day=10) if today.month > 2 else today - timedelta(days=20)
    august = today.replace(month=8, day=1) if today.month > 8 else today - timedelta(days=10)
    for n, person in enumerate(veterans.order_by("pk")):
        services.veteran_record_add(
            resident=person,
            kind=VeteranRecordKind.VISIT_SPRING,
            on=spring,
            by=None,
            note="慰问品:米、油、慰问金",
        )
        if rng.random() < 0.8:
            services.veteran_record_add(
                resident=person, kind=VeteranRecordKind.VISIT_AUGUST_FIRST, on=august, by=None
            )
        if rng.random() < 0.85:
            services.veteran_record_add(
                resident=person,
                kind=VeteranRecordKind.PLAQUE,
                on=today - timedelta(days=rng.randint(300, 1500)),
                by=None,
            )
        if n % 7 == 3:
            services.veteran_record_add(
                resident=person,
                kind=VeteranRecordKind.AID,
                on=today - timedelta(days=rng.randint(5, 200)),
                amount=Decimal(rng.choice((500, 800, 1000, 2000))),
                note=rng.choice(NOTES),
                by=None,
            )


def _campaign(rng: random.Random, chezhan: Region, today: Any) -> None:
    campaign = services.campaign_start(
        region=chezhan, year=today.year, due_on=today + timedelta(days=30), by=None
    )
    for verification in campaign.verifications.order_by("pk"):
        if rng.random() < 0.4:
            services.verification_record(
                verification=verification, result=VerificationResult.CONFIRMED, by=None
            )


def _poor_and_disabled(residents: Any, kind: GrantKind | None, today: Any) -> None:
    """The first elder assessed moderately disabled or worse becomes 低保 and is granted
    the 经济困难失能老年人护理补贴 (the demo registry's few 低保 holders include no
    such elder), unless someone already qualifies."""
    if kind is None or residents.filter(engine.qualifying_q(kind)).exists():
        return
    elder = (
        residents.filter(derived_label_q(ELDERLY), current_level_in(kind.care_levels))
        .order_by("pk")
        .first()
    )
    if elder is None:
        return
    codes = [*elder.labels.values_list("code", flat=True), "dibao"]
    resident_set_labels(resident=elder, codes=codes, by=None)
    services.grant_create(
        resident=elder, kind=kind, reason=REASONS[0], starts_on=today - timedelta(days=60), by=None
    )


def _a_lapse(residents: Any) -> int:
    """A 特困 holder of the cable TV relief loses the label: the daily check warns."""
    holder = (
        residents.filter(labels__code="tekun", grants__kind__code="cable-tv-relief")
        .exclude(labels__code__in=["wubao", LAID_OFF[0]])
        .order_by("pk")
        .first()
    )
    if holder is None:
        return 0
    codes = [c for c in holder.labels.values_list("code", flat=True) if c != "tekun"]
    resident_set_labels(resident=holder, codes=codes, by=None)
    return services.grants_check_lapses()["warned"]
