"""Lifecycle services: buildings, houses, households and residents from creation to
moving out or death, households splitting and merging. Nothing is ever deleted."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from linli.regions.services import grid_retire
from linli.registry import services
from linli.registry.choices import ChangeKind, Relation, ResidentStatus
from linli.registry.models import Building, House, Household, Resident
from linli.testing import registry as support
from linli.testing.registry import move_in

pytestmark = pytest.mark.usefixtures("english")


def refused(call, **kwargs) -> ValidationError:
    """Run a service that must refuse, and check it left everything as it was."""
    before = support.state()
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    assert support.state() == before, "a refused action changed something"
    return caught.value


@pytest.fixture(params=["worker", "system"])
def by(request, world):
    """Every lifecycle test runs as community A's worker and as the system (None)."""
    return world.worker_a if request.param == "worker" else None


@pytest.fixture
def home(world):
    return support.place(world.a1, by=world.worker_a)


# --- buildings, houses, organisations ---------------------------------------------


def test_it_creates_a_building_house_and_household_in_the_grid(world, by):
    building = services.building_create(
        grid=world.a1, name="3号楼", address="正阳路12号", floors=6, units=2, by=by
    )
    house = services.house_create(building=building, unit=2, floor=3, number="302", by=by)
    household = services.household_create(house=house, kind="resident", number="0012", by=by)

    assert Building.objects.get().grid == world.a1
    assert (house.grid_id, house.building_id, str(house)) == (
        world.a1.pk,
        building.pk,
        "3号楼 2-302",
    )
    assert (household.grid_id, household.house_id, household.kind) == (
        world.a1.pk,
        house.pk,
        "resident",
    )
    assert household.head is None and household.verified_at is None
    for record in (building, house, household):
        (change,) = support.changes_of(record)
        assert (change.kind, change.actor, change.grid_id) == (ChangeKind.CREATE, by, world.a1.pk)


def test_a_building_needs_an_active_grid_not_a_community(world):
    error = refused(
        services.building_create, grid=world.a, name="1号楼", address="x", floors=1, by=None
    )
    assert error.message_dict == {"grid": ["Records belong to an active grid."]}


def test_a_retired_grid_takes_no_new_buildings(world):
    grid_retire(grid=world.a1, by=None)
    world.a1.refresh_from_db()

    error = refused(
        services.building_create, grid=world.a1, name="1号楼", address="x", floors=1, by=None
    )
    assert error.message_dict == {"grid": ["Records belong to an active grid."]}


def test_building_names_are_unique_in_a_grid_but_not_across_grids(world, home):
    error = refused(
        services.building_create,
        grid=world.a1,
        name=home.building.name,
        address="正阳路9号",
        floors=6,
        by=None,
    )
    assert error.messages == ["This grid already has a building with this name."]

    other = services.building_create(
        grid=world.b1, name=home.building.name, address="正阳路9号", floors=6, by=None
    )
    assert other.grid == world.b1


def test_a_house_number_is_unique_in_its_building_and_unit(home):
    error = refused(
        services.house_create, building=home.building, floor=1, number=home.house.number, by=None
    )
    assert error.messages == ["This building already has this unit and number."]

    other_unit = services.house_create(
        building=home.building, unit=2, floor=1, number=home.house.number, by=None
    )
    assert other_unit.unit == 2


def test_invalid_building_fields_are_refused_by_field(world):
    error = refused(
        services.building_create, grid=world.a1, name="", address="x", floors=500, by=None
    )
    assert set(error.message_dict) == {"name", "floors"}


def test_an_organisation_records_the_buildings_and_houses_it_occupies(world, home, by):
    organisation = services.organisation_create(
        grid=world.a1,
        name="周村区夕阳红协会",
        kind="social",
        address="正阳路8号",
        contact_name="李梅",
        buildings=[home.building],
        houses=[home.house],
        by=by,
    )

    assert list(organisation.buildings.all()) == [home.building]
    assert list(organisation.houses.all()) == [home.house]
    assert support.changes_of(organisation)[0].kind == ChangeKind.CREATE


