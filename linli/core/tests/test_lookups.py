"""`prefix`: what `startswith` finds, answered from an index on SQLite too."""

import pytest
from django.db import connection
from django.db.models import F

from linli.registry.models import Label

NAMES = [
    "王*明",
    "王?明",
    "王[明]",
    "王%明",
    "王_明",
    "王明",
    "王",
    "汪明",
    "Li Na",
    "li na",
    "Lin",
]


@pytest.fixture
def labels(db):
    Label.objects.bulk_create(Label(code=f"t{i}", name=name) for i, name in enumerate(NAMES))


def found(**lookup) -> set[str]:
    return set(Label.objects.filter(name__in=NAMES, **lookup).values_list("name", flat=True))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("王", {"王*明", "王?明", "王[明]", "王%明", "王_明", "王明", "王"}),
        ("王*", {"王*明"}),
        ("王?", {"王?明"}),
        ("王[", {"王[明]"}),
        ("王[明", {"王[明]"}),
        ("王%", {"王%明"}),
        ("王_", {"王_明"}),
        ("王明", {"王明"}),
        ("Li", {"Li Na", "Lin"}),  # case-sensitive on every database
        ("li", {"li na"}),
        ("张", set()),
    ],
)
def test_a_prefix_finds_the_names_that_start_with_it_wildcards_taken_literally(
    labels, typed, expected
):
    assert found(name__prefix=typed) == expected


def test_a_prefix_can_be_combined_and_negated(labels):
    assert found(name__prefix="王", name__endswith="明") == {
        "王*明",
        "王?明",
        "王%明",
        "王_明",
        "王明",
    }
    assert set(
        Label.objects.filter(name__in=NAMES)
        .exclude(name__prefix="王")
        .values_list("name", flat=True)
    ) == {"汪明", "Li Na", "li na", "Lin"}


def test_a_prefix_may_be_another_column(labels):
    Label.objects.create(code="li", name="li lei")
    assert set(Label.objects.filter(name__prefix=F("code")).values_list("name", flat=True)) == {
        "li lei"
    }


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the point of the lookup on SQLite")
def test_sqlite_reads_a_prefix_as_a_range_of_the_index(db):
    assert "name>? AND name<?" in Label.objects.filter(name__prefix="王").explain()
    assert "name>? AND name<?" not in Label.objects.filter(name__startswith="王").explain()
