"""Scoring with the bundled scales against hand-computed cases: every band boundary of
GB/T 42195-2022, each override rule, and MZ/T 039-2013's grades and combinations."""

import json
from pathlib import Path

import pytest

from linli.assessment import scaledef
from linli.testing.assessment import answers_for, best

SCALES = Path(__file__).resolve().parent.parent / "scales"


def definition(name: str) -> scaledef.Definition:
    return scaledef.parse(json.loads((SCALES / name).read_text(encoding="utf-8")))


GB = definition("gbt-42195-2022.json")
MZ = definition("mzt-039-2013.json")


def test_gb_has_the_standards_shape():
    assert [(s.name, len(s.items), s.max_score) for s in GB.sections] == [
        ("自理能力", 8, 32),
        ("基础运动能力", 4, 15),
        ("精神状态", 9, 28),
        ("感知觉与社会参与", 5, 15),
    ]
    assert len(GB.items) == 26 and GB.max_total == 90
    assert [level.name for level in GB.levels] == [
        "能力完好",
        "轻度失能",
        "中度失能",
        "重度失能",
        "完全失能",
    ]


@pytest.mark.parametrize(
    ("total", "level"),
    [
        (90, "intact"),
        (89, "mild"),
        (66, "mild"),
        (65, "moderate"),
        (46, "moderate"),
        (45, "severe"),
        (30, "severe"),
        (29, "total"),
        (0, "total"),
    ],
)
def test_gb_band_boundaries(total, level):
    result = scaledef.score(GB, answers_for(GB, total))
    assert (result.total, result.raw_level, result.level, result.applied) == (
        total,
        level,
        level,
        (),
    )


def test_gb_section_scores_add_up():
    answers = best(GB) | {"B1.1": "2", "B2.4": "0", "B3.7": "0", "B4.1": "1"}
    result = scaledef.score(GB, answers)
    assert [s.score for s in result.sections] == [30, 12, 27, 14]
    assert result.total == 83 and result.level == "mild"


def test_gb_coma_is_total_whatever_the_score():
    answers = answers_for(GB, 80, {"B3.9": "coma"})
    result = scaledef.score(GB, answers)
    assert (result.total, result.raw_level, result.level) == (80, "mild", "total")
    assert [(a.code, a.before, a.after) for a in result.applied] == [("coma", "mild", "total")]
    assert "昏迷" in result.applied[0].why


def test_gb_stupor_scores_like_coma_but_is_not_coma():
    result = scaledef.score(GB, answers_for(GB, 80, {"B3.9": "0"}))
    assert (result.total, result.level, result.applied) == (80, "mild", ())


@pytest.mark.parametrize("factor", ["dementia", "mental_disorder"])
def test_gb_a_diagnosis_makes_it_one_level_worse(factor):
    result = scaledef.score(GB, answers_for(GB, 70), [factor])
    assert (result.raw_level, result.level) == ("mild", "moderate")
    assert [a.code for a in result.applied] == ["worsen"]


def test_gb_two_care_risk_events_make_it_one_level_worse():
    result = scaledef.score(GB, answers_for(GB, 90), [], {"fall": 1, "wandering": 1})
    assert (result.raw_level, result.level) == ("intact", "mild")
    one = scaledef.score(GB, answers_for(GB, 90), [], {"choking": 1, "fall": 0})
    assert one.level == "intact" and one.applied == ()


def test_gb_worse_only_once_and_never_past_the_worst():
    both = scaledef.score(GB, answers_for(GB, 50), ["dementia", "mental_disorder"], {"fall": 3})
    assert (both.raw_level, both.level) == ("moderate", "severe")
    worst = scaledef.score(GB, answers_for(GB, 10), ["dementia"])
    assert worst.level == "total"
    coma_and_dementia = scaledef.score(GB, answers_for(GB, 60, {"B3.9": "coma"}), ["dementia"])
    assert coma_and_dementia.level == "total"
    assert [a.code for a in coma_and_dementia.applied] == ["coma", "worsen"]


