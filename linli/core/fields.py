"""Model fields for personal data (see `linli.core.crypto` and docs/architecture.md).

    id_number = EncryptedTextField(_("ID number"), context="registry.resident.id_number")
    id_number_index = BlindIndexField(source="id_number", context="registry.resident.id_number")

`EncryptedTextField` holds the plaintext in Python and a token in the database;
every save encrypts again (fresh nonce, current key). It refuses every lookup but
`isnull` (and `exact` against None or ""): find rows through the blind index,
`filter(id_number_index=blind_index(value, context))`.

`BlindIndexField` is computed from its source field on every `save()` and
`bulk_create()`. `QuerySet.update()`, `bulk_update()` and `save(update_fields=…)`
do not call it: set or name the index alongside its source there.
"""

from typing import Any

from django import forms
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, FieldError
from django.db import models
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from linli.core import crypto

_ALLOWED_LOOKUPS = frozenset({"isnull", "exact"})


class _EmptyOnlyExact(Exact):
    """`field=None` (IS NULL) and `field=""`; any other value cannot match a token."""

    def __init__(self, lhs: Any, rhs: Any) -> None:
        if rhs not in (None, ""):
            raise FieldError(_refusal(lhs.output_field, "exact"))
        super().__init__(lhs, rhs)


def _refusal(field: models.Field[Any, Any], lookup_name: str) -> str:
    return (
        f"{field.model.__name__}.{field.name} is encrypted: the lookup {lookup_name!r} "
        "cannot work on it. Query its BlindIndexField with "
        "blind_index(value, context) for exact matches."
    )


class EncryptedTextField(models.TextField[str | None, str | None]):
    """Text encrypted at rest with AES-256-GCM; `context` names its purpose and is
    bound to every token (changing it makes existing values unreadable)."""

    description = _("Encrypted text")

    def __init__(self, *args: Any, context: str, **kwargs: Any) -> None:
        crypto.check_context(context)
        self.context = context
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["context"] = self.context
        return name, path, args, kwargs

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value, self.context)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value, self.context)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup_name not in _ALLOWED_LOOKUPS:
            raise FieldError(_refusal(self, lookup_name))
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        raise FieldError(_refusal(self, lookup_name))

    def formfield(self, **kwargs: Any) -> Any:
        # Personal data is short: a one-line input, not a textarea.
        return super().formfield(**{"widget": forms.TextInput, **kwargs})


class BlindIndexField(models.CharField[str | None, str | None]):
    """HMAC of another field's normalised value, for exact lookups; None when the
    source is empty. Nullable unless `null=False` is passed."""

    description = _("Blind index")

    def __init__(self, *args: Any, source: str, context: str, **kwargs: Any) -> None:
        crypto.check_context(context)
        self.source = source
        self.context = context
        kwargs["max_length"] = 64
        kwargs["editable"] = False
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("null", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["context"] = self.context
        del kwargs["max_length"], kwargs["editable"]
        # Defaults here are db_index=True and null=True: write only departures.
        kwargs.pop("db_index", None)
        kwargs.pop("null", None)
        # django-stubs does not declare Field.db_index (Field.__init__ sets it).
        if not self.db_index:  # type: ignore[attr-defined]
            kwargs["db_index"] = False
        if not self.null:
            kwargs["null"] = False
        return name, path, args, kwargs

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        try:
            self.model._meta.get_field(self.source)
        except FieldDoesNotExist:
            errors.append(
                checks.Error(
                    f"BlindIndexField source {self.source!r} is not a field of "
                    f"{self.model.__name__}.",
                    obj=self,
                    id="linli.E002",
                )
            )
        return errors

    def compute(self, value: str | None) -> str | None:
        if value is None or not crypto.normalise(value):
            return None
        return crypto.blind_index(value, self.context)

    def pre_save(self, model_instance: models.Model, add: bool) -> str | None:
        value = self.compute(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value
