"""Grid work factories: patrols started in the past (so their GPS fixes are too),
GPS fixes."""

from datetime import timedelta
from decimal import Decimal

from linli.gridwork import services
from linli.gridwork.models import Patrol

D = Decimal


def started(grid, by, ago=timedelta(hours=1), **kwargs) -> Patrol:
    """A patrol of `by` started `ago` (its fixes are then in the past)."""
    patrol = services.patrol_start(grid=grid, by=by, **kwargs)
    then = patrol.started_at - ago
    Patrol.objects.filter(pk=patrol.pk).update(started_at=then, last_seen_at=then)
    patrol.refresh_from_db()
    return patrol


def fix(patrol, seconds: int, lon: str, lat: str, accuracy: int | None = 8) -> services.Fix:
    return services.Fix(
        at=patrol.started_at + timedelta(seconds=seconds),
        longitude=D(lon),
        latitude=D(lat),
        accuracy=accuracy,
    )
