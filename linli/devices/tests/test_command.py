"""`linli devices provision` and the broker's credentials file."""

import hashlib
import stat
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from linli.devices.models import Device
from linli.devices.services import device_retire, device_token_rotate
from linli.devices.tokens import token_digest

pytestmark = pytest.mark.django_db


@pytest.fixture
def credentials(settings, tmp_path):
    settings.LINLI_MQTT_CREDENTIALS_FILE = str(tmp_path / "mqtt" / "credentials")
    settings.LINLI_MQTT_PASSWORD = "worker-password-0123456789"
    return tmp_path / "mqtt" / "credentials"


def provision(*args: str) -> str:
    out = StringIO()
    call_command("devices", "provision", *args, stdout=out)
    return out.getvalue()


def test_provision_prints_the_token_once_and_the_broker_learns_its_digest(
    world, credentials, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        out = provision(
            "--grid", world.a1.code, "--profile", "smoke", "--key", "YG-7", "--name", "烟感"
        )
    token = out.strip().splitlines()[-1]
    device = Device.objects.get(key="YG-7")
    assert device.token_hash == token_digest(token) and device.grid == world.a1

    lines = credentials.read_text().splitlines()
    worker = hashlib.sha256(b"worker-password-0123456789").hexdigest()
    assert sorted(lines) == sorted([f"{worker} @linli-ingest", f"{device.token_hash} YG-7"])
    assert token not in credentials.read_text()
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600

    # A rotated token replaces the line; a retired device leaves the file.
    with django_capture_on_commit_callbacks(execute=True):
        new = device_token_rotate(device=device, by=None)
    assert f"{token_digest(new)} YG-7" in credentials.read_text().splitlines()
    assert token_digest(token) not in credentials.read_text()
    with django_capture_on_commit_callbacks(execute=True):
        device_retire(device=device, by=None)
    assert credentials.read_text().splitlines() == [f"{worker} @linli-ingest"]


def test_provision_refuses_what_it_cannot_place(world, credentials):
    with pytest.raises(CommandError, match="No grid"):
        provision("--grid", "999", "--profile", "smoke", "--key", "A1", "--name", "x")
    with pytest.raises(CommandError, match="No profile"):
        provision("--grid", world.a1.code, "--profile", "nope", "--key", "A1", "--name", "x")
    with pytest.raises(CommandError, match="building"):
        provision(
            "--grid", world.a1.code, "--profile", "smoke", "--key", "A1", "--name", "x",
            "--building", "没有这栋楼",
        )  # fmt: skip
    with pytest.raises(CommandError):
        provision("--grid", world.a1.code, "--profile", "smoke", "--key", "坏 号", "--name", "x")
    assert not Device.objects.exists() and not credentials.exists()


def test_the_credentials_command_rewrites_the_whole_file(world, credentials):
    credentials.parent.mkdir()
    credentials.write_text("stale\n")
    out = StringIO()
    call_command("devices", "credentials", stdout=out)
    assert "1 credentials written" in out.getvalue()
    assert credentials.read_text().endswith("@linli-ingest\n")
