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
    family = forms.IntegerField(label=_("Family member"), widget=forms.Select)
    relation = forms.ChoiceField(
        label=_("Relation"),
        choices=[(r.value, r.label) for r in FAMILY_RELATIONS],
    )

    def __init__(self, *args: Any, candidates: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Offered: the elder's family as the service finds it; the service checks again.
        self.fields["family"].widget.choices = [("", "—"), *candidates]
