"""ResidentFilter: the one filter of the resident list (console page, API, export), and
ResidentSearch, the same with plain ID and phone numbers for request bodies."""

import pytest
from django.utils import timezone
from pydantic import ValidationError as SchemaError

from linli.core.crypto import blind_index
from linli.registry import selectors, services
from linli.registry.filters import HouseholdFilter, ResidentFilter, ResidentSearch
from linli.registry.models import Resident
from linli.testing import registry as support
from linli.testing.registry import aged, move_in

PHONE = "13905335678"


@pytest.fixture
def people(world):
    """A few residents in A (two buildings) and one in B."""
    east = support.place(world.a1, building="东楼")
    services.record_update(record=east.building, address="正阳路8号", by=None)
    west = support.place(world.a1, building="西楼")
    services.record_update(record=west.building, address="丝绸路22号", by=None)
    b = support.place(world.b1, building="南楼")
    services.record_update(record=b.building, address="正阳路50号", by=None)
    return {
        "张三": move_in(east.household, name="张三", phone=PHONE, born=aged(60)),
        "张三丰": move_in(
            east.household,
            name="张三丰",
            born=aged(60, days=1),
            relation="child",
            residence_type="registered_elsewhere",
        ),
        "李张": move_in(west.household, name="李张", born=aged(30), phone="13905330001"),
        "王五": move_in(b.household, name="王五", born=aged(75), residence_type="floating"),
    }


def names(world, user=None, **filters) -> list[str]:
    found = selectors.resident_list(
        user=user or world.district_admin, filters=ResidentSearch(**filters)
    )
    return sorted(r.name for r in found)


def test_no_filter_lists_everyone_living_in_scope(world, people):
    assert names(world) == ["张三", "张三丰", "李张", "王五"]
    assert names(world, user=world.worker_a) == ["张三", "张三丰", "李张"]
    assert names(world, user=world.worker_b) == ["王五"]


def test_name_filter_matches_the_start_of_the_name(world, people):
    assert names(world, q="张") == ["张三", "张三丰"]
    assert names(world, q=" 张三 ") == ["张三", "张三丰"]
    assert names(world, q="张三丰") == ["张三丰"]
    assert names(world, q="三") == []


FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@pytest.mark.parametrize(
    "typed", [str, str.lower, lambda n: n.translate(FULL_WIDTH)], ids=["same", "lower", "wide"]
)
def test_id_number_filter_finds_the_exact_number_through_the_blind_index(world, people, typed):
    number = people["王五"].id_number

    assert names(world, id_number=typed(number)) == ["王五"]


def test_a_lowercase_x_finds_a_number_ending_in_x(world, people):
    services.resident_update(resident=people["李张"], id_number="11010519491231002X", by=None)

    assert names(world, id_number="11010519491231002x") == ["李张"]


def test_id_number_filter_needs_the_whole_number(world, people):
    number = people["张三"].id_number

    assert names(world, id_number=number[:17]) == []
    assert names(world, id_number=number[:6]) == []


def test_the_blind_index_is_what_is_stored_not_the_number(world, people):
    number = people["张三"].id_number
    row = Resident.objects.filter(pk=people["张三"].pk).values("id_number_index").get()

    assert row["id_number_index"] == blind_index(number, Resident.ID_NUMBER_CONTEXT)
    assert number not in row["id_number_index"]


def test_phone_filter_finds_the_exact_number(world, people):
    assert names(world, phone=PHONE) == ["张三"]
    assert names(world, phone=PHONE[:7]) == []


def test_a_found_resident_is_still_shown_masked(world, people):
    number = people["张三"].id_number
    (found,) = selectors.resident_list(
        user=world.worker_a, filters=ResidentSearch(id_number=number)
    )

    assert found.masked_id_number == f"370306********{number[-4:]}"
    assert found.masked_phone == "139****5678"


def test_address_filter_matches_part_of_the_building_address(world, people):
    assert names(world, address="正阳路") == ["张三", "张三丰", "王五"]
    assert names(world, address="丝绸路22") == ["李张"]
    assert names(world, address="正阳路8号", user=world.worker_b) == []


def test_age_range_counts_whole_years_on_todays_date(world, people):
    assert names(world, age_min=60) == ["张三", "王五"]
    assert names(world, age_max=59) == ["张三丰", "李张"]
    assert names(world, age_min=59, age_max=59) == ["张三丰"]
    assert names(world, age_min=60, age_max=60) == ["张三"]
    assert names(world, age_min=30, age_max=30) == ["李张"]
    assert names(world, age_min=61, age_max=74) == []


def test_residence_type_filter(world, people):
    assert names(world, residence_type="registered_elsewhere") == ["张三丰"]
    assert names(world, residence_type="floating") == ["王五"]
    assert names(world, residence_type="registered_here") == ["张三", "李张"]


def test_status_filter_defaults_to_people_living_here(world, people):
    services.resident_move_out(resident=people["李张"], on=timezone.localdate(), by=None)
    services.resident_record_death(resident=people["王五"], on=timezone.localdate(), by=None)

    assert names(world) == ["张三", "张三丰"]
    assert names(world, status="moved_out") == ["李张"]
    assert names(world, status="deceased") == ["王五"]
    assert names(world, status=None) == ["张三", "张三丰", "李张", "王五"]


def test_region_filter_takes_a_community_or_grid_code(world, people):
    assert names(world, region=world.a.code) == ["张三", "张三丰", "李张"]
    assert names(world, region=world.b1.code) == ["王五"]
    assert names(world, region=world.other_subdistrict.code) == []


def test_the_region_filter_does_not_widen_a_users_scope(world, people):
    assert names(world, user=world.worker_a, region=world.b.code) == []


def test_filters_combine(world, people):
    assert names(world, q="张", age_min=60, address="正阳路") == ["张三"]
    assert names(world, q="张", label=["elderly"]) == ["张三"]


@pytest.mark.parametrize(
    "bad",
    [
        {"age_min": -1},
        {"age_max": 131},
        {"region": "3703"},
        {"region": "370306001001'--"},
        {"status": "gone"},
        {"residence_type": "moon"},
        {"id_number": "1" * 19},
        {"phone": "1" * 12},
        {"q": "张" * 51},
    ],
)
def test_invalid_filters_are_refused_by_the_schema(bad):
    with pytest.raises(SchemaError):
        ResidentSearch(**bad)


def test_the_url_filter_has_no_plain_numbers():
    assert not {"id_number", "phone"} & set(ResidentFilter.model_fields)


def test_household_filter_refuses_silly_staleness():
    with pytest.raises(SchemaError):
        HouseholdFilter(stale_days=0)
