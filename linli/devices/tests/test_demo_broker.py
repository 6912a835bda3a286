"""The demo broker (amqtt, pure Python) keeps the Mosquitto plugin's rules: devices by
token digest, their own topics only, rewritten under their key for the worker."""

import asyncio
import contextlib
import json
import threading
import time

import pytest

from linli.devices import broker as demo
from linli.devices.credentials import credentials_write
from linli.devices.models import DeviceProfile, Telemetry
from linli.devices.mqtt import Worker
from linli.devices.services import device_provision, device_retire, profiles_ensure_defaults
from linli.devices.tests.brokers import WORKER_PASSWORD, device_client, free_port, wait_for


@pytest.fixture
def demo_broker(tmp_path, settings):
    settings.LINLI_MQTT_PASSWORD = WORKER_PASSWORD
    settings.LINLI_MQTT_CREDENTIALS_FILE = str(tmp_path / "credentials")
    credentials_write(tmp_path / "credentials")
    port = free_port()
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    async def main() -> None:
        started = asyncio.Event()
        task = asyncio.ensure_future(demo.run("127.0.0.1", port, tmp_path / "credentials", started))
        await started.wait()
        ready.set()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    thread = threading.Thread(target=lambda: loop.run_until_complete(main()), daemon=True)
    thread.start()
    assert ready.wait(10)
    yield port
    for task in asyncio.all_tasks(loop):
        loop.call_soon_threadsafe(task.cancel)
    thread.join(10)
    loop.close()


@pytest.mark.django_db
def test_the_demo_broker_authenticates_restricts_and_rewrites(
    world, demo_broker, settings, django_capture_on_commit_callbacks
):
    profiles_ensure_defaults()
    smoke = DeviceProfile.objects.get(code="smoke")
    with django_capture_on_commit_callbacks(execute=True):
        device, token = device_provision(
            grid=world.a1, profile=smoke, key="YG-1", name="烟感", by=world.worker_a
        )
        other, other_token = device_provision(
            grid=world.a1, profile=smoke, key="YG-2", name="烟感", by=world.worker_a
        )
    worker = Worker(
        name="demo-w1",
        host="127.0.0.1",
        port=demo_broker,
        username=settings.LINLI_MQTT_USERNAME,
        password=WORKER_PASSWORD,
        protocol="3.1.1",
        wait=0.02,
    )
    worker.start()
    try:
        wait_for(worker.connected.is_set, 10, "the worker")
        refused, reason = device_client(demo_broker, "unknown-token-000000", v5=False)
        assert reason.is_failure
        refused.loop_stop()

        client, reason = device_client(demo_broker, token, v5=False)
        assert not reason.is_failure
        now = int(time.time() * 1000)
        for topic, ts in (
            ("v1/devices/me/telemetry", now),
            (f"linli/{other.key}/telemetry", now + 1),  # another's topic: dropped
            ("v1/devices/YG-2/telemetry", now + 2),  # not a device topic: dropped
            ("v1/devices/me/telemetry", now + 3),
        ):
            body = json.dumps({"ts": ts, "values": {"temperature": 20}})
            client.publish(topic, body, qos=1).wait_for_publish(5)
        deadline = time.monotonic() + 10
        while Telemetry.objects.filter(device=device).count() < 2:
            assert time.monotonic() < deadline
            worker.step()
        assert not Telemetry.objects.filter(device=other).exists()
        assert Telemetry.objects.filter(device=device).count() == 2

        # Retired: refused at CONNECT.
        with django_capture_on_commit_callbacks(execute=True):
            device_retire(device=other, by=None)
        again, reason = device_client(demo_broker, other_token, v5=False)
        assert reason.is_failure
        again.loop_stop()
        client.disconnect()
        client.loop_stop()
    finally:
        worker.close()
