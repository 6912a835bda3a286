"""Configuration: categories' time limits (district-wide) and routing rules (per
region), and the seeded categories."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.accounts.selectors import people_who_may
from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.cases import categories
from linli.cases.models import Category, RoutingRule
from linli.cases.permissions import CASE_CONFIGURE, CASE_HANDLE
from linli.regions.models import Region
from linli.regions.selectors import district, ensure_may, may
from linli.registry.selectors import acting_for


def categories_ensure_defaults() -> None:
    """The seeded categories (the migration makes them on install; tests that flush
    the database and the demo call this)."""
    categories.ensure(Category)


@transaction.atomic
def category_update(*, category: Category, by, **changes) -> Category:
    """Change a category's time limits, clock or activity (district-wide policy:
    `case.configure` over the whole district). Cases already in a stage keep the
    deadline they were given."""
    ensure_may(by, district(), CASE_CONFIGURE)
    unknown = set(changes) - set(Category.SETTINGS)
    if unknown:
        raise ValueError(f"not category settings: {sorted(unknown)}")
    locked = Category.objects.select_for_update().get(pk=category.pk)
    before = {name: getattr(locked, name) for name in changes}
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    changed = {n: [before[n], v] for n, v in changes.items() if before[n] != v}
    if changed:
        locked.save(update_fields=list(changed))
        audit_record(
            action=AuditAction.RECORD_UPDATE,
            actor=by,
            obj=locked,
            region=district(),
            object_label=locked.code,
            details={"changed": changed},
        )
    return locked


@transaction.atomic
def routing_rule_create(
    *,
    by,
    name: str,
    region: Region,
    target: str,
    category: Category | None = None,
    handler=None,
    organisation=None,
    starts_at=None,
    ends_at=None,
) -> RoutingRule:
    """A routing rule for a region where `by` may configure cases; a named handler
    must be able to handle cases there, a named organisation must have someone who
    can (a grant acting for it)."""
    ensure_may(by, region, CASE_CONFIGURE)
    if handler is not None and not may(handler, region, CASE_HANDLE):
        raise ValidationError(
            {"handler": _("%(name)s cannot handle cases here.") % {"name": str(handler)}}
        )
    if (
        organisation is not None
        and not people_who_may(CASE_HANDLE, region, among=acting_for(organisation)).exists()
    ):
        raise ValidationError(
            {
                "organisation": _("Nobody acting for %(name)s can handle cases here.")
                % {"name": organisation.name}
            }
        )
    rule = RoutingRule(
        name=(name or "").strip(),
        region=region,
        target=target,
        category=category,
        handler=handler,
        organisation=organisation,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    rule.full_clean()
    rule.save()
    audit_record(
        action=AuditAction.RECORD_CREATE,
        actor=by,
        obj=rule,
        region=region,
        object_label=rule.name[:40],
        details={"target": target, "category": category.code if category else None},
    )
    return rule


@transaction.atomic
def routing_rule_deactivate(*, rule: RoutingRule, by) -> RoutingRule:
    ensure_may(by, rule.region, CASE_CONFIGURE)
    if rule.active:
        rule.active = False
        rule.save(update_fields=["active"])
        audit_record(
            action=AuditAction.RECORD_UPDATE,
            actor=by,
            obj=rule,
            object_label=rule.name[:40],
            details={"changed": {"active": [True, False]}},
        )
    return rule
