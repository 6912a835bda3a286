import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.cases.choices import Source
from linli.cases.models import MAX_DESCRIPTION, Category, RoutingTarget


class CaseReportForm(forms.Form):
    """A case reported in the console: a grid worker's event or a hotline call."""

    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(active=True, parent__isnull=False).select_related(
            "parent"
        ),
    )
    region_code = forms.ChoiceField(label=_("Grid"))
    address = forms.CharField(label=_("Address"), max_length=200)
    description = forms.CharField(
        label=_("Description"), max_length=MAX_DESCRIPTION, widget=forms.Textarea(attrs={"rows": 4})
    )
    source = forms.ChoiceField(
        label=_("Source"),
        choices=[
            (Source.GRID_WORKER, Source.GRID_WORKER.label),
            (Source.HOTLINE, Source.HOTLINE.label),
        ],
    )
    reporter_name = forms.CharField(label=_("Caller's name"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=_("Caller's mobile"), max_length=11, required=False)
    # One-time token: a double submission of this form reports one case.
    request_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = [
            (g.code, f"{g.parent.name} · {g.name}") for g in grids
        ]
        self.fields["request_key"].initial = uuid.uuid4().hex


class StepForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class MergeForm(forms.Form):
    into = forms.CharField(
        label=_("Tracking code of the case it repeats"),
        max_length=16,
        help_text=_("It is rejected as a duplicate; its reporter and +1s count for that case."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DispatchForm(StepForm):
    assignee = forms.ModelChoiceField(label=_("Handler"), queryset=None)

    def __init__(self, *args, handlers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = handlers


class RateForm(StepForm):
    rating = forms.TypedChoiceField(
        label=_("Rating"), coerce=int, choices=[(n, "★" * n) for n in range(5, 0, -1)]
    )


class CategoryLimitsForm(forms.ModelForm):
    """A category's time limits (hours), clock and activity."""

    class Meta:
        model = Category
        fields = Category.SETTINGS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # the inputs sit in a table row, not in the form
            field.widget.attrs["form"] = self.prefix


class RoutingRuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(active=True).select_related("parent"),
        required=False,
        empty_label=_("Every category"),
    )
    region = forms.ModelChoiceField(label=_("Where"), queryset=None)
    target = forms.ChoiceField(label=_("Goes to"), choices=RoutingTarget.choices)
    handler = forms.ModelChoiceField(label=_("Handler"), queryset=None, required=False)
    starts_at = forms.TimeField(label=_("From (time of day)"), required=False)
    ends_at = forms.TimeField(label=_("Until (time of day)"), required=False)

    def __init__(self, *args, regions, handlers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["handler"].queryset = handlers
