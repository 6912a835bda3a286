"""The service hall's kinds and states: matters' categories, materials, form fields,
delivery modes, and the application's state machine with its allowed transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MatterCategory(models.TextChoices):
    SOCIAL_ASSISTANCE = "assistance", _("Social assistance")
    ELDERLY = "elderly", _("Services for the elderly")
    DISABILITY = "disability", _("Services for people with disabilities")
    FAMILY = "family", _("Family planning")
    CERTIFICATION = "certification", _("Certificates and proofs")
    HOUSING = "housing", _("Housing and addresses")
    EMPLOYMENT = "employment", _("Employment and social insurance")
    VETERANS = "veterans", _("Veterans and entitled groups")
    OTHER = "other", _("Other matters")


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")
    BOTH = "both", _("Original and copy")


class MaterialSource(models.TextChoices):
    """Where a material may come from instead of asking the applicant again."""

    APPLICANT = "applicant", _("Provided by the applicant")
    REGISTRY = "registry", _("Taken from the population registry")
    CERTIFICATE = "certificate", _("An earlier electronic certificate")


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    PHONE = "phone", _("Phone number")
    ID_NUMBER = "id_number", _("ID number")
    YES_NO = "yes_no", _("Yes or no")


class Prefill(models.TextChoices):
    """What a form field is filled with from the registry."""

    NONE = "", _("Nothing")
    NAME = "name", _("Name")
    ID_NUMBER = "id_number", _("ID number")
    PHONE = "phone", _("Phone number")
    HOUSEHOLD = "household", _("Household")
    ADDRESS = "address", _("Address")
    BIRTH_DATE = "birth_date", _("Date of birth")


# Prefilled values that are personal data: encrypted at rest, masked when shown.
PERSONAL_PREFILLS = frozenset({Prefill.ID_NUMBER, Prefill.PHONE, Prefill.ADDRESS})
PERSONAL_TYPES = frozenset({FieldType.ID_NUMBER, FieldType.PHONE})


class DeliveryMode(models.TextChoices):
    PICKUP = "pickup", _("Pickup at the window")
    EXPRESS = "express", _("Express delivery")
    ELECTRONIC = "electronic", _("Electronic certificate")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    DESK = "desk", _("At the front desk")