def test_credit_codes_are_unique_when_given(world):
    code = "91370306MA3C1234XY"
    services.organisation_create(
        grid=world.a1, name="甲", kind="shop", address="x", credit_code=code, by=None
    )
    services.organisation_create(grid=world.a1, name="乙", kind="shop", address="x", by=None)
    services.organisation_create(grid=world.a1, name="丙", kind="shop", address="x", by=None)

    error = refused(
        services.organisation_create,
        grid=world.a1,
        name="丁",
        kind="shop",
        address="x",
        credit_code=code,
        by=None,
    )
    assert error.messages == ["An organisation with this credit code exists."]


def test_record_update_changes_plain_fields_and_logs_old_and_new(home, by):
    services.record_update(record=home.building, floors=7, address="正阳路10号", note="复核", by=by)

    home.building.refresh_from_db()
    assert (home.building.floors, home.building.address) == (7, "正阳路10号")
    change = support.changes_of(home.building, ChangeKind.UPDATE)[0]
    assert change.changes == {
        "floors": {"old": 6, "new": 7},
        "address": {"old": "正阳路8号", "new": "正阳路10号"},
    }
    assert (change.note, change.actor) == ("复核", by)


def test_record_update_is_not_for_residents(home):
    resident = move_in(home.household)

    with pytest.raises(TypeError):
        services.record_update(record=resident, name="李四", by=None)


# --- moving in ------------------------------------------------------------------------


def test_moving_in_the_head_makes_them_the_households_head(home, by):
    resident = move_in(home.household, name=" 张建国 ", phone="13905330001", by=by)

    home.household.refresh_from_db()
    assert home.household.head == resident
    resident.refresh_from_db()
    assert resident.name == "张建国"
    assert (resident.status, resident.relation) == (ResidentStatus.LIVING, Relation.HEAD)
    assert resident.moved_in_on == timezone.localdate()
    assert (resident.grid_id, resident.household_id) == (home.household.grid_id, home.household.pk)
    assert resident.phone == "13905330001"


def test_moving_in_a_family_member_keeps_the_head(home, by):
    head = move_in(home.household, by=by)
    child = move_in(
        home.household,
        name="张小明",
        born=date(2010, 3, 1),
        relation=Relation.CHILD,
        moved_in_on=date(2010, 3, 5),
        by=by,
    )

    home.household.refresh_from_db()
    assert home.household.head == head
    assert (child.relation, child.moved_in_on) == (Relation.CHILD, date(2010, 3, 5))


def test_a_second_head_cannot_move_in(home):
    move_in(home.household, name="张建国")

    error = refused(support.move_in, household=home.household, name="李四", relation=Relation.HEAD)

    assert error.message_dict == {
        "relation": [
            "This household already has a head (张建国): choose another relation, "
            "or change the head's relation first."
        ]
    }


def test_naming_a_member_head_of_a_headless_household_makes_them_its_head(home, by):
    head = move_in(home.household, name="张建国")
    son = move_in(home.household, name="张伟", born=date(1995, 1, 1), relation=Relation.CHILD)
    services.resident_move_out(resident=head, on=timezone.localdate(), by=None)

    services.resident_update(resident=son, relation=Relation.HEAD, by=by)

    home.household.refresh_from_db()
    assert home.household.head == son
    assert [c.changes["head_id"] for c in support.changes_of(home.household, ChangeKind.UPDATE)][
        -1
    ] == {"old": None, "new": son.pk}


def test_naming_a_member_head_where_there_is_one_is_refused(home):
    move_in(home.household, name="张建国")
    son = move_in(home.household, name="张伟", born=date(1995, 1, 1), relation=Relation.CHILD)

    error = refused(services.resident_update, resident=son, relation=Relation.HEAD, by=None)

    assert list(error.message_dict) == ["relation"]


