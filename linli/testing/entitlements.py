"""Factories of the entitlements' tests: residents with labels, certificates, and the
amount rules of a region."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from linli.entitlements import services
from linli.entitlements.catalogue import ensure
from linli.entitlements.choices import AmountUnit
from linli.entitlements.models import AmountRule, DisabilityCertificate, GrantKind
from linli.registry.models import Label, Resident
from linli.registry.services import resident_set_labels
from linli.testing.registry import aged, id_number, move_in, place

# 周村区's figures as the demo configures them (demo values, docs/entitlements.md).
RULES: dict[str, list[tuple[int | None, int | None, str, str]]] = {
    "elderly-allowance": [
        (80, 89, "100", AmountUnit.PER_MONTH),
        (90, 99, "200", AmountUnit.PER_MONTH),
        (100, None, "500", AmountUnit.PER_MONTH),
    ],
    "elderly-care-subsidy": [(None, None, "150", AmountUnit.PER_MONTH)],
    "disability-living": [(None, None, "120", AmountUnit.PER_MONTH)],
    "disability-care": [(None, None, "100", AmountUnit.PER_MONTH)],
    "disability-residential": [(None, None, "300", AmountUnit.PER_MONTH)],
    "veteran-care": [(None, None, "600", AmountUnit.PER_MONTH)],
    "cable-tv-relief": [(None, None, "50", AmountUnit.PERCENT_OFF)],
}


def kinds() -> dict[str, GrantKind]:
    ensure(GrantKind, Label)  # a transactional test may have flushed the seed
    return {k.code: k for k in GrantKind.objects.all()}


def rules(region, only: str | None = None) -> None:
    for code, bands in RULES.items():
        if only and code != only:
            continue
        kind = GrantKind.objects.get(code=code)
        for low, high, amount, unit in bands:
            AmountRule.objects.create(
                kind=kind,
                region=region,
                min_age=low,
                max_age=high,
                amount=Decimal(amount),
                unit=unit,
            )


def person(grid, *, name="王秀英", age=50, labels=(), number="101", **fields) -> Resident:
    born = aged(age, days=-10)
    resident = move_in(
        place(grid, number=number).household,
        name=name,
        born=born,
        id_number=id_number(born),
        **fields,
    )
    if labels:
        resident_set_labels(resident=resident, codes=list(labels), by=None)
    return resident


def certificate(resident, *, grade=1, type="physical", valid_for=365) -> DisabilityCertificate:
    today = timezone.localdate()
    return services.certificate_record(
        resident=resident,
        number=f"{resident.id_number}{TYPES.index(type) + 1}{grade}",
        type=type,
        grade=grade,
        issued_on=today - timedelta(days=400),
        valid_until=today + timedelta(days=valid_for),
        by=None,
    )


TYPES = ["vision", "hearing", "speech", "physical", "intellectual", "mental", "multiple"]


def day(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)
