"""更新频次: the registry changes of a period, per region level and per person, in the
indicators' tables (docs/kpis.md)."""

import pytest

from linli.registry import services
from linli.registry.models import RecordChange
from linli.testing.indicators import table
from linli.testing.registry import place


def today(user, level):
    return table(user, level)


@pytest.mark.usefixtures("english")
def test_updates_count_the_registry_changes_where_and_by_whom(world):
    household = place(world.a1, by=world.grid_worker_a1).household  # building, house, household
    services.household_verify(household=household, by=world.grid_worker_a1)
    place(world.b1, by=world.worker_b)
    made_in_a = RecordChange.objects.filter(grid=world.a1).count()
    assert made_in_a == 4

    assert today(world.district_admin, "grid")[world.a1.path].updates == made_in_a
    assert today(world.district_admin, "community")[world.b.path].updates == 3
    assert today(world.district_admin, "handler")[str(world.grid_worker_a1.pk)].updates == 4
    assert world.a.path not in today(world.worker_b, "community")
