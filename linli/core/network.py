from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address of the person's machine.

    Behind a trusted reverse proxy (LINLI_BEHIND_PROXY), the proxy appends the
    address it saw to X-Forwarded-For, so the last entry is the one to trust;
    earlier entries can be forged by the client.
    """
    if settings.LINLI_BEHIND_PROXY:
        forwarded: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    address: str | None = request.META.get("REMOTE_ADDR") or None
    return address
