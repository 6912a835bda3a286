"""The console's forms: record earned hours, give hours, reverse an entry. Hours are
text here: the services read and check them (one message for the console and the API)."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.timebank.choices import REFERENCE_MAX, TEXT_MAX, ServiceKind

HOURS_HELP = _("In hours, at most two decimal places: 1.5 is an hour and a half.")


def _today() -> date:
    return timezone.localdate()


class EarnForm(forms.Form):
    volunteer = forms.CharField(label=_("Volunteer's ID number"), max_length=30)
    service = forms.ChoiceField(label=_("Service"), choices=ServiceKind.choices)
    elder = forms.CharField(
        label=_("ID number of the elder served"),
        max_length=30,
        help_text=_("The elder (60 or older) who received the service."),
    )
    served_on = forms.DateField(
        label=_("Date of service"), initial=_today, widget=forms.DateInput(attrs={"type": "date"})
    )
    hours = forms.CharField(
        label=pgettext_lazy("time bank", "Hours"), max_length=20, help_text=HOURS_HELP
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=REFERENCE_MAX,
        required=False,
        help_text=_("A service record's or order's number, if there is one."),
    )
    note = forms.CharField(label=_("Note"), max_length=TEXT_MAX, required=False)


class TransferForm(forms.Form):
    receiver = forms.CharField(
        label=_("Receiver's ID number"),
        max_length=30,
        help_text=_("A family member or an elder living in the same district."),
    )
    hours = forms.CharField(
        label=pgettext_lazy("time bank", "Hours"), max_length=20, help_text=HOURS_HELP
    )
    note = forms.CharField(label=_("Note"), max_length=TEXT_MAX, required=False)


class ReverseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the reversal"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
