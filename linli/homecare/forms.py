from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import User
from linli.homecare.choices import BookedVia, Funding, ServiceCategory
from linli.homecare.models import Provider, ServiceItem
from linli.registry.models import Organisation


class BookForm(forms.Form):
    item = forms.ModelChoiceField(
        label=_("Service"), queryset=ServiceItem.objects.none(), empty_label=None
    )
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    funding = forms.ChoiceField(label=_("Funding"), choices=Funding.choices)
    note = forms.CharField(label=_("Note for the care worker"), max_length=200, required=False)

    def __init__(self, *args: object, items: object, staff: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["item"].queryset = items  # type: ignore[attr-defined]
        self.fields["item"].label_from_instance = lambda i: (  # type: ignore[attr-defined]
            f"{i.get_category_display()} · {i.name} · {i.provider} · "
            f"{i.price_yuan}元/{i.unit} · {i.minutes}分钟"
        )
        if staff:
            self.fields["channel"] = forms.ChoiceField(
                label=_("Booked by"),
                choices=[(c.value, c.label) for c in (BookedVia.COMMUNITY, BookedVia.DISPATCH)],
            )


class AssignForm(forms.Form):
    worker = forms.ModelChoiceField(label=_("Care worker"), queryset=User.objects.none())

    def __init__(self, *args: object, workers: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["worker"].queryset = workers  # type: ignore[attr-defined]
        self.fields["worker"].label_from_instance = lambda u: u.full_name or u.username  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ConfirmForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        choices=[("", "—")] + [(str(n), "★" * n) for n in range(5, 0, -1)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    note = forms.CharField(label=_("Comment"), max_length=200, required=False)


class ComplaintForm(forms.Form):
    text = forms.CharField(
        label=_("Complaint"), min_length=5, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class PositionForm(forms.Form):
    longitude = forms.DecimalField(max_digits=9, decimal_places=6, required=False)
    latitude = forms.DecimalField(max_digits=8, decimal_places=6, required=False)
    photo = forms.FileField(label=_("Photo (optional)"), required=False)


class ProviderForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    areas = forms.CharField(
        label=_("Service areas"),
        max_length=400,
        help_text=_("Division codes of the regions served, separated by spaces."),
    )

    def __init__(self, *args: object, organisations: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class AreasForm(forms.Form):
    areas = forms.CharField(
        label=_("Service areas"),
        max_length=400,
        help_text=_("Division codes of the regions served, separated by spaces."),
    )


class ItemForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=60)
    category = forms.ChoiceField(label=_("Category"), choices=ServiceCategory.choices)
    unit = forms.CharField(label=_("Charged per"), max_length=10)
    price = forms.DecimalField(
        label=_("Price (yuan)"), min_value=0, max_value=100000, decimal_places=2
    )
    minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=5, max_value=720)
    active = forms.BooleanField(label=_("Offered"), required=False, initial=True)


class SettleForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("Service provider"), queryset=Provider.objects.none())
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def __init__(self, *args: object, providers: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]

    def clean_month(self) -> date:
        month: date = self.cleaned_data["month"]
        return month.replace(day=1)
