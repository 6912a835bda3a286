"""Elders' profiles (养老档案): one per elder, an elder being a `registry.Resident` (no
second copy of a person). Its emergency contacts, and the consents an elder gives
(through staff) for a family member to follow their alarms and visits.

Phones and health data (conditions, allergies) are personal data: encrypted at rest,
masked on pages and in the API, shown in full only through an audited reveal.
Everything is scoped by the resident's grid.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.care.choices import ContactRelation, LivingSituation
from linli.care.permissions import ELDER_VIEW
from linli.core.crypto import mask_name, mask_phone
from linli.core.fields import BlindIndexField, EncryptedTextField
from linli.core.scoping import ScopedQuerySet

CONDITIONS_CONTEXT = "care.elderprofile.conditions"
ALLERGIES_CONTEXT = "care.elderprofile.allergies"
CONTACT_PHONE_CONTEXT = "care.emergencycontact.phone"
HEALTH_MAX = 500  # characters of conditions or allergies
MAX_CONTACTS = 5


class ElderProfileQuerySet(ScopedQuerySet["ElderProfile"]):
    region_path = "resident__grid__path"
    view_action = ELDER_VIEW


class ElderProfile(models.Model):
    """养老档案: what care needs to know of an elder beyond the registry."""

    resident = models.OneToOneField(
        "registry.Resident",
        models.PROTECT,
        related_name="care_profile",
        verbose_name=_("elder"),
    )
    living_situation = models.CharField(
        _("living situation"), max_length=12, choices=LivingSituation.choices, blank=True
    )
    conditions = EncryptedTextField(
        _("conditions"), context=CONDITIONS_CONTEXT, blank=True, default=""
    )
    allergies = EncryptedTextField(
        _("allergies"), context=ALLERGIES_CONTEXT, blank=True, default=""
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    objects = ElderProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("elder profile")
        verbose_name_plural = _("elder profiles")
        indexes = [models.Index(fields=["living_situation"], name="elder_living_situation")]

    def __str__(self) -> str:
        return mask_name(self.resident.name)

    @property
    def region_path(self) -> str:
        return self.resident.grid.path


class ContactQuerySet(ScopedQuerySet["EmergencyContact"]):
    region_path = "profile__resident__grid__path"
    view_action = ELDER_VIEW


class EmergencyContact(models.Model):
    """紧急联系人: whom to call when the elder cannot be reached."""

    profile = models.ForeignKey(
        ElderProfile, models.CASCADE, related_name="contacts", verbose_name=_("elder profile")
    )
    name = models.CharField(_("name"), max_length=30)
    relation = models.CharField(_("relation"), max_length=16, choices=ContactRelation.choices)
    phone = EncryptedTextField(_("phone"), context=CONTACT_PHONE_CONTEXT)
    phone_index = BlindIndexField(source="phone", context=CONTACT_PHONE_CONTEXT, null=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("emergency contact")
        verbose_name_plural = _("emergency contacts")
        ordering = ["profile", "pk"]

    def __str__(self) -> str:
        return mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def region_path(self) -> str:
        return self.profile.resident.grid.path


class ConsentQuerySet(ScopedQuerySet["FamilyConsent"]):
    region_path = "profile__resident__grid__path"
    view_action = ELDER_VIEW

    def active(self) -> "ConsentQuerySet":
        return self.filter(revoked_at__isnull=True)


class FamilyConsent(models.Model):
    """The elder's consent, recorded by staff on the elder's behalf, that a family
    member sees the elder's alarms and visits on their own account: a registry person
    (`family`, whose resident account has their mobile number) or, for family outside
    the registry, one of the elder's emergency contacts (`contact`, whose 家属 account
    has the contact's number; ADR 0027). Revocable; giving and revoking are audited."""

    profile = models.ForeignKey(
        ElderProfile, models.PROTECT, related_name="consents", verbose_name=_("elder profile")
    )
    family = models.ForeignKey(
        "registry.Resident",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="care_consents_held",
        verbose_name=_("family member"),
    )
    contact = models.ForeignKey(
        EmergencyContact,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("emergency contact"),
    )
    relation = models.CharField(_("relation"), max_length=16, choices=ContactRelation.choices)
    given_at = models.DateTimeField(_("given at"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("family consent")
        verbose_name_plural = _("family consents")
        ordering = ["-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "family"],
                condition=Q(revoked_at__isnull=True),
                name="consent_one_active_per_family",
                violation_error_message=_("This family member already has the elder's consent."),
            ),
            models.UniqueConstraint(
                fields=["profile", "contact"],
                condition=Q(revoked_at__isnull=True),
                name="consent_one_active_per_contact",
                violation_error_message=_("This family member already has the elder's consent."),
            ),
            models.CheckConstraint(
                condition=Q(family__isnull=False, contact__isnull=True)
                | Q(family__isnull=True, contact__isnull=False),
                name="consent_names_a_person_or_a_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile} → {self.masked_family}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def masked_family(self) -> str:
        holder = self.family if self.family_id is not None else self.contact
        return mask_name(holder.name if holder is not None else "")

    @property
    def region_path(self) -> str:
        return self.profile.resident.grid.path