def test_the_head_named_another_relation_leaves_the_household_headless(home, by):
    head = move_in(home.household, name="张建国")

    services.resident_update(resident=head, relation=Relation.OTHER, by=by)

    home.household.refresh_from_db()
    assert home.household.head is None
    services.resident_update(resident=head, relation=Relation.HEAD, by=by)  # and back
    home.household.refresh_from_db()
    assert home.household.head == head


def test_a_head_moving_into_a_headless_household_heads_it(world, home, by):
    other = support.place(world.a1, number="102").household
    head = move_in(other, name="王强")

    services.resident_move_within(resident=head, household=home.household, by=by)

    home.household.refresh_from_db()
    other.refresh_from_db()
    assert (home.household.head, other.head) == (head, None)


def test_a_move_in_date_in_the_future_is_refused(home):
    tomorrow = timezone.localdate() + timedelta(days=1)

    error = refused(move_in, household=home.household, moved_in_on=tomorrow)

    assert error.message_dict == {"moved_in_on": ["The date cannot be in the future."]}


def test_a_move_in_needs_an_id_number(home):
    error = refused(
        services.resident_move_in,
        household=home.household,
        name="无证",
        relation=Relation.HEAD,
        by=None,
    )
    assert error.message_dict == {"id_number": ["The ID number is required."]}


@pytest.mark.parametrize("bad", ["1380533000", "138053300012", "23805330001", "1380533000a"])
def test_a_malformed_phone_is_refused(home, bad):
    error = refused(move_in, household=home.household, phone=bad)

    assert error.message_dict == {
        "phone": ["Enter an 11-digit mainland mobile number, e.g. 13812345678."]
    }


def test_a_full_width_phone_is_stored_in_ascii(home):
    resident = move_in(home.household, phone="１３９０５３３０００１")

    resident.refresh_from_db()
    assert resident.phone == "13905330001"


def test_an_empty_phone_is_stored_as_none(home):
    resident = move_in(home.household, phone="")

    resident.refresh_from_db()
    assert resident.phone is None


def test_several_errors_are_reported_together(home):
    error = refused(move_in, household=home.household, id_number="123", phone="12")

    assert set(error.message_dict) == {"id_number", "phone"}


def test_unknown_resident_fields_are_a_programming_error(home):
    with pytest.raises(TypeError):
        move_in(home.household, status="deceased")


def test_nobody_moves_into_a_dissolved_household(world, home):
    other = support.place(world.a1, number="102")
    move_in(other.household)
    services.household_merge(source=other.household, target=home.household, by=None)
    other.household.refresh_from_db()

    error = refused(move_in, household=other.household)
    assert error.messages == ["This household is dissolved; choose another."]


# --- duplicates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        lambda n: n,
        lambda n: n.lower(),
        lambda n: f" {n} ",
        lambda n: n.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")),
    ],
    ids=["same", "lowercase-x", "spaces", "full-width"],
)
def test_a_second_living_resident_with_the_same_id_number_is_refused(world, home, typed):
    number = "11010519491231002X"
    move_in(home.household, id_number=number)
    elsewhere = support.place(world.b1)

    error = refused(move_in, household=elsewhere.household, id_number=typed(number))

    assert error.message_dict == {
        "id_number": [
            "张建国 already lives in the district with this ID number: move them instead of "
            "registering them again."
        ]
    }


def test_someone_who_moved_out_may_move_back_in_with_their_id_number(world, home):
    number = support.id_number()
    first = move_in(home.household, id_number=number)
    services.resident_move_out(resident=first, on=timezone.localdate(), by=None)

    again = move_in(support.place(world.a1, number="102").household, id_number=number)

    assert again.pk != first.pk
    assert Resident.objects.filter(status=ResidentStatus.LIVING).get() == again


