"""Validation of GeoJSON area boundaries (RFC 7946), in WGS 84 longitude/latitude."""

import itertools
import json
import math
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_POSITIONS = 20_000


def parse_boundary(value: Any) -> dict[str, Any]:
    """Return a clean Polygon or MultiPolygon geometry, or raise ValidationError.

    Accepts a geometry, a Feature wrapping one, or JSON text of either.
    """
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                _("The boundary is not valid JSON (line %(line)s, column %(col)s)."),
                code="invalid_json",
                params={"line": exc.lineno, "col": exc.colno},
            ) from exc
    if not isinstance(value, dict):
        raise ValidationError(_("The boundary must be a GeoJSON object."), code="not_object")
    if value.get("type") == "Feature":
        value = value.get("geometry")
        if not isinstance(value, dict):
            raise ValidationError(_("The GeoJSON feature has no geometry."), code="no_geometry")
    kind = value.get("type")
    coordinates = value.get("coordinates")
    if kind == "Polygon":
        polygons = [coordinates]
    elif kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            raise ValidationError(_("A MultiPolygon needs at least one polygon."), code="empty")
        polygons = coordinates
    else:
        raise ValidationError(
            _("The boundary must be a Polygon or MultiPolygon, not %(kind)s."),
            code="wrong_type",
            params={"kind": kind or "?"},
        )
    count = 0
    for polygon in polygons:
        count += _check_polygon(polygon)
    if count > MAX_POSITIONS:
        raise ValidationError(
            _("The boundary has %(count)s points; at most %(max)s are allowed."),
            code="too_large",
            params={"count": count, "max": MAX_POSITIONS},
        )
    return {"type": kind, "coordinates": coordinates}


def _check_polygon(rings: Any) -> int:
    if not isinstance(rings, list) or not rings:
        raise ValidationError(_("A polygon needs at least one ring."), code="empty")
    count = 0
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4:
            raise ValidationError(
                _("Each ring of a polygon needs at least four positions."), code="short_ring"
            )
        for position in ring:
            _check_position(position)
        if ring[0][:2] != ring[-1][:2]:
            raise ValidationError(
                _("Each ring must end at the position where it starts."), code="open_ring"
            )
        count += len(ring)
    return count


def _check_position(position: Any) -> None:
    if (
        not isinstance(position, list)
        or len(position) not in (2, 3)
        or not all(isinstance(n, int | float) and not isinstance(n, bool) for n in position)
    ):
        raise ValidationError(
            _("Each position must be [longitude, latitude]."), code="bad_position"
        )
    lon, lat = position[0], position[1]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValidationError(
            _("Position [%(lon)s, %(lat)s] is outside longitude −180…180 / latitude −90…90."),
            code="out_of_range",
            params={"lon": lon, "lat": lat},
        )


def contains(boundary: dict[str, Any] | None, longitude: float, latitude: float) -> bool:
    """Whether a clean Polygon/MultiPolygon (see parse_boundary) holds the point:
    inside an outer ring and outside its holes (even-odd ray casting; a point on an
    edge may fall either way)."""
    if not boundary:
        return False
    polygons = (
        [boundary["coordinates"]] if boundary["type"] == "Polygon" else boundary["coordinates"]
    )
    return any(
        _in_ring(rings[0], longitude, latitude)
        and not any(_in_ring(hole, longitude, latitude) for hole in rings[1:])
        for rings in polygons
    )


EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres between two WGS 84 points (haversine: within
    0.5 % of the ellipsoid's, plenty for check-ins and trajectories)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _in_ring(ring: list[list[float]], x: float, y: float) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside
