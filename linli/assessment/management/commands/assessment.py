"""`linli assessment load FILE`: load a scale file (JSON) as a new scale version,
checked whole first (every problem listed, nothing loaded)."""

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from linli.assessment import scaledef
from linli.assessment.services import scale_load

MAX_BYTES = 2_000_000


class Command(BaseCommand):
    help = "Ability assessment scales: `load FILE` loads a scale file as a new version."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Load a scale file (JSON, docs/assessment.md).")
        load.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(f"{path}: larger than {MAX_BYTES} bytes")
            raw = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"{path}: not JSON in UTF-8 ({exc})") from None
        try:
            scale, created = scale_load(raw=raw, by=None)
        except scaledef.ScaleError as exc:
            raise CommandError(
                f"{path}: not loaded, {len(exc.problems)} problem(s):\n  "
                + "\n  ".join(exc.problems)
            ) from None
        if created:
            self.stdout.write(f"Loaded {scale.code} {scale.version}: {scale.name}")
        else:
            self.stdout.write(f"{scale.code} {scale.version} is already loaded, unchanged")