# --- updating ---------------------------------------------------------------------------


def test_update_changes_the_given_fields(home, by):
    resident = move_in(home.household, phone="13905330001")

    services.resident_update(
        resident=resident,
        name="张建民",
        phone="13905330002",
        political_status="cpc_member",
        note="本人申请",
        by=by,
    )

    resident.refresh_from_db()
    assert (resident.name, resident.phone, resident.political_status) == (
        "张建民",
        "13905330002",
        "cpc_member",
    )
    change = support.changes_of(resident, ChangeKind.UPDATE)[-1]
    assert sorted(change.changes) == ["name", "phone", "political_status"]
    assert (change.note, change.actor) == ("本人申请", by)


def test_an_update_may_remove_the_phone(home):
    resident = move_in(home.household, phone="13905330001")

    services.resident_update(resident=resident, phone="", by=None)

    resident.refresh_from_db()
    assert (resident.phone, resident.phone_index) == (None, None)


def test_correcting_the_id_number_rederives_birth_date_and_sex(home):
    resident = move_in(home.household, born=date(1980, 5, 17), sex="male")

    services.resident_update(resident=resident, id_number="11010519491231002X", by=None)

    resident.refresh_from_db()
    assert (resident.birth_date, resident.sex) == (date(1949, 12, 31), "female")


def test_an_update_to_another_residents_id_number_is_refused(home):
    first = move_in(home.household)
    second = move_in(home.household, name="李四", relation=Relation.SPOUSE, sex="female")

    error = refused(
        services.resident_update, resident=second, id_number=first.id_number.lower(), by=None
    )
    assert error.message_dict == {
        "id_number": [
            "张建国 already lives in the district with this ID number: move them instead of "
            "registering them again."
        ]
    }


def test_an_update_may_restate_the_residents_own_id_number(home):
    resident = move_in(home.household)

    services.resident_update(resident=resident, id_number=resident.id_number.lower(), by=None)

    assert Resident.objects.get().id_number == resident.id_number


# --- moving within the district ------------------------------------------------------


def test_moving_within_the_district_changes_household_and_grid(world, home):
    resident = move_in(home.household)
    target = support.place(world.b1)
    move_in(target.household, name="周红", sex="female")

    services.resident_move_within(resident=resident, household=target.household, by=None)

    resident.refresh_from_db()
    assert (resident.household, resident.grid) == (target.household, world.b1)
    assert resident.relation == Relation.OTHER, "the target already has a head"
    home.household.refresh_from_db()
    assert home.household.head is None, "the old household lost its head"
    (change,) = support.changes_of(resident, ChangeKind.MOVE_WITHIN)
    assert set(change.changes) == {"household_id", "grid_id", "relation"}


def test_a_worker_moves_people_between_their_own_households(world, home):
    head = move_in(home.household)
    child = move_in(home.household, name="张小明", relation=Relation.CHILD)
    target = support.place(world.a1, number="102")

    services.resident_move_within(resident=child, household=target.household, by=world.worker_a)

    child.refresh_from_db()
    assert (child.household, child.relation) == (target.household, Relation.CHILD)
    home.household.refresh_from_db()
    assert home.household.head == head


def test_moving_into_ones_own_household_is_refused(home):
    resident = move_in(home.household)

    error = refused(
        services.resident_move_within, resident=resident, household=home.household, by=None
    )
    assert error.messages == ["张建国 already lives in this household."]


# --- moving out and death ------------------------------------------------------------


def test_moving_out_sets_status_and_date_and_clears_the_head(home, by):
    on = timezone.localdate() - timedelta(days=3)
    resident = move_in(home.household, moved_in_on=on - timedelta(days=30))

    services.resident_move_out(resident=resident, on=on, note="迁往济南", by=by)

    resident.refresh_from_db()
    assert (resident.status, resident.moved_out_on) == (ResidentStatus.MOVED_OUT, on)
    home.household.refresh_from_db()
    assert home.household.head is None
    (change,) = support.changes_of(resident, ChangeKind.MOVE_OUT)
    assert change.changes == {
        "status": {"old": "living", "new": "moved_out"},
        "moved_out_on": {"old": None, "new": on.isoformat()},
    }
    assert change.note == "迁往济南"
    assert Resident.objects.filter(pk=resident.pk).exists(), "nothing is deleted"


