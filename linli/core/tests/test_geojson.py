"""`parse_boundary`: GeoJSON Polygon/MultiPolygon validation (RFC 7946, WGS 84)."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from linli.core.geojson import MAX_POSITIONS, contains, parse_boundary

RING = [[117.87, 36.8], [117.88, 36.8], [117.88, 36.81], [117.87, 36.81], [117.87, 36.8]]
HOLE = [[117.872, 36.802], [117.874, 36.802], [117.874, 36.804], [117.872, 36.802]]
POLYGON = {"type": "Polygon", "coordinates": [RING]}


def error(value) -> ValidationError:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        parse_boundary(value)
    return caught.value


def test_polygon_is_returned_as_is():
    assert parse_boundary(POLYGON) == POLYGON


def test_polygon_with_a_hole():
    value = {"type": "Polygon", "coordinates": [RING, HOLE]}

    assert parse_boundary(value) == value


def test_multipolygon_is_accepted():
    east = [[p[0] + 0.1, p[1]] for p in RING]
    value = {"type": "MultiPolygon", "coordinates": [[RING], [east, HOLE]]}

    assert parse_boundary(value) == value


def test_feature_is_unwrapped_to_its_geometry():
    feature = {"type": "Feature", "properties": {"name": "车站第一网格"}, "geometry": POLYGON}

    assert parse_boundary(feature) == POLYGON


def test_feature_wrapping_a_multipolygon():
    multi = {"type": "MultiPolygon", "coordinates": [[RING]]}

    assert parse_boundary({"type": "Feature", "properties": None, "geometry": multi}) == multi


def test_members_other_than_type_and_coordinates_are_dropped():
    value = {**POLYGON, "bbox": [117.87, 36.8, 117.88, 36.81], "crs": {"x": 1}}

    assert parse_boundary(value) == POLYGON


def test_json_text_is_parsed():
    assert parse_boundary(json.dumps({"type": "Feature", "geometry": POLYGON})) == POLYGON


def test_positions_may_carry_an_altitude():
    ring = [[*p, 30.5] for p in RING]

    assert parse_boundary({"type": "Polygon", "coordinates": [ring]})["coordinates"] == [ring]


def test_integer_coordinates_and_the_extreme_values_are_accepted():
    ring = [[-180, -90], [180, -90], [180, 90], [-180, -90]]

    assert parse_boundary({"type": "Polygon", "coordinates": [ring]})["coordinates"] == [ring]


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("{oops", "invalid_json", "The boundary is not valid JSON (line 1, column 2)."),
        (
            '{"type":\n"Polygon",',
            "invalid_json",
            "The boundary is not valid JSON (line 2, column 11).",
        ),
        ([RING], "not_object", "The boundary must be a GeoJSON object."),
        ("[1]", "not_object", "The boundary must be a GeoJSON object."),
        (42, "not_object", "The boundary must be a GeoJSON object."),
        ({"type": "Feature"}, "no_geometry", "The GeoJSON feature has no geometry."),
        (
            {"type": "Feature", "geometry": [RING]},
            "no_geometry",
            "The GeoJSON feature has no geometry.",
        ),
        (
            {"type": "Point", "coordinates": [117.87, 36.8]},
            "wrong_type",
            "The boundary must be a Polygon or MultiPolygon, not Point.",
        ),
        (
            {"type": "LineString", "coordinates": RING},
            "wrong_type",
            "The boundary must be a Polygon or MultiPolygon, not LineString.",
        ),
        (
            {"type": "FeatureCollection", "features": []},
            "wrong_type",
            "The boundary must be a Polygon or MultiPolygon, not FeatureCollection.",
        ),
        (
            {"type": "polygon", "coordinates": [RING]},
            "wrong_type",
            "The boundary must be a Polygon or MultiPolygon, not polygon.",
        ),
        (
            {"type": "MultiPolygon", "coordinates": []},
            "empty",
            "A MultiPolygon needs at least one polygon.",
        ),
        (
            {"type": "MultiPolygon", "coordinates": [[]]},
            "empty",
            "A polygon needs at least one ring.",
        ),
        ({"type": "Polygon"}, "empty", "A polygon needs at least one ring."),
        ({"type": "Polygon", "coordinates": []}, "empty", "A polygon needs at least one ring."),
        (
            {"type": "Polygon", "coordinates": [RING[:3]]},
            "short_ring",
            "Each ring of a polygon needs at least four positions.",
        ),
        (
            {"type": "Polygon", "coordinates": [RING, "ring"]},
            "short_ring",
            "Each ring of a polygon needs at least four positions.",
        ),
        (
            {"type": "Polygon", "coordinates": [RING[:-1]]},
            "open_ring",
            "Each ring must end at the position where it starts.",
        ),
        (
            {"type": "Polygon", "coordinates": [[*RING[:-1], [117.87, 36.8001]]]},
            "open_ring",
            "Each ring must end at the position where it starts.",
        ),
        (
            {"type": "Polygon", "coordinates": [[[117.87], *RING[1:]]]},
            "bad_position",
            "Each position must be [longitude, latitude].",
        ),
        (
            {"type": "Polygon", "coordinates": [[[117.87, 36.8, 1, 2], *RING[1:]]]},
            "bad_position",
            "Each position must be [longitude, latitude].",
        ),
        (
            {"type": "Polygon", "coordinates": [[[True, False], *RING[1:]]]},
            "bad_position",
            "Each position must be [longitude, latitude].",
        ),
        (
            {"type": "Polygon", "coordinates": [[{"lon": 1, "lat": 2}, *RING[1:]]]},
            "bad_position",
            "Each position must be [longitude, latitude].",
        ),
        (
            {"type": "Polygon", "coordinates": [[[-180.5, 36.8], *RING[1:]]]},
            "out_of_range",
            "Position [-180.5, 36.8] is outside longitude −180…180 / latitude −90…90.",
        ),
        (
            {"type": "Polygon", "coordinates": [[[117.87, -90.1], *RING[1:]]]},
            "out_of_range",
            "Position [117.87, -90.1] is outside longitude −180…180 / latitude −90…90.",
        ),
    ],
)
def test_invalid_boundaries_are_refused_with_a_clear_message(value, code, message):
    caught = error(value)

    assert caught.code == code
    assert caught.messages == [message]


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_in_json_text_are_out_of_range(text):
    raw = json.dumps(POLYGON).replace("117.88", text, 1)

    assert error(raw).code == "out_of_range"


def square_ring(n: int) -> list:
    """A closed ring of n positions along a small square's edge."""
    points = [[117.87 + 0.01 * i / (n - 1), 36.8] for i in range(n - 2)]
    return [*points, [117.88, 36.81], points[0]]


