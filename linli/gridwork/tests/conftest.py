import pytest

from linli.gridwork import services
from linli.regions.services import grid_update
from linli.testing.gridwork import D
from linli.testing.shapes import SQUARE


@pytest.fixture
def grid(world):
    """Grid A1 with a boundary (a square around 117.87E 36.80N)."""
    grid_update(grid=world.a1, boundary=SQUARE, by=None)
    world.a1.refresh_from_db()
    return world.a1


@pytest.fixture
def gate(world, grid):
    return services.checkpoint_create(
        grid=grid,
        name="车站北门",
        longitude=D("117.870000"),
        latitude=D("36.800000"),
        radius=30,
        by=world.worker_a,
    )


@pytest.fixture
def park(world, grid):
    return services.checkpoint_create(
        grid=grid,
        name="小游园",
        longitude=D("117.875000"),
        latitude=D("36.800000"),
        by=world.worker_a,
    )
