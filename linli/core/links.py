"""Links to records' pages, for long lists.

`reverse` costs some 15 µs a call: a list page of 50 rows with two links a row
spent 1.5–2 ms of its 15–20 ms on them. A URL pattern with a single integer key
(`residents/<int:pk>/`) is reversed once, with a stand-in key, per URL conf and
script prefix; each row's URL is that text with its key put in.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

STAND_IN = 9_081_726_354_453_627_180  # no real key; found once in the reversed URL


@lru_cache(maxsize=512)
def _around_key(name: str, urlconf: str, prefix: str) -> tuple[str, str]:
    """The reversed URL's text before and after the key (`prefix` is part of the
    cache's key only: `reverse` reads it from the request being served)."""
    url = reverse(name, urlconf=urlconf, args=[STAND_IN])
    before, found, after = url.partition(str(STAND_IN))
    if not found or str(STAND_IN) in after:
        raise ValueError(f"{name!r} is not a URL with a single integer key.")
    return before, after


def keyed_url(name: str, key: int) -> str:
    """`reverse(name, args=[key])` for a URL whose only argument is an integer key."""
    before, after = _around_key(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    return f"{before}{int(key)}{after}"
