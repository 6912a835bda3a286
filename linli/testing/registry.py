"""Registry factories: places (building, house, household), people with valid ID
numbers, and a snapshot of everything a rejected action must leave as it was."""

import itertools
import json
from dataclasses import dataclass
from datetime import date, timedelta

from linli.audit.models import AuditEntry
from linli.registry import services
from linli.registry.choices import Relation
from linli.registry.idnumber import make_id_number
from linli.registry.labels import years_ago
from linli.registry.models import (
    Building,
    House,
    Household,
    Organisation,
    RecordChange,
    Resident,
    ResidentLabel,
)

_sequence = itertools.count(1)


def id_number(born: date = date(1980, 5, 17), sex: str = "male", area: str = "370306") -> str:
    """A valid ID number not used before in this test session (for that birth date)."""
    return make_id_number(area, born, next(_sequence) % 500, sex)


def phone(n: int) -> str:
    return f"1390533{n:04d}"


@dataclass
class Place:
    building: Building
    house: House
    household: Household


def place(grid, *, building: str = "1号楼", number: str = "101", by=None) -> Place:
    """A building (made if missing) with a house and a household in `grid`."""
    found = Building.objects.filter(grid=grid, name=building).first()
    if found is None:
        found = services.building_create(
            grid=grid, name=building, address="正阳路8号", floors=6, units=2, by=by
        )
    house = services.house_create(building=found, floor=1, number=number, by=by)
    return Place(found, house, services.household_create(house=house, by=by))


def move_in(
    household: Household,
    *,
    name: str = "张建国",
    born: date = date(1980, 5, 17),
    sex: str = "male",
    relation: str = Relation.HEAD,
    by=None,
    **fields,
) -> Resident:
    """Move a person in; `born` and `sex` make their ID number unless one is given."""
    fields.setdefault("id_number", id_number(born, sex))
    return services.resident_move_in(
        household=household, name=name, relation=relation, by=by, **fields
    )


def aged(years: int, days: int = 0) -> date:
    """The birth date of someone exactly `years` old today, `days` later (younger)."""
    return years_ago(years) + timedelta(days=days)


def state() -> str:
    """Every registry row and the audit trail's size, as one comparable text."""
    rows = {
        "residents": list(Resident.objects.order_by("pk").values()),
        "households": list(Household.objects.order_by("pk").values()),
        "houses": list(House.objects.order_by("pk").values()),
        "buildings": list(Building.objects.order_by("pk").values()),
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "labels": list(ResidentLabel.objects.order_by("pk").values()),
        "changes": RecordChange.objects.count(),
        "audit": AuditEntry.objects.count(),
    }
    return json.dumps(rows, default=str, sort_keys=True)


def changes_of(record, kind: str | None = None) -> list[RecordChange]:
    found = RecordChange.objects.filter(
        object_type=record._meta.model_name, object_id=record.pk
    ).order_by("pk")
    return list(found.filter(kind=kind) if kind else found)
