from django import forms
from django.utils.translation import gettext_lazy as _

from linli.certificates.choices import REASON_MAX


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown on the public verification page."),
    )
