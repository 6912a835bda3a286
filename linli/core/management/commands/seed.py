from argparse import ArgumentParser
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load data. `seed demo` fills the database with 周村区's demo data (idempotent)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="dataset", required=True)
        demo = sub.add_parser("demo", help="Demo data for every app, in INSTALLED_APPS order.")
        demo.add_argument(
            "--residents",
            type=int,
            default=20_000,
            help="Residents in the registry (default 20,000; adds only what is missing).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for config in apps.get_app_configs():
            if not config.name.startswith("linli."):
                continue
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            with transaction.atomic():
                module.seed(self.stdout, residents=options["residents"])
