import json
import uuid

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from linli.cases.choices import Source
from linli.cases.models import MAX_DESCRIPTION, CasePhoto, Category, RoutingTarget
from linli.regions.forms import region_choices


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input (checked by content later: photos.photo_check)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > CasePhoto.MAX_PHOTOS:
            raise forms.ValidationError(_("At most %(n)s photos.") % {"n": CasePhoto.MAX_PHOTOS})
        return [super(PhotosField, self).clean(f, initial) for f in files]


def category_field(label) -> forms.ModelChoiceField:
    """The lowest-level active categories; choosing one loads its extra questions
    (htmx, into #questions)."""
    return forms.ModelChoiceField(
        label=label,
        queryset=Category.objects.filter(active=True, parent__isnull=False).select_related(
            "parent"
        ),
        widget=forms.Select(
            attrs={
                "hx-get": reverse_lazy("report:questions"),
                "hx-target": "#questions",
                "hx-trigger": "change",
            }
        ),
    )


class CaseReportForm(forms.Form):
    """A case reported in the console: a grid worker's event or a hotline call."""

    category = category_field(_("Category"))
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
    photos = PhotosField(label=_("Photos"), required=False)
    longitude = forms.DecimalField(
        max_digits=9, decimal_places=6, required=False, widget=forms.HiddenInput
    )
    latitude = forms.DecimalField(
        max_digits=8, decimal_places=6, required=False, widget=forms.HiddenInput
    )
    # One-time token: a double submission of this form reports one case.
    request_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    # What raised it, "kind:key" (a patrol the report is made from), if anything.
    origin = forms.CharField(widget=forms.HiddenInput, max_length=101, required=False)

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = region_choices(grids)
        self.fields["request_key"].initial = uuid.uuid4().hex


class StepForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class FinishForm(StepForm):
    """处理反馈: what was done (for staff), and what the reporter is told."""

    reply = forms.CharField(
        label=_("Reply to the reporter (shown on the tracking page)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    show_photos = forms.BooleanField(
        label=_("Show the photos added while handling on the tracking page"), required=False
    )


class IndentedJSONField(forms.JSONField):
    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2)


class CategoryQuestionsForm(forms.Form):
    """A category's extra questions, as JSON (docs/cases.md, "Extra questions")."""

    questions = IndentedJSONField(
        label=_("Extra questions (JSON)"),
        required=False,  # [] (or nothing) asks no extra question
        widget=forms.Textarea(attrs={"rows": 18, "class": "font-monospace", "spellcheck": "false"}),
    )


class MergeForm(forms.Form):
    into = forms.CharField(
        label=_("Tracking code of the case it repeats"),
        max_length=16,
        help_text=_("It is rejected as a duplicate; its reporter and +1s count for that case."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class HandlerField(forms.ModelChoiceField):
    """People to dispatch to, each by the name `names` gives (their department)."""

    names: dict[int, str] = {}

    def label_from_instance(self, obj) -> str:
        return self.names.get(obj.pk, str(obj))


class DispatchForm(StepForm):
    assignee = HandlerField(label=_("Handler"), queryset=None)

    def __init__(self, *args, handlers, names: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, HandlerField)
        field.queryset, field.names = handlers, names


class RateForm(StepForm):
    rating = forms.TypedChoiceField(
        label=_("Rating"), coerce=int, choices=[(n, "★" * n) for n in range(5, 0, -1)]
    )


class CategoryLimitsForm(forms.ModelForm):
    """A category's time limits (hours), clock and activity."""

    class Meta:
        model = Category
        fields = Category.LIMITS

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
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None, required=False)
    starts_at = forms.TimeField(label=_("From (time of day)"), required=False)
    ends_at = forms.TimeField(label=_("Until (time of day)"), required=False)

    def __init__(self, *args, regions, handlers, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["handler"].queryset = handlers
        self.fields["organisation"].queryset = organisations


class PhoneProof(forms.Form):
    """A mobile number and the code texted to it (for who has no account)."""

    phone = forms.RegexField(
        label=_("Your mobile number"),
        regex=r"^1[3-9]\d{9}$",
        max_length=11,
        required=False,
        error_messages={
            "invalid": _("Enter an 11-digit mainland mobile number, e.g. 13812345678.")
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    code = forms.RegexField(
        label=_("Code from the text message"),
        regex=r"^\d{6}$",
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def __init__(self, *args, phone_needed: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].required = phone_needed
        if not phone_needed:
            del self.fields["code"]


class PublicReportForm(PhoneProof):
    category = category_field(_("What is the problem?"))
    description = forms.CharField(
        label=_("Description"),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photos = PhotosField(label=_("Photos"), required=False)
    longitude = forms.DecimalField(
        max_digits=9, decimal_places=6, required=False, widget=forms.HiddenInput
    )
    latitude = forms.DecimalField(
        max_digits=8, decimal_places=6, required=False, widget=forms.HiddenInput
    )
    community = forms.ChoiceField(label=_("Community"), required=False)
    address = forms.CharField(label=_("Address or landmark"), max_length=200, required=False)
    request_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    field_order = ["category", "description", "photos", "community", "address"]

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [
            ("", _("Where the map pin is")),
            *region_choices(communities),
        ]
        self.fields["request_key"].initial = uuid.uuid4().hex


class PublicRateForm(PhoneProof):
    rating = forms.TypedChoiceField(
        label=_("How was it solved?"),
        coerce=int,
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
    )
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)
