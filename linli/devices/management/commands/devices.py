import logging
import math
import signal
import subprocess
import sys
from argparse import SUPPRESS, ArgumentParser
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from linli.devices.credentials import credentials_write
from linli.devices.models import DeviceProfile
from linli.devices.mqtt import PROTOCOLS, SHARED_TOPIC, Worker
from linli.devices.plugin import PluginBuildError, plugin_build
from linli.devices.services import device_provision
from linli.regions.choices import Level
from linli.regions.models import Region
from linli.registry.models import Building

DEFAULT_PLUGIN = Path(settings.DATA_DIR) / "mosquitto" / "linli_plugin.so"
# Devices one simulating process connects (a device holds three sockets; see _simulate_in_parts).
PER_PROCESS = 300


def _broker_options(parser: ArgumentParser) -> None:
    parser.add_argument("--host", default=settings.LINLI_MQTT_HOST, help="The MQTT broker.")
    parser.add_argument("--port", type=int, default=settings.LINLI_MQTT_PORT)
    parser.add_argument(
        "--protocol",
        choices=sorted(PROTOCOLS),
        default="5",
        help="MQTT 5 (default) or 3.1.1 (the demo broker speaks 3.1.1).",
    )


class Command(BaseCommand):
    help = (
        "Devices: `provision` a device (prints its token), rewrite the broker's "
        "`credentials` file, run an MQTT ingestion worker (`ingest`), `simulate` "
        "devices, run the demo `broker`, build the Mosquitto `broker-plugin`."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)

        provision = sub.add_parser("provision", help="A new device; prints its token, once.")
        provision.add_argument("--grid", required=True, help="The grid's region code.")
        provision.add_argument("--profile", required=True, help="The profile's code (smoke, …).")
        provision.add_argument("--key", required=True, help="The device's number (serial).")
        provision.add_argument("--name", required=True)
        provision.add_argument("--building", help="A building of the grid, by name.")
        provision.add_argument("--gateway", action="store_true", help="It is a gateway.")

        credentials = sub.add_parser(
            "credentials", help="Rewrite the broker's credentials file (token digests)."
        )
        credentials.add_argument(
            "--file",
            type=Path,
            default=settings.LINLI_MQTT_CREDENTIALS_FILE or None,
            help="Default: LINLI_MQTT_CREDENTIALS_FILE.",
        )

        ingest = sub.add_parser("ingest", help="An ingestion worker (SIGTERM: finish, stop).")
        _broker_options(ingest)
        ingest.add_argument("--name", default="linli-ingest-1", help="Its fixed client id.")
        ingest.add_argument("--batch", type=int, default=500, help="Messages per transaction.")
        ingest.add_argument(
            "--wait", type=float, default=0.05, help="Longest wait for a batch (s)."
        )
        ingest.add_argument("--topic", default=SHARED_TOPIC, help="Default: %(default)s.")
        ingest.add_argument(
            "--leave",
            action="store_true",
            help="When stopped, drain this worker's session and end it (scaling down; MQTT 5).",
        )

        simulate = sub.add_parser("simulate", help="Publish realistic telemetry over MQTT.")
        _broker_options(simulate)
        simulate.add_argument(
            "--tokens",
            type=Path,
            required=True,
            help="Lines key<TAB>token<TAB>profile code (var/demo-device-tokens.tsv).",
        )
        simulate.add_argument(
            "--speed", type=float, default=60.0, help="Time runs this many times faster."
        )
        simulate.add_argument(
            "--alarm-every", type=float, default=300.0, help="An alarm about every N s (0: none)."
        )
        simulate.add_argument("--duration", type=float, default=0.0, help="Stop after N s.")
        # "K/N": the K-th of the N processes a large simulation runs in (`_simulate_in_parts`).
        simulate.add_argument("--part", default="", help=SUPPRESS)

        broker = sub.add_parser("broker", help="The demo broker (pure Python, MQTT 3.1.1).")
        broker.add_argument("--host", default="127.0.0.1")
        broker.add_argument("--port", type=int, default=settings.LINLI_MQTT_PORT)
        broker.add_argument(
            "--credentials",
            type=Path,
            default=settings.LINLI_MQTT_CREDENTIALS_FILE or None,
            help="Default: LINLI_MQTT_CREDENTIALS_FILE.",
        )

        plugin = sub.add_parser("broker-plugin", help="Build the Mosquitto plugin.")
        plugin.add_argument("--output", type=Path, default=DEFAULT_PLUGIN)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["subcommand"].replace("-", "_"))(options)

    def _provision(self, options: dict[str, Any]) -> None:
        grid = Region.objects.filter(code=options["grid"], level=Level.GRID).first()
        if grid is None:
            raise CommandError(f"No grid with the code {options['grid']}.")
        profile = DeviceProfile.objects.filter(code=options["profile"]).first()
        if profile is None:
            codes = ", ".join(DeviceProfile.objects.values_list("code", flat=True))
            raise CommandError(f"No profile {options['profile']} (profiles: {codes}).")
        building = None
        if options["building"]:
            found = list(Building.objects.filter(grid=grid, name=options["building"])[:2])
            if len(found) != 1:
                raise CommandError(f"No single building {options['building']} in this grid.")
            building = found[0]
        try:
            device, token = device_provision(
                grid=grid,
                profile=profile,
                key=options["key"],
                name=options["name"],
                building=building,
                is_gateway=options["gateway"],
                by=None,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"Device {device.key} provisioned. Its access token (shown once):")
        self.stdout.write(token)

    def _credentials(self, options: dict[str, Any]) -> None:
        if options["file"] is None:
            raise CommandError("Name the file: --file or LINLI_MQTT_CREDENTIALS_FILE.")
        count = credentials_write(options["file"])
        self.stdout.write(f"{options['file']}: {count} credentials written.")

    def _ingest(self, options: dict[str, Any]) -> None:
        logging.getLogger("paho").setLevel(logging.WARNING)
        if options["batch"] < 1 or options["wait"] <= 0:
            raise CommandError("--batch and --wait must be positive.")
        if options["leave"] and options["protocol"] != "5":
            raise CommandError("--leave needs MQTT 5.")
        worker = Worker(
            name=options["name"],
            host=options["host"],
            port=options["port"],
            username=settings.LINLI_MQTT_USERNAME,
            password=settings.LINLI_MQTT_PASSWORD,
            protocol=options["protocol"],
            batch=options["batch"],
            wait=options["wait"],
            topic=options["topic"],
            leave=options["leave"],
            pipeline=True,
        )

        def stop(signum: int, frame: FrameType | None) -> None:
            worker.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        counts = worker.run()
        summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "nothing"
        self.stdout.write(f"Worker {options['name']} stopped: {summary}.")

    def _simulate(self, options: dict[str, Any]) -> None:
        from linli.devices.simulator import Simulator, read_tokens

        try:
            devices = read_tokens(options["tokens"])
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {options['tokens']}: {exc}") from exc
        if options["speed"] <= 0:
            raise CommandError("--speed must be positive.")
        alarm_every = options["alarm_every"]
        if options["part"]:
            part, parts = (int(n) for n in options["part"].split("/"))
            devices, alarm_every = devices[part::parts], alarm_every * parts
        elif len(devices) > PER_PROCESS:
            self._simulate_in_parts(options, math.ceil(len(devices) / PER_PROCESS))
            return
        try:
            simulator = Simulator(
                devices,
                host=options["host"],
                port=options["port"],
                protocol=options["protocol"],
                speed=options["speed"],
                alarm_every=alarm_every,
            )
        except ValueError as exc:
            raise CommandError(f"{options['tokens']}: {exc}") from exc

        def stop(signum: int, frame: FrameType | None) -> None:
            simulator.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        sent = simulator.run(duration=options["duration"] or None)
        self.stdout.write(f"Simulator stopped: {sent} messages published.")

    def _simulate_in_parts(self, options: dict[str, Any], parts: int) -> None:
        """The devices shared among `parts` processes: paho waits on select(), which
        takes no socket numbered 1,024 or more, and each device holds three."""
        argv = [sys.executable, "-m", "linli", "devices", "simulate"]
        for name in ("tokens", "host", "port", "protocol", "speed", "alarm_every", "duration"):
            argv += ["--" + name.replace("_", "-"), str(options[name])]
        children = [
            subprocess.Popen([*argv, "--part", f"{n}/{parts}"])  # noqa: S603 (our own options)
            for n in range(parts)
        ]

        def stop(signum: int, frame: FrameType | None) -> None:
            for child in children:
                child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        for child in children:
            child.wait()

    def _broker(self, options: dict[str, Any]) -> None:
        from linli.devices.broker import serve

        if options["credentials"] is None:
            raise CommandError("Name the credentials file: --credentials or its setting.")
        serve(host=options["host"], port=options["port"], credentials=options["credentials"])

    def _broker_plugin(self, options: dict[str, Any]) -> None:
        try:
            path = plugin_build(options["output"])
        except PluginBuildError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Built {path}.")
