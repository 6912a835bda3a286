"""An alert's geometric area: CAP 1.2 lets an area be one or more polygons and one or
more circles (besides its geocode). Here the polygons are one GeoJSON Polygon or
MultiPolygon (`Alert.polygon`) and the circles a list of
`{"longitude", "latitude", "radius_km"}` (`Alert.circles`); a point is inside the area
when it is inside any polygon or any circle. An alert with neither covers its whole
region."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from linli.core.geojson import contains, distance_m

MAX_CIRCLES = 10
MAX_POLYGONS = 10
MAX_RADIUS_KM = 200.0


def clean_circles(value: Any) -> list[dict[str, float]]:
    """A clean list of circles, or ValidationError naming what is wrong."""
    if value in (None, "", []):
        return []
    if not isinstance(value, list):
        raise ValidationError(_("The circles must be a list."), code="not_list")
    if len(value) > MAX_CIRCLES:
        raise ValidationError(
            _("At most %(max)s circles are allowed."), code="too_many", params={"max": MAX_CIRCLES}
        )
    found = []
    for circle in value:
        numbers = (
            [circle.get("longitude"), circle.get("latitude"), circle.get("radius_km")]
            if isinstance(circle, dict)
            else []
        )
        if len(numbers) != 3 or not all(
            isinstance(n, int | float) and not isinstance(n, bool) for n in numbers
        ):
            raise ValidationError(
                _("Each circle needs a centre (longitude, latitude) and a radius in kilometres."),
                code="bad_circle",
            )
        lon, lat, radius = (float(n) for n in numbers if isinstance(n, int | float))
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValidationError(
                _("A circle's centre is outside longitude −180…180 / latitude −90…90."),
                code="out_of_range",
            )
        if not 0 < radius <= MAX_RADIUS_KM:
            raise ValidationError(
                _("A circle's radius must be more than 0 and at most %(max)s km."),
                code="bad_radius",
                params={"max": int(MAX_RADIUS_KM)},
            )
        found.append({"longitude": lon, "latitude": lat, "radius_km": radius})
    return found


def polygons_of(boundary: dict[str, Any] | None) -> list[list[list[list[float]]]]:
    """The polygons (each a list of rings) of a Polygon or MultiPolygon."""
    if not boundary:
        return []
    if boundary["type"] == "Polygon":
        return [boundary["coordinates"]]
    polygons: list[list[list[list[float]]]] = boundary["coordinates"]
    return polygons


def in_circle(circle: dict[str, float], longitude: float, latitude: float) -> bool:
    distance = distance_m(circle["longitude"], circle["latitude"], longitude, latitude)
    return distance <= circle["radius_km"] * 1000


def covers(
    polygon: dict[str, Any] | None,
    circles: list[dict[str, float]] | None,
    longitude: float,
    latitude: float,
) -> bool:
    """Whether a geometric area holds the point (an area without geometry: True)."""
    if not polygon and not circles:
        return True
    return contains(polygon, longitude, latitude) or any(
        in_circle(c, longitude, latitude) for c in circles or []
    )


def overlaps(polygon: dict[str, Any] | None, circles: list[dict[str, float]], grid: Any) -> bool:
    """Whether the area (its polygons and circles) meets a grid's boundary: a corner of
    one inside the other, or a circle's centre in the grid or a grid corner in it."""
    if not isinstance(grid, dict) or grid.get("type") not in ("Polygon", "MultiPolygon"):
        return False
    corners = [p for rings in polygons_of(grid) for p in rings[0]]
    for shape in polygons_of(polygon):
        if any(contains({"type": "Polygon", "coordinates": shape}, p[0], p[1]) for p in corners):
            return True
        if any(contains(grid, p[0], p[1]) for p in shape[0]):
            return True
    for circle in circles:
        if contains(grid, circle["longitude"], circle["latitude"]):
            return True
        if any(in_circle(circle, p[0], p[1]) for p in corners):
            return True
    return False
