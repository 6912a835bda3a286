"""Reading the home page's blocks (linli.core.panels.HomeBlock) as a test sees them."""

import html
import re

TILE = re.compile(
    r'href="(?P<url>[^"]+)" data-testid="home-tile">\s*'
    r'<span[^>]*data-testid="home-count">(?P<count>\d+)</span>\s*'
    r"<span[^>]*>(?P<label>[^<]+)</span>"
)


def tiles(client) -> dict[str, tuple[int, str]]:
    """The home page's counts: {label: (count, url)}."""
    response = client.get("/")
    assert response.status_code == 200
    return {
        m["label"].strip(): (int(m["count"]), html.unescape(m["url"]))
        for m in TILE.finditer(response.content.decode())
    }


def listed(client, url: str) -> int:
    """How many rows the list at `url` says it has (its paginator's count)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count
