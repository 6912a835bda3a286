"""GeoJSON shapes for the region tests (周村区 lies around 117.87 E, 36.80 N)."""


def square(lon: float = 117.87, lat: float = 36.80, size: float = 0.005) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}
