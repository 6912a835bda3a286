"""Loading scale files: checked whole before anything is stored, versions never
changed in place, a province's own version offered from then on."""

import copy
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from linli.assessment import scaledef
from linli.assessment.models import Scale
from linli.assessment.services import scale_load


@pytest.fixture(autouse=True)
def in_english(english):
    """The problems are read in English here (the console and the command speak the
    deployment's language)."""


FILE = Path(__file__).resolve().parent.parent / "scales" / "gbt-42195-2022.json"


def gb_raw() -> dict:
    return json.loads(FILE.read_text(encoding="utf-8"))


def problems(raw) -> list[str]:
    with pytest.raises(scaledef.ScaleError) as caught:
        scaledef.parse(raw)
    return caught.value.problems


def test_the_bundled_scales_are_loaded_by_the_migration(db):
    assert sorted(Scale.objects.values_list("code", "version", "active")) == [
        ("gbt-42195", "2022", True),
        ("mzt-039", "2013", True),
    ]


def test_a_bad_file_is_refused_with_every_problem_named():
    raw = gb_raw()
    raw["sections"][0]["items"][1]["options"] = [{"code": "4", "label": "独立", "score": 4}]
    raw["sections"][1]["items"][0]["code"] = "B1.1"  # twice
    raw["result"]["bands"][1]["min"] = 67  # 66 in no band
    raw["overrides"][0]["when"] = {"option": {"item": "B3.9", "in": ["deep-coma"]}}
    raw["overrides"][1]["set"] = "intact"  # both set and worsen
    found = problems(raw)
    text = "\n".join(found)
    assert "sections[0].items[1].options" in text
    assert "B1.1" in text
    assert "total of 66" in text
    assert "deep-coma" in text
    assert "overrides[1]" in text


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda r: r.pop("levels"), "levels"),
        (lambda r: r.update(format=2), "scale.format"),
        (lambda r: r.update(code="国标 42195"), "scale.code"),
        (
            lambda r: r["result"]["bands"].append({"level": "nil", "min": 0, "max": 0}),
            "unknown level",
        ),
        (lambda r: r["sections"][2]["items"][0]["options"][0].update(score=-1), "score"),
        (lambda r: r["overrides"][1]["when"]["any"].append({"factor": "cancer"}), "cancer"),
        (lambda r: r["overrides"][1]["when"]["any"].append({"weather": "rain"}), "one condition"),
        (lambda r: r.update(sections="B1"), "sections"),
    ],
)
def test_each_kind_of_mistake(change, says):
    raw = gb_raw()
    change(raw)
    assert says in "\n".join(problems(raw))


def test_the_command_loads_a_new_version_and_refuses_a_changed_one(db, tmp_path, capsys):
    raw = gb_raw()
    same = tmp_path / "same.json"
    same.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    call_command("assessment", "load", str(same))
    assert "already loaded" in capsys.readouterr().out

    changed = copy.deepcopy(raw)
    changed["levels"][3]["reassess_months"] = 3
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="never changed"):
        call_command("assessment", "load", str(path))

    changed["version"] = "2022-sd"  # a province's own version
    path.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    call_command("assessment", "load", str(path))
    assert list(Scale.objects.filter(code="gbt-42195").values_list("version", "active")) == [
        ("2022-sd", True),
        ("2022", False),
    ]


def test_the_command_names_the_problems_and_loads_nothing(db, tmp_path):
    raw = gb_raw()
    raw["version"] = "2099"
    del raw["sections"][3]["items"][2]["options"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match=r"not loaded, \d+ problem") as caught:
        call_command("assessment", "load", str(path))
    assert "sections[3].items[2].options" in str(caught.value)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="not JSON"):
        call_command("assessment", "load", str(path))
    assert not Scale.objects.filter(version="2099").exists()


def test_scale_load_is_audited(db):
    raw = gb_raw()
    raw["version"] = "2022-b"
    scale, created = scale_load(raw=raw, by=None)
    assert created and scale.parsed.max_total == 90
    from linli.audit.models import AuditEntry

    assert AuditEntry.objects.filter(
        object_type="assessment.scale", object_id=str(scale.pk)
    ).exists()
