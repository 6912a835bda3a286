from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from linli.audit.choices import AuditAction
from linli.audit.filters import REGION_PATTERN, AuditFilter


class AuditFilterForm(forms.Form):
    """The console's form for `AuditFilter` (same fields: a test keeps them equal)."""

    actor = forms.CharField(label=_("Actor (username)"), max_length=150, required=False)
    action = forms.ChoiceField(
        label=_("Action"), choices=[("", _("Any action")), *AuditAction.choices], required=False
    )
    object_type = forms.CharField(
        label=_("Object type"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "accounts.user"}),
    )
    object_id = forms.CharField(label=_("Object ID"), max_length=64, required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    region = forms.CharField(
        label=_("Region code"),
        max_length=15,
        required=False,
        validators=[
            RegexValidator(REGION_PATTERN, _("A region code, or its first digits (up to 15)."))
        ],
    )

    def to_filter(self) -> AuditFilter:
        """The filter the valid fields describe (invalid ones are left out)."""
        data = getattr(self, "cleaned_data", {})
        return AuditFilter(**{k: v for k, v in data.items() if v not in ("", None)})
