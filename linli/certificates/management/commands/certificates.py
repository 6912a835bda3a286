"""`linli certificates generate-key` prints a new LINLI_CERT_SIGNING_KEYS entry;
`linli certificates keys` lists the keys that verify (and which one signs)."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from linli.certificates import keys


class Command(BaseCommand):
    help = (
        "Certificates' signing keys. `certificates generate-key` prints a new entry for "
        "LINLI_CERT_SIGNING_KEYS (put it first to sign with it); `certificates keys` lists "
        "the keys that verify."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        generate = sub.add_parser("generate-key", help="Print a new random Ed25519 key.")
        generate.add_argument("--id", dest="key_id", help="Key id (default c<YYYYMMDD><4 hex>).")
        sub.add_parser("keys", help="List the keys that verify certificates.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "generate-key":
            entry = keys.generate_entry()
            key_id = options["key_id"]
            if key_id is not None:
                if not keys.KEY_ID.fullmatch(key_id):
                    raise CommandError("A key id is 1-32 letters, digits, '_' or '-'.")
                entry = f"{key_id}:{entry.partition(':')[2]}"
            self.stdout.write(entry)
            return
        signing = keys.signing_keys()
        current = signing[0].key_id if signing else None
        for key_id, public in sorted(keys.public_keys().items()):
            mark = " (signs)" if key_id == current else ""
            self.stdout.write(f"{key_id}\t{public}{mark}")
