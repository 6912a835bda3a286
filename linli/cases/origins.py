"""What raised a case (起因): a typed link from a case to the object of another app it
was raised for — a grid worker's patrol, an alarm, an elder's emergency call, an
application. Apps register the kinds of object that raise cases in
`AppConfig.ready()`; a case stores the kind (`Case.origin_type`, the model's label)
and the object's key (`Case.origin_id`), and shows the link to whoever may see it.

    origins.register(OriginKind(Patrol, _("Patrol"), "gridwork:patrol-detail"))

A kind may say who owns its objects (`owner`: a device's owning organisation), for the
routing rules that send a case to the owner of what raised it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class OriginKind:
    model: Any  # a model class: its queryset's `visible_to(user)` decides who sees it
    label: str | Promise
    url_name: str | None = None  # its page, by primary key
    # The organisation answerable for the object (a device's owner), if any: where a
    # routing rule "to the owner" sends the cases it raises.
    owner: Callable[[Any], Any] | None = None
    # Whether the cases it raises may be public (Open311, similar cases): not when they
    # may name a home (an alarm of a device in a flat).
    public: bool = True

    @property
    def type(self) -> str:
        return self.model._meta.label_lower


_kinds: dict[str, OriginKind] = {}


def register(*kinds: OriginKind) -> None:
    for kind in kinds:
        if kind.type in _kinds:
            raise ValueError(f"Origin kind {kind.type!r} is registered twice.")
        if not hasattr(kind.model.objects, "visible_to"):
            raise ValueError(f"{kind.type} has no visible_to: who may see it?")
        _kinds[kind.type] = kind


def private_types() -> list[str]:
    """The kinds whose cases are never public (`Case.objects.public()`)."""
    return sorted(k.type for k in _kinds.values() if not k.public)


def kind(type_: str) -> OriginKind | None:
    return _kinds.get(type_)


def kind_of(obj: models.Model) -> OriginKind:
    found = _kinds.get(obj._meta.label_lower)
    if found is None:
        raise ValueError(f"{obj._meta.label_lower} does not raise cases: register it.")
    return found


def owner(type_: str, key: str):
    """The organisation answerable for the object a case names as its origin (a
    device's owner), or None: no such object, or its kind names no owner."""
    found = _kinds.get(type_)
    if found is None or found.owner is None or not key.isdigit():
        return None
    obj = found.model.objects.filter(pk=int(key)).first()
    return found.owner(obj) if obj is not None else None


def visible(user, type_: str, key: str) -> models.Model | None:
    """The object a case names as its origin, if `user` may see it."""
    found = _kinds.get(type_)
    if found is None or not key.isdigit():
        return None
    return found.model.objects.visible_to(user).filter(pk=int(key)).first()


def describe(case, user) -> dict | None:
    """The case's origin for `user`: its kind, key, and — if they may see the object —
    its name and page; None for a case raised by nothing."""
    if not case.origin_type:
        return None
    found = _kinds.get(case.origin_type)
    if found is None:  # an app that registered it is gone: the kind and key remain
        return {
            "type": case.origin_type,
            "id": case.origin_id,
            "kind": case.origin_type,
            "label": None,
            "url": None,
        }
    obj = visible(user, case.origin_type, case.origin_id)
    return {
        "type": case.origin_type,
        "id": case.origin_id,
        "kind": str(found.label),
        "label": str(obj) if obj is not None else None,
        "url": reverse(found.url_name, args=[obj.pk])
        if obj is not None and found.url_name
        else None,
    }
