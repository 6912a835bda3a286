"""Materialised paths: `division_path` and `Region.ancestor_paths`."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from linli.regions.choices import Level
from linli.regions.models import Region
from linli.regions.services import division_path


@pytest.mark.parametrize(
    ("code", "level", "path"),
    [
        ("370300000000", Level.CITY, "3703"),
        ("370306000000", Level.DISTRICT, "370306"),
        ("370306001000", Level.SUBDISTRICT, "370306001"),
        ("370306104000", Level.SUBDISTRICT, "370306104"),
        ("370306001001", Level.COMMUNITY, "370306001001"),
        ("370306001001007", Level.GRID, "370306001001007"),
    ],
)
def test_division_path_cuts_the_code_to_its_levels_significant_digits(code, level, path):
    assert division_path(code, level) == path


def test_division_path_accepts_the_level_as_a_plain_string():
    assert division_path("370306000000", "district") == "370306"


@pytest.mark.parametrize(
    ("code", "level", "digits"),
    [
        ("37030600000", Level.DISTRICT, 12),  # one short
        ("3703060000000", Level.DISTRICT, 12),  # one long
        ("37030600000A", Level.DISTRICT, 12),
        ("", Level.CITY, 12),
        ("370306001001", Level.GRID, 15),  # a community code where a grid's is due
        ("370306001001-01", Level.GRID, 15),
    ],
)
def test_division_path_refuses_malformed_codes(code, level, digits):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        division_path(code, level)

    assert caught.value.code == "malformed_code"
    assert f"has {digits} digits" in caught.value.messages[0]


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("370306000000", Level.CITY),  # 周村区 is no city
        ("370306001000", Level.DISTRICT),
        ("370306001001", Level.SUBDISTRICT),
        ("370300000001", Level.CITY),
    ],
)
def test_division_path_refuses_codes_that_do_not_fit_their_level(code, level):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        division_path(code, level)

    assert caught.value.code == "level_mismatch"
    assert f"{code} does not fit the level {Level(level).label}" in caught.value.messages[0]


def test_zeros_inside_the_significant_digits_are_legitimate():
    # 北郊镇 is 370306100, and its villages are numbered 370306100200 and up.
    assert division_path("370306100000", Level.SUBDISTRICT) == "370306100"
    assert division_path("370306100200", Level.COMMUNITY) == "370306100200"


@pytest.mark.parametrize(
    ("path", "ancestors"),
    [
        ("3703", []),
        ("370306", ["3703"]),
        ("370306001", ["3703", "370306"]),
        ("370306001001", ["3703", "370306", "370306001"]),
        ("370306001001002", ["3703", "370306", "370306001", "370306001001"]),
    ],
)
def test_ancestor_paths_are_the_prefixes_of_each_higher_level_root_first(path, ancestors):
    assert Region(path=path).ancestor_paths() == ancestors


def test_ancestor_paths_match_the_real_parents(world):
    chain = []
    region = world.a1
    while region.parent_id:
        region = region.parent
        chain.insert(0, region.path)

    assert world.a1.ancestor_paths() == chain
    assert chain == ["3703", "370306", "370306001", "370306001001"]
