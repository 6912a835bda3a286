"""The audit trail: append-only, hash-chained entries, and the head of the chain.

Every entry carries the hash of the one before it (`prev_hash`) and its own hash
over all its other fields (`linli.audit.chain`), so editing or removing an entry
breaks the chain where it happened; `linli audit verify` names that place.
Entries are written only by `linli.audit.services.audit_record`, which locks the
single `AuditHead` row so that two writers never fork the chain, and removed only
by `audit_prune`, which moves the chain's anchor forward first.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.audit import readable
from linli.audit.choices import GENESIS_HASH, AuditAction
from linli.audit.hashing import HASHED_FIELDS, entry_hash
from linli.audit.permissions import AUDIT_VIEW
from linli.core.scoping import ScopedQuerySet, scope_filter
from linli.regions.choices import PATH_LENGTH, Level

HEAD_ID = 1


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit entry through the ORM."""


class AuditEntryQuerySet(ScopedQuerySet):
    region_path = "region_path"
    view_action = AUDIT_VIEW

    def visible_to(self, user, action: str | None = None):
        """Entries under the user's subtrees for `action`.

        Entries without a region (sign-ins of unknown names, the system's own
        actions) are shown only to superusers and to people whose grant for the
        action sits at a city — the top of the tree.
        """
        action = action or self.view_action
        q = scope_filter(user, action, self.region_path)
        if q is None:
            return self
        city = PATH_LENGTH[Level.CITY]
        if (
            user.is_authenticated
            and user.is_active
            and any(len(path) <= city for path in user.scope_paths(action))
        ):
            q |= Q(region_path="")
        return self.filter(q)

    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries are append-only: they cannot be updated.")

    def delete(self):
        raise AppendOnlyError(
            "Audit entries are append-only: only `linli audit prune` removes old ones."
        )

    delete.queryset_only = True

    def _prune_delete(self) -> int:
        """Delete these entries: for `services.audit_prune` only, after it has moved
        the chain's anchor past them."""
        deleted, _by_model = super().delete()
        return deleted

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Audit entries are append-only: they cannot be updated.")

    def bulk_create(self, objs, *args, **kwargs):
        raise AppendOnlyError("Audit entries are written one by one by audit_record.")


class AuditEntry(models.Model):
    """One thing that happened: who did what to which object, where, when, from where.

    `details` and `object_label` must never hold personal data in clear text
    (names, ID or phone numbers, addresses): callers pass masked labels and
    field names, not values. See docs/architecture.md, "Audit trail".
    """

    seq = models.BigIntegerField(_("number"), primary_key=True)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object ID"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    region_path = models.CharField(_("region path"), max_length=15, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["at"], name="auditentry_at"),
            models.Index(
                fields=["region_path"],
                name="auditentry_region_path",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["actor_name"], name="auditentry_actor_name"),
            models.Index(fields=["object_type", "object_id"], name="auditentry_object"),
            models.Index(fields=["action", "seq"], name="auditentry_action"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(seq__gte=1),
                name="auditentry_seq_positive",
                violation_error_message=_("Audit entries are numbered from 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit entries are append-only: they cannot be changed.")
        if self.hash != entry_hash(self.hashed_values()):
            raise AppendOnlyError("Audit entries are written by audit_record only.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(
            "Audit entries are append-only: only `linli audit prune` removes old ones."
        )

    @property
    def object_kind(self) -> str:
        """The name of the object's kind in the user's language (户, 用户…)."""
        return readable.object_kind(self)

    @property
    def detail_lines(self) -> list[tuple[str, str]]:
        """The details as labelled values in the user's language."""
        return readable.detail_lines(self)

    def hashed_values(self) -> dict:
        return {name: getattr(self, name) for name in HASHED_FIELDS}


class AuditHead(models.Model):
    """The chain's single head row: its tip (last entry) and its anchor.

    `last_seq`/`last_hash` are the newest entry's; every writer locks this row, so
    entries are numbered without gaps and each links to the one before. The anchor
    (`anchor_seq`/`anchor_hash`) is the last entry pruned away (0 and the genesis
    hash before any pruning): verification starts there, expecting entry
    `anchor_seq + 1` with `prev_hash == anchor_hash`.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=HEAD_ID)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    anchor_seq = models.BigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit trail head")
        verbose_name_plural = _("audit trail head")
        constraints = [
            models.CheckConstraint(
                condition=Q(id=HEAD_ID),
                name="audithead_single_row",
                violation_error_message=_("The audit trail has one head."),
            ),
            models.CheckConstraint(
                condition=Q(anchor_seq__lte=models.F("last_seq")),
                name="audithead_anchor_before_tip",
                violation_error_message=_("The anchor cannot be past the last entry."),
            ),
        ]

    def __str__(self) -> str:
        return f"audit head: seq {self.last_seq}, anchor {self.anchor_seq}"