def test_the_maximum_number_of_positions_is_counted_over_all_polygons():
    half = MAX_POSITIONS // 2
    at_limit = {"type": "MultiPolygon", "coordinates": [[square_ring(half)], [square_ring(half)]]}
    over = {"type": "MultiPolygon", "coordinates": [[square_ring(half)], [square_ring(half + 1)]]}

    assert parse_boundary(at_limit) == at_limit
    caught = error(over)
    assert caught.code == "too_large"
    assert caught.messages == [
        f"The boundary has {MAX_POSITIONS + 1} points; at most {MAX_POSITIONS} are allowed."
    ]


SQUARE_WITH_HOLE = {
    "type": "Polygon",
    "coordinates": [
        [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
        [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]],
    ],
}


@pytest.mark.parametrize(
    ("point", "inside"),
    [((1, 1), True), ((9.5, 5), True), ((5, 5), False), ((11, 5), False), ((5, -1), False)],
)
def test_contains_knows_inside_outside_and_holes(point, inside):
    assert contains(SQUARE_WITH_HOLE, *point) is inside


def test_contains_looks_in_every_polygon_of_a_multipolygon():
    two = {
        "type": "MultiPolygon",
        "coordinates": [
            [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]],
            [[[5, 5], [6, 5], [6, 6], [5, 6], [5, 5]]],
        ],
    }
    assert contains(two, 5.5, 5.5) and contains(two, 0.5, 0.5) and not contains(two, 3, 3)
    assert not contains(None, 0.5, 0.5)
