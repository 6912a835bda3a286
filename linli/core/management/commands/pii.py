import base64
import os
from argparse import ArgumentParser
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.db.models import ExpressionWrapper, F, Q
from django.utils import timezone

from linli.core import crypto
from linli.core.fields import EncryptedTextField

DEFAULT_BATCH = 1000


@dataclass
class Rotation:
    rows: int = 0
    values: int = 0
    from_keys: Counter[str] = field(default_factory=Counter)


def encrypted_models() -> Iterator[tuple[type[models.Model], list[EncryptedTextField]]]:
    """Every concrete model with EncryptedTextFields in its own table."""
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        fields = [f for f in model._meta.local_concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            yield model, fields


def rotate(
    model: type[models.Model], fields: list[EncryptedTextField], *, batch: int, dry_run: bool
) -> Rotation:
    """Re-encrypt, with the current key, every row holding a value under another key.

    Rows are taken in primary-key order, `batch` at a time, each batch locked and
    written in its own transaction; values under the current key are left alone, so
    a second run finds nothing to do.
    """
    current = crypto.current_key_id()
    prefix = f"{crypto.FORMAT_VERSION}.{current}."
    # The stored tokens, read past the field's decryption.
    raw = {f"raw_{f.attname}": ExpressionWrapper(F(f.attname), models.TextField()) for f in fields}
    stale = Q()
    for name in raw:
        stale |= (
            Q(**{f"{name}__isnull": False})
            & ~Q(**{name: ""})
            & ~Q(**{f"{name}__startswith": prefix})
        )
    queryset = model._base_manager.annotate(**raw).filter(stale).order_by("pk")
    result = Rotation()
    last_pk = None
    while True:
        with transaction.atomic():
            page = queryset if dry_run else queryset.select_for_update()
            if last_pk is not None:
                page = page.filter(pk__gt=last_pk)
            rows = list(page.values_list("pk", *raw)[:batch])
            if not rows:
                return result
            renewed = [_renew(model, fields, pk, tokens, current, result) for pk, *tokens in rows]
            if not dry_run:
                model._base_manager.bulk_update(renewed, [f.name for f in fields])
        result.rows += len(rows)
        last_pk = rows[-1][0]


def _renew(
    model: type[models.Model],
    fields: list[EncryptedTextField],
    pk: object,
    tokens: list[str | None],
    current: str,
    result: Rotation,
) -> models.Model:
    """An unsaved instance holding the row's plaintexts (saving encrypts them anew)."""
    values: dict[str, str | None] = {}
    for f, token in zip(fields, tokens, strict=True):
        if not token:
            values[f.attname] = token
            continue
        try:
            key_id = crypto.key_id_of(token)
            values[f.attname] = crypto.decrypt(token, f.context)
        except crypto.DecryptionError as exc:
            raise CommandError(f"{model._meta.label} pk={pk} {f.name}: {exc}") from exc
        if key_id != current:
            result.values += 1
            result.from_keys[key_id] += 1
    return model(pk=pk, **values)


class Command(BaseCommand):
    help = (
        "Personal-data keys. `pii generate-key` prints a new LINLI_PII_KEYS entry; "
        "`pii rotate-keys` re-encrypts every value not under the current key."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        rotate_parser = sub.add_parser(
            "rotate-keys", help="Re-encrypt values under old keys with the current key."
        )
        rotate_parser.add_argument(
            "--batch",
            type=int,
            default=DEFAULT_BATCH,
            help=f"Rows per transaction (default {DEFAULT_BATCH}).",
        )
        rotate_parser.add_argument(
            "--dry-run", action="store_true", help="Count (and decrypt) only; write nothing."
        )
        generate = sub.add_parser("generate-key", help="Print a new random key.")
        generate.add_argument(
            "--id", dest="key_id", help="Key id (default k<YYYYMMDD>, today's date)."
        )
        generate.add_argument(
            "--index",
            action="store_true",
            help="Print a key for LINLI_PII_INDEX_KEY instead (base64, no id).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "rotate-keys":
            self.rotate_keys(options["batch"], options["dry_run"])
        elif options["subcommand"] == "generate-key":
            self.generate_key(options["key_id"], options["index"])

    def rotate_keys(self, batch: int, dry_run: bool) -> None:
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        current = crypto.current_key_id()
        verb = "would re-encrypt" if dry_run else "re-encrypted"
        total = 0
        for model, fields in encrypted_models():
            done = rotate(model, fields, batch=batch, dry_run=dry_run)
            total += done.values
            label = model._meta.label_lower
            if not done.values:
                self.stdout.write(f"{label}: every value is under key {current}")
                continue
            sources = ", ".join(f"{k}: {n}" for k, n in sorted(done.from_keys.items()))
            self.stdout.write(
                f"{label}: {verb} {done.values} value(s) in {done.rows} row(s) "
                f"to key {current} (from {sources})"
            )
        self.stdout.write(f"pii rotate-keys: {verb} {total} value(s) in all")

    def generate_key(self, key_id: str | None, index: bool) -> None:
        key = base64.b64encode(os.urandom(crypto.KEY_BYTES)).decode("ascii")
        if index:
            self.stdout.write(key)
            self.stderr.write(
                "Set it as LINLI_PII_INDEX_KEY on a new install only: "
                "changing it makes every blind index stale."
            )
            return
        key_id = key_id or f"k{timezone.localdate():%Y%m%d}"
        if not crypto.KEY_ID_PATTERN.fullmatch(key_id):
            raise CommandError("A key id is 1-32 letters, digits, '_' or '-'.")
        if key_id in crypto.keyring().ciphers:
            raise CommandError(f"Key id {key_id!r} is already in LINLI_PII_KEYS: pass --id.")
        self.stdout.write(f"{key_id}:{key}")
        self.stderr.write(
            "Put this entry first in LINLI_PII_KEYS (comma-separated, keep the old keys), "
            "restart every process, then run `linli pii rotate-keys`."
        )
