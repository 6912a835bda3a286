"""GeoJSON shapes for tests (周村区 lies around 117.87 E, 36.80 N)."""


def square(lon: float = 117.87, lat: float = 36.80, size: float = 0.005) -> dict:
    """A square Polygon with its south-west corner at (lon, lat)."""
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


# The test square: grid A1's boundary where a test needs one, 117.86–117.88 E,
# 36.79–36.81 N (so 117.87 E 36.80 N lies inside).
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[117.86, 36.79], [117.88, 36.79], [117.88, 36.81], [117.86, 36.81], [117.86, 36.79]]
    ],
}
