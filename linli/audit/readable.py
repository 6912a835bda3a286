"""An audit entry as people read it: its object by its kind's name, its details as
labelled values in the user's language. The stored entry (hashed) is not touched.

Details hold keys chosen by the apps that write them (no personal data in clear);
their names are below, and a key that is a field of the entry's object is named as
that field. Apps name the values of their choices with `register_choices` (the
registry's kinds of change), in `AppConfig.ready()`."""

from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Role

KEY_LABELS = {
    "anchor_hash": _("anchor hash"),
    "anchor_seq": _("anchor number"),
    "category": _("category"),
    "change": _("change"),
    "changed": _("changed"),
    "checkpoints": _("checkpoints"),
    "created": _("created"),
    "cutoff": _("before"),
    "days": _("days valid"),
    "deleted": _("entries deleted"),
    "failures": _("failed attempts"),
    "field": _("field"),
    "fields": _("fields"),
    "file_name": _("file name"),
    "filter": _("filter"),
    "format": _("format"),
    "households": _("households"),
    "minutes": _("minutes"),
    "mode": _("mode"),
    "organisation_id": _("organisation"),
    "patrols_per_week": _("patrols a week"),
    "reason": _("reason"),
    "region": _("region"),
    "region_code": _("region"),
    "residents": _("residents"),
    "retention_days": _("days kept"),
    "role": _("role"),
    "rows": _("rows"),
    "rows_with_errors": _("rows with errors"),
    "saved": _("saved"),
    "target": _("target"),
    "until": _("until"),
    "user_id": _("user"),
    "verified": _("verified"),
}

_choices: dict[str, type[models.Choices]] = {"role": Role}


def register_choices(key: str, choices: type[models.Choices]) -> None:
    """Show the values of detail `key` by their labels in `choices`."""
    _choices[key] = choices


def object_kinds(object_types: list[str]) -> list[tuple[str, str]]:
    """(object type, its name) of the given types that are models, by name: what the
    trail's object filter offers."""
    models_ = [(object_type, _model(object_type)) for object_type in object_types]
    kinds = [(t, str(model._meta.verbose_name)) for t, model in models_ if model]
    return sorted(kinds, key=lambda kind: kind[1])


def object_kind(entry) -> str:
    """The name of the entry's object's kind (户, 用户…), or "" when unknown."""
    model = _model(entry.object_type)
    return str(model._meta.verbose_name) if model else ""


def detail_lines(entry) -> list[tuple[str, str]]:
    """The entry's details as (label, value) pairs."""
    model = _model(entry.object_type)
    return [(_key(key, model), _value(key, value, model)) for key, value in entry.details.items()]


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except LookupError:
        return None


def _field(name: str, model: type[models.Model] | None) -> str | None:
    if model is None:
        return None
    try:
        return str(getattr(model._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:
        return None


def _key(key: str, model: type[models.Model] | None) -> str:
    if key in KEY_LABELS:
        return str(KEY_LABELS[key])
    return _field(key, model) or key


def _value(key: str, value: Any, model: type[models.Model] | None) -> str:
    if key in {"field", "fields"}:  # field names of the object
        names = value if isinstance(value, list) else [value]
        return "、".join(_field(name, model) or name for name in names)
    if key == "changed" and isinstance(value, dict):  # {field: [old, new]}
        return "；".join(
            f"{_key(name, model)}：{' → '.join(_plain(v) for v in change)}"
            if isinstance(change, list)
            else f"{_key(name, model)}：{_plain(change)}"
            for name, change in value.items()
        )
    if isinstance(value, dict):
        return "；".join(f"{_key(k, model)}：{_value(k, v, model)}" for k, v in value.items())
    if key.endswith("_id") and value is not None:  # another object's number
        return f"#{value}"
    if key in _choices and isinstance(value, str):
        try:
            return str(_choices[key](value).label)
        except ValueError:
            return value
    return _plain(value)


def _plain(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return str(_("yes"))
    if value is False:
        return str(_("no"))
    if isinstance(value, list):
        return "、".join(_plain(v) for v in value)
    return str(value)
