"""The care API's schemas. Phones and health data are masked in every answer; the
full conditions or allergies only through the audited reveal."""

from ninja import Field, Schema

from linli.care.choices import ContactRelation, HealthField, LivingSituation
from linli.care.masks import mask_health
from linli.care.models import HEALTH_MAX, ElderProfile, EmergencyContact
from linli.devices.models import Device
from linli.registry.models import Resident


class ElderOut(Schema):
    id: int = Field(description="The resident's id in the registry.")
    name: str
    birth_date: str
    phone: str = Field(description="Masked.")
    grid_code: str
    address: str
    living_situation: LivingSituation | None

    @staticmethod
    def resolve_birth_date(obj: Resident) -> str:
        return obj.birth_date.isoformat()

    @staticmethod
    def resolve_phone(obj: Resident) -> str:
        return obj.masked_phone

    @staticmethod
    def resolve_grid_code(obj: Resident) -> str:
        return obj.grid.code

    @staticmethod
    def resolve_address(obj: Resident) -> str:
        return obj.household.house.address

    @staticmethod
    def resolve_living_situation(obj: Resident) -> str | None:
        profile: ElderProfile | None = getattr(obj, "care_profile", None)
        return (profile.living_situation or None) if profile is not None else None


class ContactOut(Schema):
    id: int
    name: str
    relation: ContactRelation
    phone: str = Field(description="Masked.")

    @staticmethod
    def resolve_phone(obj: EmergencyContact) -> str:
        return obj.masked_phone


class DeviceAtHomeOut(Schema):
    key: str
    name: str
    profile: str
    at_house: bool

    @staticmethod
    def resolve_profile(obj: Device) -> str:
        return obj.profile.code

    @staticmethod
    def resolve_at_house(obj: Device) -> bool:
        return obj.house_id is not None


class ElderDetailOut(ElderOut):
    conditions: str = Field(description="Masked: whether recorded, and its length.")
    allergies: str = Field(description="Masked: whether recorded, and its length.")
    contacts: list[ContactOut]
    devices: list[DeviceAtHomeOut]

    @staticmethod
    def resolve_conditions(obj: Resident) -> str:
        profile: ElderProfile | None = getattr(obj, "care_profile", None)
        return mask_health(profile.conditions if profile else "")

    @staticmethod
    def resolve_allergies(obj: Resident) -> str:
        profile: ElderProfile | None = getattr(obj, "care_profile", None)
        return mask_health(profile.allergies if profile else "")


class ElderPatch(Schema):
    living_situation: LivingSituation | None = None
    conditions: str | None = Field(None, max_length=HEALTH_MAX)
    allergies: str | None = Field(None, max_length=HEALTH_MAX)


class ContactIn(Schema):
    name: str = Field(max_length=30)
    relation: ContactRelation
    phone: str = Field(max_length=20)


class HealthRevealIn(Schema):
    field: HealthField
    reason: str = Field(max_length=200)


class HealthRevealOut(Schema):
    field: HealthField
    value: str
