"""Set-based inserts (`linli.core.bulk`): rows land as the ORM would store them,
related rows can point at each other before they are written, and a failure
leaves nothing behind."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection

from linli.core.bulk import BulkInsert, analyze
from linli.core.crypto import blind_index
from linli.registry.models import Building, House, Household, Resident, ResidentLabel
from linli.testing.registry import id_number, place

RESIDENT = ["grid", "household", "name", "sex", "birth_date", "id_number", "phone", "relation"]


def write_family(grid, *, residents: int = 2):
    with BulkInsert() as bulk:
        buildings = bulk.table(Building, ["grid", "name", "address", "floors"])
        houses = bulk.table(House, ["grid", "building", "floor", "number"])
        households = bulk.table(Household, ["grid", "house", "head"])
        people = bulk.table(Resident, RESIDENT)
        building = buildings.add(grid.pk, "9号楼", "丝绸路9号", 6)
        house = houses.add(grid.pk, building, 3, "301")
        household = households.add(grid.pk, house, people.next_id)
        numbers = [id_number(date(1960 + i, 3, 4)) for i in range(residents)]
        pks = [
            people.add(grid.pk, household, f"王秀{i}", "male", date(1960 + i, 3, 4), n, None, r)
            for i, (n, r) in enumerate(
                zip(numbers, ["head"] + ["child"] * (residents - 1), strict=True)
            )
        ]
    return household, pks, numbers


def test_rows_are_stored_as_the_fields_store_them(world):
    household, pks, numbers = write_family(world.a1)

    head = Resident.objects.get(pk=pks[0])
    assert head.household_id == household
    assert Household.objects.get(pk=household).head_id == head.pk
    assert head.id_number == numbers[0]
    assert head.id_number_index == blind_index(numbers[0], Resident.ID_NUMBER_CONTEXT)
    assert head.phone is None and head.phone_index is None
    assert head.status == "living" and head.ethnicity == "01"  # model defaults
    assert head.created_at is not None and head.updated_at == head.created_at
    assert House.objects.get(households=household).use == "owner_occupied"
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM registry_resident WHERE id = %s", [head.pk])
        (stored,) = cursor.fetchone()
    assert numbers[0] not in stored and stored.startswith("v1.")


def test_later_inserts_get_fresh_keys(world):
    _household, pks, _numbers = write_family(world.a1)

    later = place(world.a1, building="10号楼")
    link = ResidentLabel.objects.create(resident_id=pks[0], label_id=1)

    assert later.household.pk > max(
        Household.objects.exclude(pk=later.household.pk).values_list("pk", flat=True)
    )
    assert link.pk == ResidentLabel.objects.order_by("-pk").first().pk


def test_many_rows_are_written_in_batches(world):
    household, pks, _numbers = write_family(world.a1, residents=4_500)

    assert Resident.objects.filter(household=household).count() == 4_500
    assert pks == list(range(pks[0], pks[0] + 4_500))


def test_rows_added_together_get_the_next_keys_and_are_stored_alike(world):
    names = [f"{n}号楼" for n in range(1, 2_502)]  # more than one batch
    numbers = [id_number(date(1970, 1, 1) + timedelta(days=n)) for n in range(3)]
    with BulkInsert() as bulk:
        buildings = bulk.table(Building, ["grid", "name", "address", "floors"])
        houses = bulk.table(House, ["grid", "building", "floor", "number"])
        households = bulk.table(Household, ["grid", "house"])
        people = bulk.table(Resident, RESIDENT)  # ID numbers encrypted and indexed on the way
        single = buildings.add(world.a1.pk, names[0], "丝绸路1号", 6)
        first = buildings.add_many([(world.a1.pk, name, "丝绸路", 6) for name in names[1:]])
        household = households.add(world.a1.pk, houses.add(world.a1.pk, single, 1, "101"))
        pks = range(
            people.add_many(
                [
                    (world.a1.pk, household, "赵敏", "female", date(1970, 1, 1), n, None, "child")
                    for n in numbers
                ]
            ),
            people.next_id,
        )

    assert first == single + 1
    stored = Building.objects.filter(pk__gte=single).order_by("pk")
    assert list(stored.values_list("pk", "name")) == list(enumerate(names, start=single))
    residents = Resident.objects.filter(pk__in=pks).order_by("pk")
    assert [r.id_number for r in residents] == numbers
    assert [r.id_number_index for r in residents] == [
        blind_index(n, Resident.ID_NUMBER_CONTEXT) for n in numbers
    ]


def test_a_failure_leaves_nothing(world):
    before = (Building.objects.count(), House.objects.count(), Resident.objects.count())
    number = id_number()

    with pytest.raises(IntegrityError), BulkInsert() as bulk:
        buildings = bulk.table(Building, ["grid", "name", "address", "floors"])
        houses = bulk.table(House, ["grid", "building", "floor", "number"])
        households = bulk.table(Household, ["grid", "house"])
        people = bulk.table(Resident, RESIDENT)
        building = buildings.add(world.a1.pk, "9号楼", "丝绸路9号", 6)
        household = households.add(world.a1.pk, houses.add(world.a1.pk, building, 1, "1"))
        for _ in range(2):  # the same ID number twice: the unique index refuses it
            people.add(
                world.a1.pk, household, "李娜", "female", date(1980, 5, 17), number, None, "head"
            )

    assert (Building.objects.count(), House.objects.count(), Resident.objects.count()) == before


def test_a_required_field_without_default_must_be_given(db):
    with pytest.raises(ValueError, match=r"Building\.floors has no default"), BulkInsert() as bulk:
        bulk.table(Building, ["grid", "name", "address"])


def test_analyze_refreshes_the_planner_statistics(world):
    write_family(world.a1, residents=30)

    analyze(Resident)

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'registry_resident'")
        else:
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'registry_resident'")
        (figure,) = cursor.fetchone()
    assert figure > 0
