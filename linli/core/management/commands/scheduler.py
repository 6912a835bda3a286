import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from linli.core import periodic


class Command(BaseCommand):
    help = (
        "Enqueue the registered periodic tasks when their time comes (run one beside the "
        "task workers); --once enqueues each once and exits (for cron)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="enqueue every job once, exit")

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        jobs = periodic.jobs()
        if not jobs:
            self.stdout.write("no periodic tasks registered")
            return
        next_run = {job.name: time.monotonic() for job in jobs}
        while True:
            now = time.monotonic()
            for job in jobs:
                if now >= next_run[job.name]:
                    job.task.enqueue()
                    next_run[job.name] = now + job.every.total_seconds()
                    self.stdout.write(f"enqueued {job.name}", ending="\n")
            if once:
                return
            time.sleep(max(1.0, min(next_run.values()) - time.monotonic()))
