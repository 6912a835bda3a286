"""The broker's credentials file (docs/devices.md, "MQTT"): what the Mosquitto plugin
(linli/devices/mosquitto/linli_plugin.c) and the demo broker (`broker.py`) check a
CONNECT against.

One line per device in service, `<SHA-256 of its token, hex> <device key>`, and one
for the ingestion workers, `<SHA-256 of their password, hex> @<user name>`: digests
only, never a token or a password. Rewritten whole, atomically (a new file renamed
over the old one, mode 0600), after each commit that provisions a device, rotates a
token or retires a device, and by `linli devices credentials`. The broker re-reads
it when it changes.
"""

import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import transaction

from linli.devices.models import Device

log = logging.getLogger(__name__)


def credentials_lines() -> Iterator[str]:
    if settings.LINLI_MQTT_PASSWORD:
        digest = hashlib.sha256(settings.LINLI_MQTT_PASSWORD.encode()).hexdigest()
        yield f"{digest} @{settings.LINLI_MQTT_USERNAME}\n"
    rows = Device.objects.filter(retired_at__isnull=True).order_by("pk")
    for digest, key in rows.values_list("token_hash", "key").iterator(chunk_size=5000):
        yield f"{digest} {key}\n"


def credentials_write(path: Path) -> int:
    """Rewrite the file at `path`; returns the number of lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    count = 0
    try:
        with os.fdopen(handle, "w", encoding="ascii") as file:  # mkstemp: mode 0600
            for line in credentials_lines():
                file.write(line)
                count += 1
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count


# When the last rewrite began reading (monotonic): it holds every change committed
# before then, so the callbacks of changes registered earlier have nothing to do.
_last_rewrite = [0.0]


def _refresh(registered: float) -> None:
    if _last_rewrite[0] > registered:
        return
    started = time.monotonic()
    path = settings.LINLI_MQTT_CREDENTIALS_FILE
    try:
        credentials_write(Path(path))
    except OSError as exc:
        log.error("cannot write the MQTT credentials file %s: %s", path, exc)
        return
    _last_rewrite[0] = started


def credentials_refresh_on_commit() -> None:
    """Rewrite the file once the current transaction commits (once, however many
    devices it changed), if the deployment names one (`LINLI_MQTT_CREDENTIALS_FILE`)."""
    if not settings.LINLI_MQTT_CREDENTIALS_FILE:
        return
    registered = time.monotonic()
    transaction.on_commit(lambda: _refresh(registered), robust=True)
