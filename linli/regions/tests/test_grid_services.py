"""Grid upkeep services: grid_create, grid_update and grid_retire."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from linli.core.geojson import MAX_POSITIONS
from linli.regions.choices import Level
from linli.regions.models import Region
from linli.regions.services import grid_create, grid_retire, grid_update
from linli.testing.shapes import square


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def refused(call, **kwargs) -> ValidationError:
    """Run a service call that must fail, and check it saved nothing."""
    before = sorted(Region.objects.values_list("code", "name", "boundary", "retired_at"))
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    after = sorted(Region.objects.values_list("code", "name", "boundary", "retired_at"))
    assert after == before, "A refused call changed the region tree"
    return caught.value


# grid_create


def test_grid_codes_are_the_community_code_plus_a_running_number(world):
    second = grid_create(community=world.a, name="车站第二网格", by=world.worker_a)
    third = grid_create(community=world.a, name="车站第三网格", by=world.worker_a)

    assert world.a1.code == "370306001001001"
    assert second.code == "370306001001002"
    assert third.code == "370306001001003"
    for grid in (second, third):
        assert grid.path == grid.code
        assert grid.level == Level.GRID
        assert grid.parent == world.a
        assert grid.retired_at is None


def test_each_community_numbers_its_grids_from_001(world):
    grid = grid_create(community=world.region("370306002001"), name="丝绸第一网格", by=None)

    assert grid.code == "370306002001001"


def test_a_grid_inherits_its_communitys_urban_flag(world):
    village = world.region("370306002001")
    village.urban = False
    village.save()

    assert grid_create(community=village, name="第一网格", by=None).urban is False
    assert world.a1.urban is True


def test_a_retired_grids_number_is_never_reused(world):
    second = grid_create(community=world.a, name="车站第二网格", by=None)
    grid_retire(grid=second, by=None)

    third = grid_create(community=world.a, name="车站第三网格", by=None)

    assert third.code == "370306001001003"
    assert Region.objects.get(code="370306001001002").is_retired


def test_grid_create_stores_a_cleaned_boundary(world):
    feature = {"type": "Feature", "properties": {"名称": "x"}, "geometry": square()}

    grid = grid_create(community=world.a, name="车站第二网格", boundary=feature, by=None)

    grid.refresh_from_db()
    assert grid.boundary == square()


def test_grid_create_accepts_the_boundary_as_json_text(world):
    grid = grid_create(
        community=world.a, name="车站第二网格", boundary=json.dumps(square()), by=None
    )

    assert grid.boundary == square()


@pytest.mark.parametrize("boundary", [None, ""])
def test_grid_create_without_boundary_stores_none(world, boundary):
    grid = grid_create(community=world.a, name="车站第二网格", boundary=boundary, by=None)

    assert grid.boundary is None


def test_grid_create_strips_the_name(world):
    grid = grid_create(community=world.a, name="  车站第二网格 ", by=None)

    assert grid.name == "车站第二网格"


def test_duplicate_active_grid_name_in_a_community_is_refused(world):
    error = refused(grid_create, community=world.a, name=" 车站第一网格 ", by=world.worker_a)

    assert error.message_dict == {"name": ["This community already has a grid named 车站第一网格."]}


def test_the_same_name_is_free_in_another_community(world):
    grid = grid_create(community=world.b, name="车站第一网格", by=None)

    assert grid.parent == world.b


def test_a_retired_grids_name_may_be_given_to_a_new_grid(world):
    grid_retire(grid=world.a1, by=None)

    grid = grid_create(community=world.a, name="车站第一网格", by=None)

    assert grid.code == "370306001001002"


@pytest.mark.parametrize("name", ["", "   ", None])
def test_grid_without_a_name_is_refused(world, name):
    error = refused(grid_create, community=world.a, name=name, by=None)

    assert error.message_dict == {"name": ["A grid needs a name."]}


def test_grid_name_over_100_characters_is_refused(world):
    error = refused(grid_create, community=world.a, name="网" * 101, by=None)

    assert error.message_dict == {"name": ["A name has at most 100 characters."]}


@pytest.mark.parametrize("attr", ["city", "district", "subdistrict", "a1"])
def test_grids_can_only_be_added_to_a_community(world, attr):
    error = refused(grid_create, community=getattr(world, attr), name="网格", by=None)

    assert error.messages == ["Grids can only be added to a community or village."]


def test_a_community_holds_at_most_999_grids(world):
    Region.objects.create(
        code="370306001003999",
        path="370306001003999",
        name="最后网格",
        level=Level.GRID,
        parent=world.b,
    )

    error = refused(grid_create, community=world.b, name="再一个网格", by=None)

    assert error.messages == ["A community can have at most 999 grids."]


# Boundaries: invalid GeoJSON is refused with a clear message, nothing saved


def ring(*points):
    return {"type": "Polygon", "coordinates": [list(points)]}


@pytest.mark.parametrize(
    ("boundary", "message"),
    [
        ('{"type": "Polygon", ', "The boundary is not valid JSON (line 1, column 21)."),
        ("[1, 2]", "The boundary must be a GeoJSON object."),
        (
            {"type": "Point", "coordinates": [117.87, 36.8]},
            "The boundary must be a Polygon or MultiPolygon, not Point.",
        ),
        ({"coordinates": []}, "The boundary must be a Polygon or MultiPolygon, not ?."),
        (
            ring([117.87, 36.8], [117.88, 36.8], [117.88, 36.81], [117.87, 36.81]),
            "Each ring must end at the position where it starts.",
        ),
        (
            ring([117.87, 36.8], [117.88, 36.8], [117.87, 36.8]),
            "Each ring of a polygon needs at least four positions.",
        ),
        (
            ring([117.87, 36.8], [117.88, 36.8], [117.88, 96.0], [117.87, 36.8]),
            "Position [117.88, 96.0] is outside longitude −180…180 / latitude −90…90.",
        ),
        (  # latitude/longitude swapped, a common mistake
            ring([36.8, 117.87], [36.81, 117.87], [36.81, 117.88], [36.8, 117.87]),
            "Position [36.8, 117.87] is outside longitude −180…180 / latitude −90…90.",
        ),
        (
            ring([179.9, 36.8], [181, 36.8], [180, 36.81], [179.9, 36.8]),
            "Position [181, 36.8] is outside longitude −180…180 / latitude −90…90.",
        ),
        (
            ring(["117.87", "36.8"], [117.88, 36.8], [117.88, 36.81], ["117.87", "36.8"]),
            "Each position must be [longitude, latitude].",
        ),
        ({"type": "Polygon", "coordinates": []}, "A polygon needs at least one ring."),
        ({"type": "Feature", "geometry": None}, "The GeoJSON feature has no geometry."),
    ],
)
def test_invalid_boundary_is_refused_with_a_clear_message(world, boundary, message):
    error = refused(grid_create, community=world.a, name="车站第二网格", boundary=boundary, by=None)

    assert error.message_dict == {"boundary": [message]}


def test_boundary_with_too_many_points_is_refused(world):
    n = MAX_POSITIONS  # a closed ring of n + 1 positions
    points = [[117.87 + 0.01 * (i / n), 36.8 + 0.01 * ((i * 7919) % n) / n] for i in range(n)]
    boundary = ring(*points, points[0])

    error = refused(grid_create, community=world.a, name="车站第二网格", boundary=boundary, by=None)

    assert error.message_dict == {
        "boundary": [f"The boundary has {n + 1} points; at most {n} are allowed."]
    }


def test_boundary_of_exactly_the_maximum_points_is_accepted(world):
    n = MAX_POSITIONS - 1
    points = [[117.87 + 0.01 * (i / n), 36.8 + 0.01 * ((i * 7919) % n) / n] for i in range(n)]

    grid = grid_create(
        community=world.a, name="车站第二网格", boundary=ring(*points, points[0]), by=None
    )

    assert len(grid.boundary["coordinates"][0]) == MAX_POSITIONS


# grid_update


def test_grid_update_renames(world):
    grid = grid_update(grid=world.a1, name=" 车站东网格 ", by=world.worker_a)

    assert grid.name == "车站东网格"
    world.a1.refresh_from_db()
    assert world.a1.name == "车站东网格"
    assert world.a1.code == "370306001001001"


def test_grid_update_keeping_its_own_name_is_allowed(world):
    grid = grid_update(grid=world.a1, name="车站第一网格", boundary=square(), by=None)

    assert (grid.name, grid.boundary) == ("车站第一网格", square())


def test_grid_update_redraws_without_touching_the_name(world):
    grid_update(grid=world.a1, boundary=square(), by=world.worker_a)

    world.a1.refresh_from_db()
    assert world.a1.boundary == square()
    assert world.a1.name == "车站第一网格"


def test_grid_update_with_boundary_none_removes_it(world):
    grid_update(grid=world.a1, boundary=square(), by=None)

    grid_update(grid=world.a1, boundary=None, by=None)

    world.a1.refresh_from_db()
    assert world.a1.boundary is None


def test_grid_update_with_only_a_name_keeps_the_boundary(world):
    grid_update(grid=world.a1, boundary=square(), by=None)

    grid_update(grid=world.a1, name="车站东网格", by=None)

    world.a1.refresh_from_db()
    assert world.a1.boundary == square()


def test_grid_update_refuses_a_siblings_name(world):
    grid_create(community=world.a, name="车站第二网格", by=None)

    error = refused(grid_update, grid=world.a1, name="车站第二网格", by=None)

    assert error.message_dict == {"name": ["This community already has a grid named 车站第二网格."]}


def test_grid_update_refuses_an_invalid_boundary_and_keeps_the_old_one(world):
    grid_update(grid=world.a1, boundary=square(), by=None)

    error = refused(grid_update, grid=world.a1, name="新名字", boundary={"type": "Point"}, by=None)

    assert "boundary" in error.message_dict
    world.a1.refresh_from_db()
    assert (world.a1.name, world.a1.boundary) == ("车站第一网格", square())


def test_grid_update_refuses_an_empty_name(world):
    error = refused(grid_update, grid=world.a1, name="  ", by=None)

    assert error.message_dict == {"name": ["A grid needs a name."]}


def test_grid_update_refuses_a_retired_grid(world):
    grid_retire(grid=world.a1, by=None)

    error = refused(grid_update, grid=world.a1, name="车站东网格", by=None)

    assert error.messages == ["A retired grid cannot be changed."]


def test_grid_update_refuses_non_grids(world):
    error = refused(grid_update, grid=world.a, name="车站", by=None)

    assert error.messages == ["Only grids can be changed here."]


# grid_retire


def test_grid_retire_keeps_the_row_code_and_name(world):
    grid = grid_retire(grid=world.a1, by=world.worker_a)

    assert grid.is_retired
    kept = Region.objects.get(pk=world.a1.pk)
    assert (kept.code, kept.name, kept.parent) == ("370306001001001", "车站第一网格", world.a)
    assert kept.retired_at == grid.retired_at
    assert not Region.objects.active().filter(pk=kept.pk).exists()


def test_a_retired_grid_cannot_be_retired_again(world):
    first = grid_retire(grid=world.a1, by=None)

    error = refused(grid_retire, grid=world.a1, by=None)

    assert error.messages == ["This grid is already retired."]
    assert Region.objects.get(pk=world.a1.pk).retired_at == first.retired_at


@pytest.mark.parametrize("attr", ["a", "subdistrict"])
def test_only_grids_can_be_retired(world, attr):
    error = refused(grid_retire, grid=getattr(world, attr), by=None)

    assert error.messages == ["Only grids can be retired."]
