"""`linli regions import`: loading division-code fixtures into the region tree."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from linli.regions.choices import PATH_LENGTH, Level
from linli.regions.management.commands.regions import DEFAULT_FIXTURE
from linli.regions.models import Region

CITY = {"code": "370300000000", "name": "淄博市", "level": "city", "parent": None}
DISTRICT = {"code": "370306000000", "name": "周村区", "level": "district", "parent": "370300000000"}
SUBDISTRICT = {
    "code": "370306001000",
    "name": "丝绸路街道",
    "level": "subdistrict",
    "parent": "370306000000",
}


def run_import(*args) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("regions", "import", *args, stdout=out)
    return out.getvalue()


def import_file(tmp_path, content) -> str:
    """Write `content` (records, or raw text/bytes) to a fixture file and import it."""
    path = tmp_path / "fixture.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return run_import("--file", str(path))


def refused(tmp_path, content) -> str:
    """Import a bad fixture: it must fail with a CommandError and leave the tree unchanged."""
    before = sorted(Region.objects.values_list("code", "name", "level", "parent_id", "path"))
    with pytest.raises(CommandError) as caught:
        import_file(tmp_path, content)
    after = sorted(Region.objects.values_list("code", "name", "level", "parent_id", "path"))
    assert after == before, "A refused import changed the region tree"
    return str(caught.value)


# The committed fixture: 淄博市周村区


def test_import_loads_the_committed_zhoucun_fixture(db):
    output = run_import()

    assert Region.objects.filter(level=Level.CITY).count() == 1
    assert Region.objects.filter(level=Level.DISTRICT).count() == 1
    assert Region.objects.filter(level=Level.SUBDISTRICT).count() == 10
    assert Region.objects.filter(level=Level.COMMUNITY).count() == 250
    assert Region.objects.filter(level=Level.GRID).count() == 0
    district = Region.objects.get(level=Level.DISTRICT)
    assert (district.code, district.name, district.path) == ("370306000000", "周村区", "370306")
    assert Region.objects.get(level=Level.CITY).name == "淄博市"
    assert "262 created, 0 updated" in output


def test_importing_the_fixture_twice_creates_and_changes_nothing(db):
    run_import()
    before = list(Region.objects.order_by("code").values())

    output = run_import()

    assert "0 created, 0 updated" in output
    assert list(Region.objects.order_by("code").values()) == before


def test_imported_codes_paths_and_parents_are_consistent(db):
    run_import()

    regions = list(Region.objects.select_related("parent"))
    assert len({r.path for r in regions}) == len(regions)
    for region in regions:
        assert len(region.code) == 12 and region.code.isdigit()
        assert len(region.path) == PATH_LENGTH[region.level]
        assert region.code == region.path.ljust(12, "0")
        if region.level == Level.CITY:
            assert region.parent is None
            continue
        assert region.path.startswith(region.parent.path), region
        assert len(region.path) > len(region.parent.path)
    # Every subdistrict lies in 周村区, every community under a subdistrict.
    subdistricts = Region.objects.filter(level=Level.SUBDISTRICT)
    assert {s.parent.code for s in subdistricts.select_related("parent")} == {"370306000000"}
    communities = Region.objects.filter(level=Level.COMMUNITY).select_related("parent")
    assert {c.parent.level for c in communities} == {Level.SUBDISTRICT}


def test_communities_carry_the_urban_flag_and_other_levels_do_not(db):
    run_import()

    communities = Region.objects.filter(level=Level.COMMUNITY)
    assert communities.filter(urban=True).count() == 34
    assert communities.filter(urban=False).count() == 216
    assert not Region.objects.exclude(level=Level.COMMUNITY).filter(urban__isnull=False).exists()


def test_import_updates_a_renamed_region_in_place(db, tmp_path):
    import_file(tmp_path, [CITY, DISTRICT, SUBDISTRICT])
    district_pk = Region.objects.get(code=DISTRICT["code"]).pk

    output = import_file(tmp_path, [CITY, {**DISTRICT, "name": "周村区（新）"}, SUBDISTRICT])

    assert "0 created, 1 updated" in output
    district = Region.objects.get(code=DISTRICT["code"])
    assert (district.pk, district.name) == (district_pk, "周村区（新）")
    assert Region.objects.count() == 3


def test_import_strips_spaces_around_names(db, tmp_path):
    import_file(tmp_path, [{**CITY, "name": "  淄博市 "}])

    assert Region.objects.get(code=CITY["code"]).name == "淄博市"


# Bad fixtures: a clear CommandError, and nothing saved


def test_malformed_code_is_refused(db, tmp_path):
    message = refused(tmp_path, [CITY, {**DISTRICT, "code": "37030600000"}])

    assert "37030600000" in message
    assert "malformed" in message
    assert "12 digits" in message


def test_non_digit_code_is_refused(db, tmp_path):
    message = refused(tmp_path, [CITY, {**DISTRICT, "code": "3703060000AB"}])

    assert "3703060000AB is malformed" in message


def test_code_that_does_not_fit_its_level_is_refused(db, tmp_path):
    # A community's code given as a district's: its digits run past the district's six.
    message = refused(tmp_path, [CITY, {**DISTRICT, "code": "370306001001"}])

    assert "370306001001 does not fit the level District" in message


def test_unknown_parent_is_refused(db, tmp_path):
    message = refused(tmp_path, [CITY, {**DISTRICT, "parent": "370400000000"}])

    assert "Record 2" in message
    assert "unknown parent region 370400000000" in message


def test_child_whose_code_lies_outside_its_parent_is_refused(db, tmp_path):
    other_district = {**DISTRICT, "code": "370305000000", "name": "临淄区"}
    misplaced = {**SUBDISTRICT, "parent": "370305000000"}

    message = refused(tmp_path, [CITY, DISTRICT, other_district, misplaced])

    assert "Record 4: 370306001000 cannot lie under 370305000000" in message


def test_a_region_must_lie_directly_under_the_level_above(db, tmp_path):
    skipping = {**SUBDISTRICT, "parent": "370300000000"}  # a subdistrict under the city

    message = refused(tmp_path, [CITY, DISTRICT, skipping])

    assert "Record 3: 370306001000 cannot lie under 370300000000" in message


def test_non_city_without_parent_is_refused(db, tmp_path):
    message = refused(tmp_path, [{**DISTRICT, "parent": None}])

    assert "Record 1: only a city may have no parent" in message


@pytest.mark.parametrize("level", ["grid", "province", ""])
def test_unknown_or_grid_level_is_refused(db, tmp_path, level):
    message = refused(tmp_path, [CITY, {**DISTRICT, "level": level}])

    assert f"Record 2: unknown level {level}" in message


@pytest.mark.parametrize("field", ["code", "name", "level"])
def test_record_missing_a_field_is_refused(db, tmp_path, field):
    record = {k: v for k, v in DISTRICT.items() if k != field}

    message = refused(tmp_path, [CITY, record])

    assert f"Record 2 lacks the field {field}" in message


@pytest.mark.parametrize("name", [None, "", "   ", "区" * 101])
def test_missing_empty_or_overlong_name_is_refused(db, tmp_path, name):
    message = refused(tmp_path, [CITY, {**DISTRICT, "name": name}])

    assert "Record 2: the name is missing or too long" in message


def test_record_that_is_not_an_object_is_refused(db, tmp_path):
    message = refused(tmp_path, [CITY, "370306000000 周村区"])

    assert "Record 2 is not a JSON object" in message


@pytest.mark.parametrize("content", [{"records": [CITY]}, "null", '"淄博市"'])
def test_fixture_that_is_not_a_list_is_refused(db, tmp_path, content):
    message = refused(tmp_path, content)

    assert "must hold a JSON list of region records" in message


def test_fixture_that_is_not_json_is_refused(db, tmp_path):
    message = refused(tmp_path, '[{"code": "370300000000",')

    assert message.startswith("Cannot read ")
    assert "fixture.json" in message


def test_fixture_not_in_utf8_is_refused(db, tmp_path):
    # Chinese data often comes in GBK; it must be a clear error, not a traceback.
    message = refused(tmp_path, json.dumps([CITY], ensure_ascii=False).encode("gbk"))

    assert message.startswith("Cannot read ")


def test_missing_fixture_file_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match=r"Cannot read .*nowhere\.json"):
        run_import("--file", str(tmp_path / "nowhere.json"))
    assert not Region.objects.exists()


def test_directory_instead_of_fixture_file_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run_import("--file", str(tmp_path))
    assert not Region.objects.exists()


def test_failed_import_rolls_back_records_saved_before_the_bad_one(db, tmp_path):
    import_file(tmp_path, [CITY])
    assert Region.objects.count() == 1

    # Two good records (one new, one renaming the city) precede the bad one.
    refused(tmp_path, [{**CITY, "name": "淄博"}, DISTRICT, {**SUBDISTRICT, "code": "x"}])

    assert Region.objects.count() == 1
    assert Region.objects.get().name == "淄博市"


def test_failed_import_of_the_full_fixture_saves_nothing(db, tmp_path):
    records = json.loads(DEFAULT_FIXTURE.read_text("utf-8"))
    records[-1] = {**records[-1], "code": "37030610499"}  # the last record: 11 digits

    message = refused(tmp_path, records)

    assert "37030610499 is malformed" in message
    assert not Region.objects.exists()


def test_import_requires_a_subcommand(db):
    with pytest.raises(CommandError):
        call_command("regions")
