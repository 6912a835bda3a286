"""The appointments console's forms (labels in the user's language)."""

from datetime import time
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.appointments.choices import (
    BOOKING_DAYS_AHEAD,
    MAX_SLOT_CAPACITY,
    WEEKDAY_LABELS,
    TerminalKind,
)
from linli.appointments.models import Queue, Window
from linli.hall.models import Matter

WEEKDAY_CHOICES = list(enumerate(WEEKDAY_LABELS))


class CentreForm(forms.Form):
    region_code = forms.ChoiceField(label=_("Region"))
    name = forms.CharField(label=_("Name"), max_length=60)
    address = forms.CharField(label=_("Address"), max_length=120)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Open on"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        initial=[0, 1, 2, 3, 4],
        widget=forms.CheckboxSelectMultiple,
    )
    opens = forms.TimeField(label=_("Opens"), initial=time(8, 30))
    closes = forms.TimeField(label=_("Closes"), initial=time(17, 30))

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = [(r.code, r.name) for r in regions]  # type: ignore[attr-defined]


class QueueForm(forms.Form):
    letter = forms.CharField(label=_("Letter"), max_length=1, help_text=_("A to Z: A012."))
    name = forms.CharField(label=_("Name"), max_length=30)


class TerminalForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TerminalKind.choices)
    name = forms.CharField(label=_("Name"), max_length=40, help_text=_("E.g. 一楼大厅取号机."))


class WindowForm(forms.Form):
    number = forms.IntegerField(label=_("Window number"), min_value=1, max_value=99)
    name = forms.CharField(label=_("Name"), max_length=30)
    queues = forms.ModelMultipleChoiceField(
        label=_("Serves"), queryset=Queue.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    matters = forms.ModelMultipleChoiceField(
        label=_("Matters handled"),
        queryset=Matter.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args: Any, centre: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["queues"].queryset = Queue.objects.filter(centre=centre)  # type: ignore[attr-defined]
        self.fields["matters"].queryset = Matter.objects.published()  # type: ignore[attr-defined]


class SlotsForm(forms.Form):
    window = forms.ModelChoiceField(label=_("Window"), queryset=Window.objects.none())
    queue = forms.ModelChoiceField(label=_("Queue"), queryset=Queue.objects.none())
    matter = forms.ModelChoiceField(
        label=_("Matter"),
        queryset=Matter.objects.none(),
        required=False,
        empty_label=_("Any matter the window handles"),
    )
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    minutes = forms.IntegerField(label=_("Minutes each"), min_value=5, max_value=240, initial=30)
    capacity = forms.IntegerField(
        label=_("People each"), min_value=1, max_value=MAX_SLOT_CAPACITY, initial=2
    )

    def __init__(self, *args: Any, centre: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = Window.objects.filter(centre=centre)  # type: ignore[attr-defined]
        self.fields["queue"].queryset = Queue.objects.filter(centre=centre)  # type: ignore[attr-defined]
        self.fields["matter"].queryset = Matter.objects.filter(  # type: ignore[attr-defined]
            windows__centre=centre
        ).distinct()
        self.fields["day"].help_text = _("Up to %(n)s days ahead.") % {"n": BOOKING_DAYS_AHEAD}


class ClosureForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=60)


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Booking code"),
        min_length=8,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip().upper()
