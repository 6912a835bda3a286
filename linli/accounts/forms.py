from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from linli.accounts import selectors, services
from linli.core.permissions import Role


class LoginForm(forms.Form):
    """Sign in by username or phone, with lockout after repeated failures."""

    username = forms.CharField(
        label=_("Username or mobile phone"),
        max_length=60,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        identifier = self.cleaned_data.get("username", "")
        password = self.cleaned_data.get("password")
        if not identifier or password is None:
            return self.cleaned_data
        until = selectors.locked_until(identifier=identifier)
        if until is not None:
            services.login_refusal_record(identifier=identifier, until=until, request=self.request)
            raise self._locked(until)
        user = authenticate(self.request, username=identifier, password=password)
        until = services.login_attempt_record(
            identifier=identifier, user=user, request=self.request
        )
        if user is None:
            if until is not None:
                raise self._locked(until)
            raise ValidationError(_("Wrong username/phone or password."), code="invalid_login")
        self.user = user
        return self.cleaned_data

    @staticmethod
    def _locked(until) -> ValidationError:
        minutes = max(1, round((until - timezone.now()).total_seconds() / 60))
        return ValidationError(
            ngettext(
                "Too many failed sign-ins (%(attempts)s). Try again in %(minutes)s minute.",
                "Too many failed sign-ins (%(attempts)s). Try again in %(minutes)s minutes.",
                minutes,
            )
            % {"attempts": settings.LINLI_LOCKOUT_ATTEMPTS, "minutes": minutes},
            code="locked",
        )


class RegionCodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Region code"))
        kwargs.setdefault("help_text", _("12-digit division code, or 15 digits for a grid."))
        super().__init__(min_length=12, max_length=15, **kwargs)

    def clean(self, value):
        value = super().clean(value).strip()
        if not value.isdigit() or len(value) not in (12, 15):
            raise ValidationError(_("A region code has 12 digits (15 for a grid)."))
        return value


class GrantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    region_code = RegionCodeField()

    def __init__(self, *args, roles: list[str] | None = None, **kwargs):
        """`roles`: offer only these (what the admin may grant); the service re-checks."""
        super().__init__(*args, **kwargs)
        if roles is not None:
            self.fields["role"].choices = [(r, Role(r).label) for r in roles]


class UserCreateForm(GrantForm):
    username = forms.CharField(label=_("Username"), max_length=40)
    full_name = forms.CharField(label=_("Full name"), max_length=60)
    phone = forms.CharField(label=_("Mobile phone"), max_length=11, required=False)
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    field_order = ["username", "full_name", "phone", "password", "role", "region_code"]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=80, help_text=_("What the token is for, e.g. “hotline bridge”.")
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        initial=90,
        max_value=settings.LINLI_TOKEN_MAX_DAYS,
    )