def test_a_missing_item_or_an_option_out_of_range_is_named():
    answers = best(GB)
    del answers["B2.3"]
    answers["B1.1"] = "7"
    answers["X9"] = "1"
    with pytest.raises(scaledef.AnswerError) as caught:
        scaledef.score(GB, answers, ["cancer"], {"fall": -1})
    assert set(caught.value.problems) == {"B2.3", "B1.1", "X9", "factors", "events"}
    assert "平地行走" in caught.value.problems["B2.3"] or "B2.3" in caught.value.problems["B2.3"]


# MZ/T 039-2013 -------------------------------------------------------------------------


def mz_answers(adl: int, mental: int = 0, sense: dict | None = None, social: int = 0) -> dict:
    """MZ/T answers: ADL points (multiple of 5 from 100 down), 精神状态 and 社会参与
    totals (0 is best there), 感知觉与沟通 item scores."""
    answers = {}
    left = 100 - adl
    for item in MZ.sections[0].items:
        option = min(
            (o for o in item.options if o.score >= item.max_score - left), key=lambda o: o.score
        )
        answers[item.code] = option.code
        left -= item.max_score - option.score
    assert left == 0
    for section, total in ((MZ.sections[1], mental), (MZ.sections[3], social)):
        for item in section.items:
            answers[item.code] = str(min(total, item.max_score))
            total -= min(total, item.max_score)
    for item in MZ.sections[2].items:
        answers[item.code] = str((sense or {}).get(item.code, 0))
    return answers


@pytest.mark.parametrize(
    ("adl", "grade"), [(100, 0), (95, 1), (65, 1), (60, 2), (45, 2), (40, 3), (0, 3)]
)
def test_mz_adl_grades(adl, grade):
    result = scaledef.score(MZ, mz_answers(adl))
    assert result.sections[0].grade == grade


@pytest.mark.parametrize(
    ("sense", "grade"),
    [
        ({}, 0),
        ({"B.3.2": 1, "B.3.3": 1}, 0),
        ({"B.3.3": 2}, 1),
        ({"B.3.4": 1}, 1),
        ({"B.3.2": 3}, 2),
        ({"B.3.1": 1}, 2),
        ({"B.3.4": 3}, 3),
        ({"B.3.1": 2}, 3),
    ],
)
def test_mz_perception_grades(sense, grade):
    assert scaledef.score(MZ, mz_answers(100, sense=sense)).sections[2].grade == grade


@pytest.mark.parametrize(
    ("adl", "mental", "sense", "social", "level"),
    [
        (100, 0, {}, 0, "intact"),
        (100, 0, {}, 5, "intact"),  # 社会参与 grade 1 alone
        (100, 1, {}, 0, "mild"),
        (100, 0, {}, 8, "mild"),  # 社会参与 grade 2
        (80, 0, {}, 0, "mild"),
        (80, 2, {"B.3.2": 3}, 8, "moderate"),  # ADL 1, the other three grade 2
        (80, 4, {}, 0, "moderate"),  # ADL 1, one grade 3
        (50, 1, {}, 0, "moderate"),
        (50, 2, {"B.3.2": 3}, 8, "severe"),  # all four grade 2
        (50, 4, {}, 0, "severe"),  # ADL 2 and one grade 3
        (40, 0, {}, 0, "severe"),
    ],
)
def test_mz_combination_table(adl, mental, sense, social, level):
    assert scaledef.score(MZ, mz_answers(adl, mental, sense, social)).level == level


def test_mz_coma_is_severe():
    result = scaledef.score(MZ, mz_answers(100, sense={"B.3.1": 3}))
    assert (result.raw_level, result.level) == ("mild", "severe")  # ADL 0: 轻度 by the table
    assert [a.code for a in result.applied] == ["coma"]
    result = scaledef.score(MZ, mz_answers(100), ["dementia"])
    assert (result.raw_level, result.level) == ("intact", "mild")
