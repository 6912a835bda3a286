from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.care.choices import FAMILY_RELATIONS, ContactRelation, HealthField, LivingSituation
from linli.care.models import HEALTH_MAX


class ProfileForm(forms.Form):
    living_situation = forms.ChoiceField(
        label=_("Living situation"),
        choices=[("", _("Not recorded")), *LivingSituation.choices],
        required=False,
    )
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
        help_text=_("Health data: stored encrypted, shown masked. At most %(n)s characters.")
        % {"n": HEALTH_MAX},
    )
    allergies = forms.CharField(
        label=_("Allergies"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
        help_text=_("Health data: stored encrypted, shown masked. At most %(n)s characters.")
        % {"n": HEALTH_MAX},
    )
    # (lengths and NUL are checked by the service, which names the field)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Contact's name"), required=False)
    relation = forms.ChoiceField(label=_("Relation"), choices=ContactRelation.choices)
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )


class RevealForm(forms.Form):
    field = forms.ChoiceField(label=_("Show"), choices=HealthField.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("Recorded in the audit trail with your name."),
    )


class ConsentForm(forms.Form):
    family = forms.CharField(label=_("Family member"), max_length=24, widget=forms.Select)
    relation = forms.ChoiceField(
        label=_("Relation"),
        choices=[(r.value, r.label) for r in FAMILY_RELATIONS],
    )

    def __init__(self, *args: Any, candidates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Offered: the elder's family as the service finds it (`resident:<pk>` or
        # `contact:<pk>`); the service checks again.
        self.fields["family"].widget.choices = [("", "—"), *candidates]

    def holder(self) -> dict[str, int]:
        """`{"resident": pk}` or `{"contact": pk}` from the chosen value; {} if it is
        neither."""
        kind, _sep, pk = self.cleaned_data["family"].partition(":")
        return {kind: int(pk)} if kind in ("resident", "contact") and pk.isdigit() else {}
