"""/api/v1/indicators: the catalogue, and values per unit for a level and period."""

from datetime import date

import pytest

from linli.core import indicators
from linli.core.indicators import Catalogue, Indicator, Measure, Unit
from linli.testing.cases import hotline_call
from linli.testing.http import call_api, ok, problem_of


def test_the_catalogue_lists_every_apps_indicators_with_their_definitions(client, world):
    listed = ok(call_api(client, world.worker_a, "get", "/indicators"))

    codes = [i["code"] for i in listed]
    assert codes[:3] == ["cases.received", "cases.acceptance_rate", "cases.dispatch_on_time_rate"]
    assert {"gridwork.presence_rate", "registry.updates", "cases.hours_handling"} <= set(codes)
    on_time = next(i for i in listed if i["code"] == "cases.on_time_rate")
    assert on_time["kind"] == "rate" and on_time["higher_is_better"] is True
    assert "time limit" in on_time["definition"] and "community" in on_time["levels"]


def test_values_per_unit_in_the_callers_regions(client, world):
    hotline_call(world)
    hotline_call(world, region=world.b1)

    mine = ok(call_api(client, world.worker_a, "get", "/indicators/values", level="community"))
    both = ok(call_api(client, world.subdistrict_admin, "get", "/indicators/values"))

    assert [(r["key"], r["values"]["cases.received"]) for r in mine["items"]] == [(world.a.path, 1)]
    assert mine["items"][0]["values"]["cases.acceptance_rate"] is None  # nothing decided yet
    assert {r["key"] for r in both["items"]} == {world.a.path, world.b.path}


def test_a_bad_level_or_period_is_a_422(client, world):
    problem_of(call_api(client, world.worker_a, "get", "/indicators/values", level="planet"), 422)
    refused = call_api(
        client, world.worker_a, "get", "/indicators/values", start="2026-11-10", end="2026-11-01"
    )
    problem_of(refused, 422)


def test_residents_have_no_indicators(client, world):
    problem_of(call_api(client, world.resident_a, "get", "/indicators"), 403)


class Lamps:
    """A new app's source (as a device app would give): lamps lit, per grid."""

    measures = (
        Measure("lamps.lit", "lamps lit", "region.view"),
        Measure("lamps.all", "lamps", "region.view"),
    )

    def figures(self, *, paths, first: date, last: date, unit: Unit) -> dict:
        return {"370306001001001"[: unit.path_length or 0]: {"lamps.lit": 3, "lamps.all": 4}}


@pytest.fixture
def lamps(monkeypatch):
    """A catalogue copy with a new app's indicator registered, as its indicators.py does."""
    copy = Catalogue(
        dict(indicators.catalogue.measures),
        dict(indicators.catalogue.indicators),
        list(indicators.catalogue.day_sources),
        list(indicators.catalogue.period_sources),
    )
    monkeypatch.setattr(indicators, "catalogue", copy)
    for module in ("linli.indicators.tables", "linli.indicators.views", "linli.indicators.rollup"):
        monkeypatch.setattr(f"{module}.catalogue", copy, raising=False)
    copy.register(
        Lamps(),
        Indicator(
            "lamps.lit_rate",
            "Lamps lit",
            unit="%",
            kind="rate",
            numerator=("lamps.lit",),
            denominator=("lamps.all",),
            decimals=4,
            definition="Lamps lit ÷ lamps.",
            levels=("community", "grid"),
        ),
    )


def test_a_new_apps_indicator_is_in_the_tables_and_the_api(client, world, lamps):
    listed = ok(call_api(client, world.worker_a, "get", "/indicators", level="grid"))
    assert "lamps.lit_rate" in [i["code"] for i in listed]

    values = ok(call_api(client, world.worker_a, "get", "/indicators/values", level="grid"))

    (row,) = values["items"]
    assert row["key"] == world.a1.path and row["values"]["lamps.lit_rate"] == 0.75
    handlers = ok(call_api(client, world.worker_a, "get", "/indicators", level="handler"))
    assert "lamps.lit_rate" not in [i["code"] for i in handlers], "not given per person"
