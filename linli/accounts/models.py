from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from linli.core.crypto import mask_phone
from linli.core.fields import BlindIndexField, EncryptedTextField
from linli.core.permissions import Role, vocabulary
from linli.core.scoping import ScopedQuerySet, collapse_paths, scope_filter

phone_validator = RegexValidator(
    r"^1[3-9]\d{9}$", _("Enter an 11-digit mainland mobile number, e.g. 13812345678.")
)
username_validator = RegexValidator(
    r"^[A-Za-z][A-Za-z0-9_.-]{2,39}$",
    _(
        "A username has 3–40 letters, digits, dots, dashes or underscores, "
        "and starts with a letter."
    ),
)


class UserQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "user.view"):
        """Users holding an active grant inside the viewer's subtrees for `action`."""
        q = scope_filter(user, action, "region__path")
        if q is None:
            return self
        grants = RoleGrant.objects.active().filter(q, user=OuterRef("pk"))
        return self.filter(Exists(grants))


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, username, password=None, **extra):
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: staff of any level, or a resident."""

    username = models.CharField(
        _("username"), max_length=40, unique=True, validators=[username_validator]
    )
    full_name = models.CharField(_("full name"), max_length=60)
    PHONE_CONTEXT = "accounts.user.phone"
    phone = EncryptedTextField(
        _("mobile phone"),
        context=PHONE_CONTEXT,
        null=True,
        blank=True,
        validators=[phone_validator],
    )
    phone_index = BlindIndexField(source="phone", context=PHONE_CONTEXT)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("Django admin access"),
        default=False,
        help_text=_("May open the low-level Django admin (platform operators only)."),
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    large_text = models.BooleanField(
        _("large text"),
        default=False,
        help_text=_("Pages in large text on every device the person signs in on."),
    )

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="user_username_ci_unique",
                violation_error_message=_("This username is taken (case does not matter)."),
            ),
            models.UniqueConstraint(
                fields=["phone_index"],
                name="user_phone_unique",
                violation_error_message=_("Another user has this mobile phone number."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.username})" if self.full_name else self.username

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name or self.username

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    # Scope: computed once per request from the user's active grants.
    def active_grants(self) -> list["RoleGrant"]:
        if not hasattr(self, "_grants_cache"):
            self._grants_cache = list(
                RoleGrant.objects.active().filter(user=self).select_related("region")
            )
        return self._grants_cache

    def scope_paths(self, action: str) -> list[str]:
        """The region paths under which this user may perform `action`."""
        vocabulary.check(action)
        return collapse_paths(
            {g.region.path for g in self.active_grants() if vocabulary.allows(g.role, action)}
        )

    def has_action(self, action: str) -> bool:
        return self.is_active and (self.is_superuser or bool(self.scope_paths(action)))


class RoleGrantQuerySet(ScopedQuerySet):
    region_path = "region__path"
    view_action = "user.view"

    def active(self) -> "RoleGrantQuerySet":
        return self.filter(revoked_at__isnull=True)

    def allowing(self, action: str):
        """Active grants whose role includes `action`."""
        return self.active().filter(role__in=vocabulary.roles_allowing(action))


class RoleGrant(models.Model):
    """A role held by a user at a node of the region tree (and everything below it)."""

    user = models.ForeignKey(User, models.CASCADE, related_name="grants", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="grants", verbose_name=_("region")
    )
    granted_by = models.ForeignKey(
        User,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    revoked_by = models.ForeignKey(
        User,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        ordering = ["region__path", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=Q(revoked_at__isnull=True),
                name="rolegrant_unique_active",
                violation_error_message=_("This user already holds this role here."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} @ {self.region.name}"

    @property
    def audit_label(self) -> str:
        """How the audit trail names the grant: the username and the role's name in the
        site's language (the label is stored; it does not follow the reader's)."""
        with translation.override(settings.LANGUAGE_CODE):
            return f"{self.user.username} · {self.get_role_display()}"


class AccessTokenQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class AccessToken(models.Model):
    """A personal access token for the API. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, models.CASCADE, related_name="tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(
        _("prefix"), max_length=16, help_text=_("Shown to tell tokens apart.")
    )
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("access token")
        verbose_name_plural = _("access tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class LoginAttempt(models.Model):
    """One sign-in attempt, kept for lockout (the audit trail records sign-ins too)."""

    identifier = models.CharField(_("username or phone"), max_length=60)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    succeeded = models.BooleanField(_("succeeded"))
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("login attempt")
        verbose_name_plural = _("login attempts")
        indexes = [models.Index(fields=["identifier", "at"], name="loginattempt_ident_at")]

    def __str__(self) -> str:
        outcome = "ok" if self.succeeded else "failed"
        return f"{self.identifier} {outcome} {self.at:%Y-%m-%d %H:%M}"


class PhoneCode(models.Model):
    """A verification code sent by text message to a mobile number, for one purpose
    (reporting without an account, rating one's report). Only the number's blind
    index and the code's keyed hash are stored."""

    phone_index = models.CharField(_("phone (blind index)"), max_length=64)
    purpose = models.CharField(_("purpose"), max_length=20)
    code_hash = models.CharField(_("code (keyed hash)"), max_length=64)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("phone verification code")
        verbose_name_plural = _("phone verification codes")
        indexes = [
            models.Index(fields=["phone_index", "sent_at"], name="phone_code_by_phone"),
            models.Index(fields=["ip_address", "sent_at"], name="phone_code_by_ip"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.sent_at:%Y-%m-%d %H:%M}"
