"""Real brokers for the MQTT tests: Mosquitto with Linli's plugin, on a free loopback
port, in a temporary directory (skipped where Mosquitto is not installed, unless
LINLI_REQUIRE_MOSQUITTO=1, as in CI)."""

import getpass
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from linli.devices.plugin import PluginBuildError, plugin_build

WORKER_PASSWORD = "test-worker-password-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(condition: Callable[[], object], timeout: float = 10, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.02)


def _port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
    except OSError:
        return False
    return True


def mosquitto_or_skip() -> str:
    binary = os.environ.get("LINLI_MOSQUITTO") or shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    if not Path(binary).exists():
        if os.environ.get("LINLI_REQUIRE_MOSQUITTO") == "1":
            pytest.fail("LINLI_REQUIRE_MOSQUITTO=1 but Mosquitto is not installed")
        pytest.skip("Mosquitto is not installed (Debian: mosquitto mosquitto-dev libssl-dev)")
    return binary


def plugin_or_skip(directory: Path) -> Path:
    if os.environ.get("LINLI_MOSQUITTO_PLUGIN"):
        return Path(os.environ["LINLI_MOSQUITTO_PLUGIN"])
    try:
        return plugin_build(directory / "linli_plugin.so")
    except PluginBuildError as exc:
        if os.environ.get("LINLI_REQUIRE_MOSQUITTO") == "1":
            pytest.fail(f"cannot build the Mosquitto plugin: {exc}")
        pytest.skip(f"cannot build the Mosquitto plugin: {exc}")


class Mosquitto:
    """A Mosquitto with the plugin and persistence; `restart()` keeps its data."""

    def __init__(self, binary: str, plugin: Path, directory: Path, credentials: Path) -> None:
        self.binary, self.directory = binary, directory
        self.port = free_port()
        self.config = directory / "mosquitto.conf"
        self.config.write_text(
            f"listener {self.port} 127.0.0.1\n"
            "allow_anonymous false\n"
            f"plugin {plugin}\n"
            f"plugin_opt_credentials_file {credentials}\n"
            "persistence true\n"
            f"persistence_location {directory}/\n"
            "max_inflight_messages 1000\n"
            "max_queued_messages 1000000\n"
            f"user {getpass.getuser()}\n"
            f"log_dest file {directory}/mosquitto.log\n"
            "log_type error\nlog_type warning\nlog_type notice\nlog_type information\n"
            "log_type subscribe\n"
        )
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        process = subprocess.Popen([self.binary, "-c", str(self.config)])  # noqa: S603
        self.process = process
        wait_for(lambda: _port_open(self.port) or process.poll() is not None, 5, "mosquitto")
        if process.poll() is not None:
            raise AssertionError(f"mosquitto did not start: {self.log()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # it saves its persistence file
            self.process.wait(10)

    def restart(self) -> None:
        self.stop()
        self.start()

    def log(self) -> str:
        path = self.directory / "mosquitto.log"
        return path.read_text() if path.exists() else ""


def device_client(
    port: int, token: str, *, client_id: str = "", v5: bool = True, clean: bool = True
) -> tuple[mqtt.Client, object]:
    """A connected device (or the broker's refusal): (client, reason code)."""
    client = mqtt.Client(
        CallbackAPIVersion.VERSION2,
        client_id=client_id,
        protocol=mqtt.MQTTv5 if v5 else mqtt.MQTTv311,
        clean_session=None if v5 else clean,
    )
    client.username_pw_set(token)
    outcome: dict[str, object] = {}

    def on_connect(client, userdata, flags, reason, properties) -> None:
        outcome.setdefault("reason", reason)

    client.on_connect = on_connect
    client.connect("127.0.0.1", port, keepalive=30, clean_start=clean if v5 else 3)
    client.loop_start()
    wait_for(lambda: "reason" in outcome, 5, "CONNACK")
    return client, outcome["reason"]