def test_moving_out_someone_else_keeps_the_head(home):
    head = move_in(home.household)
    child = move_in(home.household, name="张小明", relation=Relation.CHILD)

    services.resident_move_out(resident=child, on=timezone.localdate(), by=None)

    home.household.refresh_from_db()
    assert home.household.head == head


def test_moving_out_someone_who_has_moved_out_is_refused(home):
    resident = move_in(home.household)
    services.resident_move_out(resident=resident, on=timezone.localdate(), by=None)

    error = refused(services.resident_move_out, resident=resident, on=timezone.localdate(), by=None)
    assert error.messages == ["张建国 has already moved out."]


@pytest.mark.parametrize(
    ("service", "field"),
    [
        (services.resident_move_out, "moved_out_on"),
        (services.resident_record_death, "died_on"),
    ],
)
def test_leaving_dates_in_the_future_are_refused(home, service, field):
    resident = move_in(home.household)

    error = refused(
        service, resident=resident, on=timezone.localdate() + timedelta(days=1), by=None
    )
    assert error.message_dict == {field: ["The date cannot be in the future."]}


@pytest.mark.parametrize(
    ("service", "field"),
    [
        (services.resident_move_out, "moved_out_on"),
        (services.resident_record_death, "died_on"),
    ],
)
def test_leaving_before_being_born_is_refused(home, service, field):
    resident = move_in(home.household, born=date(1980, 5, 17))

    error = refused(service, resident=resident, on=date(1980, 5, 16), by=None)
    assert error.message_dict == {field: ["The date cannot be before the birth date."]}


@pytest.mark.parametrize(
    ("service", "field"),
    [
        (services.resident_move_out, "moved_out_on"),
        (services.resident_record_death, "died_on"),
    ],
)
def test_leaving_before_moving_in_is_refused(home, service, field):
    resident = move_in(home.household, moved_in_on=date(2020, 3, 1))

    error = refused(service, resident=resident, on=date(2020, 2, 29), by=None)
    assert error.message_dict == {field: ["The date cannot be before the move-in (2020-03-01)."]}
    resident.refresh_from_db()
    assert resident.status == ResidentStatus.LIVING


def test_recording_a_death(home, by):
    resident = move_in(home.household)
    on = timezone.localdate()

    services.resident_record_death(resident=resident, on=on, note="病故", by=by)

    resident.refresh_from_db()
    assert (resident.status, resident.died_on, resident.moved_out_on) == (
        ResidentStatus.DECEASED,
        on,
        None,
    )
    home.household.refresh_from_db()
    assert home.household.head is None
    assert support.changes_of(resident, ChangeKind.DEATH)[0].note == "病故"


DECEASED = "张建国 is recorded as deceased."
AFTER_DEATH = {
    "update": (
        lambda r, other: services.resident_update(resident=r, name="改名", by=None),
        "Only people living here can be changed.",
    ),
    "move-out": (
        lambda r, other: services.resident_move_out(resident=r, on=timezone.localdate(), by=None),
        DECEASED,
    ),
    "death": (
        lambda r, other: services.resident_record_death(
            resident=r, on=timezone.localdate(), by=None
        ),
        DECEASED,
    ),
    "move-within": (
        lambda r, other: services.resident_move_within(resident=r, household=other, by=None),
        DECEASED,
    ),
    "labels": (
        lambda r, other: services.resident_set_labels(resident=r, codes=["disabled"], by=None),
        DECEASED,
    ),
    "split": (
        lambda r, other: services.household_split(
            household=r.household, member_ids=[r.pk], head_id=r.pk, house=other.house, by=None
        ),
        "Choose living members of this household to split off.",
    ),
}


