"""Failed verifications on the public page, limited per client address: a QR code
guesser meets a wall after `LINLI_CERT_VERIFY_FAILURES` (e.g. "20/h") failures. The
counting is the API's throttling (django-ninja's `SimpleRateThrottle`, in Django's
cache: per process unless a shared cache is configured), keyed by the client address
`linli.core.network.client_ip` trusts; only failures count, so honest checks of real
certificates never meet it."""

import time

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle

from linli.core.network import client_ip


class FailedVerifications(SimpleRateThrottle):
    scope = "certificate-verify-failed"

    def __init__(self) -> None:
        super().__init__(settings.LINLI_CERT_VERIFY_FAILURES)

    def get_cache_key(self, request: HttpRequest) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "-"}

    def exceeded(self, request: HttpRequest) -> bool:
        """Whether the address has failed too often lately (nothing counted)."""
        now = time.time()
        assert self.duration is not None and self.num_requests is not None
        history: list[float] = self.cache.get(self.get_cache_key(request), [])
        return sum(1 for at in history if at > now - self.duration) >= self.num_requests

    def failed(self, request: HttpRequest) -> None:
        """Count one failure of the address."""
        self.allow_request(request)
