from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from linli.audit import chain, services


def _checkpoint(value: str) -> tuple[int, str]:
    seq, sep, digest = value.partition(":")
    if not sep or not seq.isdigit() or len(digest.strip()) != 64:
        raise ValueError(value)
    return int(seq), digest.strip()


class Command(BaseCommand):
    help = (
        "The audit trail. `audit verify` checks the hash chain and names the first broken "
        "link (exit status 1 when broken); `audit prune` deletes entries older than "
        "LINLI_AUDIT_RETENTION_DAYS, keeping the chain verifiable."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="Check every entry and every link of the chain.")
        verify.add_argument(
            "--expect",
            metavar="SEQ:HASH",
            action="append",
            default=[],
            type=_checkpoint,
            help="Also check that entry SEQ still has HASH, as printed by an earlier verify "
            "and kept elsewhere (repeatable).",
        )
        prune = sub.add_parser("prune", help="Delete entries older than the retention period.")
        prune.add_argument(
            "--dry-run", action="store_true", help="Say what would be deleted; delete nothing."
        )
        prune.add_argument(
            "--allow-broken",
            action="store_true",
            help="Prune even when verification fails (after investigating: the pruned "
            "entries are gone for good).",
        )

    def handle(self, *args, **options):
        if options["subcommand"] == "verify":
            self._verify(options["expect"])
        else:
            self._prune(dry_run=options["dry_run"], allow_broken=options["allow_broken"])

    def _verify(self, expected: list[tuple[int, str]]) -> None:
        result = chain.verify()
        if not result.ok:
            raise CommandError(
                f"Audit trail BROKEN. {result.broken} ({result.checked} entries checked before it.)"
            )
        problems = [
            f"Checkpoint {seq}: {problem}"
            for seq, digest in expected
            if (problem := chain.check_point(seq, digest))
        ]
        if problems:
            raise CommandError("Audit trail BROKEN. " + " ".join(problems))
        span = f"seq {result.first_seq}–{result.last_seq}" if result.checked else "no entries"
        anchor = f", anchored after seq {result.anchor_seq}" if result.anchor_seq else ""
        self.stdout.write(
            f"Audit trail intact: {result.checked} entries ({span}{anchor}). "
            f"Head: {result.last_seq}:{result.last_hash}"
        )

    def _prune(self, *, dry_run: bool, allow_broken: bool) -> None:
        cutoff, count = services.audit_prune_plan()
        when = f"{timezone.localtime(cutoff):%Y-%m-%d %H:%M:%S %Z}"
        if dry_run:
            self.stdout.write(f"Would delete {count} entries older than {when}.")
            return
        if count == 0:
            self.stdout.write(f"Nothing to prune: no entries older than {when}.")
            return
        result = chain.verify()
        if not result.ok and not allow_broken:
            raise CommandError(
                f"Not pruning: the audit trail is broken. {result.broken} "
                "Investigate first; --allow-broken prunes anyway."
            )
        done = services.audit_prune(verified=result.ok)
        self.stdout.write(
            f"Deleted {done.deleted} entries older than {when}; "
            f"the chain is now anchored after seq {done.anchor_seq}."
        )
