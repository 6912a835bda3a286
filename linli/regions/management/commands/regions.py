import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from linli.regions.services import regions_import

DEFAULT_FIXTURE = Path(__file__).resolve().parents[2] / "data" / "370306.json"


class Command(BaseCommand):
    help = "Manage the region tree. `regions import` loads a division-code fixture."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        load = sub.add_parser("import", help="Load regions from a JSON fixture (idempotent).")
        load.add_argument(
            "--file",
            type=Path,
            default=DEFAULT_FIXTURE,
            help="Fixture file (default: 淄博市周村区, linli/regions/data/370306.json).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            records = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:  # ValueError: bad JSON, or not UTF-8
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        if not isinstance(records, list):
            raise CommandError(f"{path} must hold a JSON list of region records.")
        try:
            created, updated = regions_import(records=records)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"Regions: {created} created, {updated} updated, from {path.name}.")
