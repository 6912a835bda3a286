"""Live updates in tests (linli.core.live): a real Redis on a free loopback port
(skipped where redis-server is not installed, unless LINLI_REQUIRE_REDIS=1, as in CI),
and a fixture that runs the process' hub on either transport, stopped afterwards."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator

import pytest

from linli.core import live


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def redis_or_skip() -> str:
    binary = os.environ.get("LINLI_REDIS_SERVER") or shutil.which("redis-server") or ""
    if not binary or not os.path.exists(binary):
        if os.environ.get("LINLI_REQUIRE_REDIS") == "1":
            pytest.fail("LINLI_REQUIRE_REDIS=1 but redis-server is not installed")
        pytest.skip("redis-server is not installed (Debian: redis-server)")
    return binary


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A Redis of its own for the session: loopback, no persistence."""
    binary = redis_or_skip()
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="linli-redis-") as directory:
        server = subprocess.Popen(  # noqa: S603 — our own binary and arguments
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", directory],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise AssertionError("redis-server did not start") from None
                    time.sleep(0.02)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            server.terminate()
            server.wait(timeout=10)


@pytest.fixture(params=["table", "redis"])
def live_transport(request: pytest.FixtureRequest, settings: object) -> Iterator[str]:
    """The process' hub on the table (no Redis) or on a real Redis; stopped after."""
    url = request.getfixturevalue("redis_url") if request.param == "redis" else ""
    settings.LINLI_REDIS_URL = url  # type: ignore[attr-defined]
    live.hub.stop()
    live._transport = None
    try:
        yield request.param
    finally:
        live.hub.stop()
        live._transport = None


def wait_for_hub(last: int, timeout: float = 5) -> None:
    """Until the hub has seen message `last` (or a later one)."""
    deadline = time.monotonic() + timeout
    while live.hub.last < last:
        if time.monotonic() > deadline:
            raise AssertionError(f"the hub did not see message {last} (at {live.hub.last})")
        time.sleep(0.01)