@pytest.mark.parametrize(("action", "message"), AFTER_DEATH.values(), ids=AFTER_DEATH.keys())
def test_after_a_death_nothing_else_can_be_done(world, home, action, message):
    resident = move_in(home.household)
    move_in(home.household, name="张小明", relation=Relation.CHILD)
    services.resident_record_death(resident=resident, on=timezone.localdate(), by=None)
    other = support.place(world.a1, number="102").household
    before = support.state()

    with pytest.raises(ValidationError) as caught:
        action(resident, other)

    assert caught.value.messages == [message]
    assert support.state() == before


def test_nothing_changes_a_resident_who_moved_out_either(home):
    resident = move_in(home.household)
    services.resident_move_out(resident=resident, on=timezone.localdate(), by=None)

    error = refused(services.resident_update, resident=resident, name="改名", by=None)
    assert error.messages == ["Only people living here can be changed."]
    error = refused(
        services.resident_record_death, resident=resident, on=timezone.localdate(), by=None
    )
    assert error.messages == ["张建国 has already moved out."]


# --- split and merge --------------------------------------------------------------------


@pytest.fixture
def family(home):
    """A household of four: head, spouse, and two adult children."""
    head = move_in(home.household, name="张建国")
    spouse = move_in(home.household, name="李秀英", sex="female", relation=Relation.SPOUSE)
    son = move_in(home.household, name="张伟", born=date(1995, 1, 1), relation=Relation.CHILD)
    daughter = move_in(
        home.household, name="张丽", born=date(1998, 1, 1), sex="female", relation=Relation.CHILD
    )
    return home, head, spouse, son, daughter


def test_split_moves_the_members_to_a_new_household_headed_by_one_of_them(world, family, by):
    home, head, spouse, son, daughter = family
    flat = services.house_create(building=home.building, floor=2, number="201", by=None)

    new = services.household_split(
        household=home.household,
        member_ids=[son.pk, daughter.pk],
        head_id=son.pk,
        house=flat,
        by=by,
    )

    assert (new.house, new.grid_id, new.kind) == (flat, world.a1.pk, home.household.kind)
    new.refresh_from_db()
    assert new.head == son
    assert set(new.members.all()) == {son, daughter}
    son.refresh_from_db()
    assert son.relation == Relation.HEAD
    home.household.refresh_from_db()
    assert home.household.head == head
    assert set(home.household.members.all()) == {head, spouse}
    assert [c.kind for c in support.changes_of(daughter)] == [ChangeKind.MOVE_IN, ChangeKind.SPLIT]


def test_when_the_head_leaves_in_a_split_the_old_household_has_none(family):
    home, head, _spouse, son, _daughter = family
    flat = services.house_create(building=home.building, floor=2, number="201", by=None)

    new = services.household_split(
        household=home.household, member_ids=[head.pk, son.pk], head_id=son.pk, house=flat, by=None
    )

    home.household.refresh_from_db()
    assert home.household.head is None
    head.refresh_from_db()
    son.refresh_from_db()
    assert (son.relation, head.relation) == (Relation.HEAD, Relation.OTHER)
    assert list(new.members.filter(relation=Relation.HEAD)) == [son], "one head per household"


def test_at_least_one_member_stays_after_a_split(family):
    home, *members = family

    error = refused(
        services.household_split,
        household=home.household,
        member_ids=[m.pk for m in members],
        head_id=members[0].pk,
        house=home.house,
        by=None,
    )
    assert error.messages == ["At least one member must stay in the old household."]


def test_the_new_head_must_be_among_those_who_leave(family):
    home, head, _spouse, son, _daughter = family

    error = refused(
        services.household_split,
        household=home.household,
        member_ids=[son.pk],
        head_id=head.pk,
        house=home.house,
        by=None,
    )
    assert error.messages == ["The new household's head must be one of those who leave."]


