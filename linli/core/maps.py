"""What every map page gives its script (static/linli/map.js) besides its data."""

from django.conf import settings


def map_settings() -> dict[str, str]:
    """The tile layer (`LINLI_MAP_TILES`, none by default) and its attribution."""
    return {"tiles": settings.LINLI_MAP_TILES, "attribution": settings.LINLI_MAP_ATTRIBUTION}
