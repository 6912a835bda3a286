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
    NUMBER = "number", _("A number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    PHONE = "phone", _("Phone number")
    ID_NUMBER = "id_number", _("ID number")
    YES_NO = "yes_no", _("Yes or no")


class Prefill(models.TextChoices):
    """What a form field is filled with from the registry."""

    NONE = "", _("Nothing")
    HOUSEHOLD = "household", _("Household")
    ADDRESS = "address", _("Address")
    BIRTH_DATE = "birth_date", _("Date of birth")


# The applicant's own name, ID number and phone are the application's (its applicant
# block, prefilled from the registry), never a form field: a resident is not asked twice.
# Values that are personal data: encrypted at rest, masked when shown.
PERSONAL_PREFILLS = frozenset({Prefill.ADDRESS})
PERSONAL_TYPES = frozenset({FieldType.ID_NUMBER, FieldType.PHONE})


class DeliveryMode(models.TextChoices):
    PICKUP = "pickup", _("Pickup at the window")
    EXPRESS = "express", _("Express delivery")
    ELECTRONIC = "electronic", _("Electronic certificate")


class ApplicationChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    DESK = "desk", _("At the front desk")


class ApplicationState(models.TextChoices):
    """An application's state. Allowed moves: `TRANSITIONS`."""

    SUBMITTED = "submitted", _("Awaiting acceptance")
    INCOMPLETE = "incomplete", _("Materials to complete")
    REFUSED = "refused", _("Not accepted")
    HANDLING = "handling", _("In progress")
    SUPPLEMENT = "supplement", _("Supplement requested")
    DECIDING = "deciding", _("Awaiting decision")
    PAYMENT = "payment", _("Awaiting payment")
    DELIVERY = "delivery", _("Awaiting delivery")
    DELIVERED = "delivered", _("Completed")
    DENIED = "denied", _("Not approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


TRANSITIONS: dict[str, frozenset[str]] = {
    ApplicationState.SUBMITTED: frozenset(
        {
            ApplicationState.INCOMPLETE,
            ApplicationState.REFUSED,
            ApplicationState.HANDLING,
            ApplicationState.DECIDING,
            ApplicationState.WITHDRAWN,
        }
    ),
    ApplicationState.INCOMPLETE: frozenset(
        {ApplicationState.SUBMITTED, ApplicationState.REFUSED, ApplicationState.WITHDRAWN}
    ),
    ApplicationState.HANDLING: frozenset(
        {ApplicationState.SUPPLEMENT, ApplicationState.DECIDING, ApplicationState.WITHDRAWN}
    ),
    ApplicationState.SUPPLEMENT: frozenset({ApplicationState.HANDLING, ApplicationState.WITHDRAWN}),
    ApplicationState.DECIDING: frozenset(
        {ApplicationState.PAYMENT, ApplicationState.DELIVERY, ApplicationState.DENIED}
    ),
    ApplicationState.PAYMENT: frozenset({ApplicationState.DELIVERY}),
    ApplicationState.DELIVERY: frozenset({ApplicationState.DELIVERED}),
    ApplicationState.REFUSED: frozenset(),
    ApplicationState.DENIED: frozenset(),
    ApplicationState.DELIVERED: frozenset(),
    ApplicationState.WITHDRAWN: frozenset(),
}
# Done with: no further move; the completed ones count as completed.
FINAL_STATES = frozenset(
    {
        ApplicationState.REFUSED,
        ApplicationState.DENIED,
        ApplicationState.DELIVERED,
        ApplicationState.WITHDRAWN,
    }
)
COMPLETED_STATES = frozenset({ApplicationState.DENIED, ApplicationState.DELIVERED})
# The applicant's move: they may withdraw until the decision.
WITHDRAWABLE = frozenset(
    {
        ApplicationState.SUBMITTED,
        ApplicationState.INCOMPLETE,
        ApplicationState.HANDLING,
        ApplicationState.SUPPLEMENT,
    }
)
# The promised time limit's clock stops while the applicant owes something.
CLOCK_STOPPED = frozenset({ApplicationState.INCOMPLETE, ApplicationState.SUPPLEMENT})


class StepState(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    ACTIVE = "active", _("In progress")
    DONE = "done", _("Done")


class ProvidedAs(models.TextChoices):
    """How a material of an application was provided."""

    UPLOAD = "upload", _("Uploaded")
    ORIGINAL = "original", _("Original seen at the desk")
    REGISTRY = "registry", _("Taken from the registry")
    CERTIFICATE = "certificate", _("Electronic certificate")