def test_only_living_members_of_the_household_can_split_off(world, family):
    home, _head, _spouse, son, daughter = family
    stranger = move_in(support.place(world.a1, number="102").household, name="王五")
    services.resident_move_out(resident=daughter, on=timezone.localdate(), by=None)

    for ids in ([], [stranger.pk], [son.pk, daughter.pk]):
        error = refused(
            services.household_split,
            household=home.household,
            member_ids=ids,
            head_id=ids[0] if ids else son.pk,
            house=home.house,
            by=None,
        )
        assert error.messages == ["Choose living members of this household to split off."]


def test_merge_moves_everyone_living_and_dissolves_the_source(world, home, by):
    target_head = move_in(home.household, name="张建国")
    source = support.place(world.a1, number="102").household
    old = move_in(source, name="王大妈", born=date(1950, 1, 1), sex="female")
    grandson = move_in(source, name="王小宝", born=date(2015, 1, 1), relation=Relation.GRANDCHILD)
    gone = move_in(source, name="王走了", relation=Relation.CHILD)
    services.resident_move_out(resident=gone, on=timezone.localdate(), by=None)

    result = services.household_merge(source=source, target=home.household, by=by)

    assert result == home.household
    source.refresh_from_db()
    assert source.dissolved_at is not None and source.head is None
    assert set(home.household.members.all()) == {target_head, old, grandson}
    old.refresh_from_db()
    gone.refresh_from_db()
    assert old.relation == Relation.OTHER, "the target keeps its own head"
    assert gone.household == source, "people who moved out stay in the record where they were"
    home.household.refresh_from_db()
    assert home.household.head == target_head
    (change,) = support.changes_of(source, ChangeKind.MERGE)
    assert change.note == str(home.household.pk)
    assert Household.objects.filter(pk=source.pk).exists(), "nothing is deleted"


def test_merging_into_a_headless_household_brings_the_sources_head(world, home, by):
    son = move_in(home.household, name="张伟", relation=Relation.CHILD)
    source = support.place(world.a1, number="102").household
    old = move_in(source, name="王大妈", born=date(1950, 1, 1), sex="female")

    services.household_merge(source=source, target=home.household, by=by)

    home.household.refresh_from_db()
    old.refresh_from_db()
    assert home.household.head == old and old.relation == Relation.HEAD
    son.refresh_from_db()
    assert son.relation == Relation.CHILD


def test_a_household_cannot_merge_into_itself_or_a_dissolved_one(world, home):
    move_in(home.household)
    other = support.place(world.a1, number="102").household

    error = refused(services.household_merge, source=home.household, target=home.household, by=None)
    assert error.messages == ["A household cannot be merged into itself."]

    services.household_merge(source=other, target=home.household, by=None)
    other.refresh_from_db()
    for source, target in ((other, home.household), (home.household, other)):
        error = refused(services.household_merge, source=source, target=target, by=None)
        assert error.messages == ["A dissolved household cannot be merged."]


def test_verifying_a_household_stamps_it_and_logs_the_check(home, by):
    services.household_verify(household=home.household, by=by)

    home.household.refresh_from_db()
    assert timezone.now() - home.household.verified_at < timedelta(minutes=1)
    (change,) = support.changes_of(home.household, ChangeKind.VERIFY)
    assert list(change.changes) == ["verified_at"]
    assert change.actor == by


def test_houses_and_households_are_never_deleted_by_the_lifecycle(world, family):
    home, *members = family
    for member in members:
        services.resident_move_out(resident=member, on=timezone.localdate(), by=None)

    assert House.objects.filter(pk=home.house.pk).exists()
    assert Household.objects.filter(pk=home.household.pk, dissolved_at__isnull=True).exists()
    assert Resident.objects.count() == 4
