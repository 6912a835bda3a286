"""Demo data for the region tree: 周村区 from the fixture, and grids drawn for it.

Real community boundaries are not public, so the grids' polygons are generated:
each subdistrict gets an area around its rough position in 周村区, each community a
cell of it, each grid a strip of its community's cell, with slightly uneven edges.
"""

import json
import random
from typing import Any

from django.core.management.base import OutputWrapper

from linli.regions.choices import Level
from linli.regions.management.commands.regions import DEFAULT_FIXTURE
from linli.regions.models import Region
from linli.regions.services import grid_create, regions_import

GRID_NAMES = ["第一网格", "第二网格", "第三网格", "第四网格"]
DISTRICT_CENTRE = (117.87, 36.80)  # 周村区, lon/lat
CELL = 0.006  # degrees, about 550 m by 650 m
SUBDISTRICTS_PER_ROW = 4


def seed(stdout: OutputWrapper, **_options: object) -> None:
    created, _updated = regions_import(records=json.loads(DEFAULT_FIXTURE.read_text("utf-8")))
    stdout.write(f"regions: {created} division-code regions created")
    grids = 0
    subdistricts = Region.objects.filter(level=Level.SUBDISTRICT, path__startswith="370306")
    for s_index, subdistrict in enumerate(subdistricts.order_by("code")):
        communities = list(subdistrict.children.order_by("code"))
        per_row = max(1, round(len(communities) ** 0.5))
        origin = (
            DISTRICT_CENTRE[0] + (s_index % SUBDISTRICTS_PER_ROW - 2) * CELL * 9,
            DISTRICT_CENTRE[1] + (s_index // SUBDISTRICTS_PER_ROW - 1) * CELL * 9,
        )
        for c_index, community in enumerate(communities):
            if community.children.exists():
                continue
            west = origin[0] + (c_index % per_row) * CELL
            south = origin[1] + (c_index // per_row) * CELL
            count = 3 if community.urban else 2
            rng = random.Random(community.code)
            for g_index in range(count):
                grid_create(
                    community=community,
                    name=GRID_NAMES[g_index],
                    by=None,
                    boundary=_strip(west, south, g_index, count, rng),
                )
                grids += 1
    stdout.write(f"regions: {grids} demo grids created")


def _strip(west: float, south: float, index: int, count: int, rng: random.Random) -> dict[str, Any]:
    """A quadrilateral: strip `index` of `count` across a community's cell."""
    width = CELL / count
    x0, x1 = west + index * width, west + (index + 1) * width
    y0, y1 = south, south + CELL * 0.9

    def wobble(v: float) -> float:
        return round(v + rng.uniform(-1, 1) * CELL * 0.03, 6)

    ring = [
        [wobble(x0), wobble(y0)],
        [wobble(x1), wobble(y0)],
        [wobble(x1), wobble(y1)],
        [wobble(x0), wobble(y1)],
    ]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}
