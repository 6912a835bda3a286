from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from linli.core.permissions import Role
from linli.core.schemas import Id
from linli.registry.choices import (
    BuildingType,
    ChangeKind,
    HouseholdType,
    HouseUse,
    OrganisationType,
    PoliticalStatus,
    Relation,
    ResidenceType,
    ResidentStatus,
    Sex,
)
from linli.registry.selectors import labels_of
from linli.registry.services import MIN_REASON_LENGTH

GRID_CODE = r"^\d{15}$"


class ResidentOut(Schema):
    id: int
    name: str
    sex: Sex
    birth_date: date
    id_number: str = Field(alias="masked_id_number", description="Masked: 370306********123X")
    phone: str = Field(alias="masked_phone", description="Masked: 138****5678")
    status: ResidentStatus
    residence_type: ResidenceType
    relation: Relation
    household_id: int
    address: str
    grid_code: str = Field(alias="grid.code")
    labels: list[str]

    @staticmethod
    def resolve_address(obj) -> str:
        return obj.household.house.address

    @staticmethod
    def resolve_labels(obj) -> list[str]:
        return labels_of(obj)


class ResidentDetailOut(ResidentOut):
    ethnicity: str = Field(alias="get_ethnicity_display")
    political_status: PoliticalStatus
    moved_in_on: date | None
    moved_out_on: date | None
    died_on: date | None


class ResidentIn(Schema):
    name: str = Field(min_length=1, max_length=50)
    id_number: str = Field(max_length=18)
    phone: str | None = Field(None, max_length=11)
    sex: Sex | None = Field(None, description="Optional: taken from the ID number.")
    birth_date: date | None = Field(None, description="Optional: taken from the ID number.")
    ethnicity: str = Field("01", pattern=r"^\d{2}$", description="GB/T 3304 code, 01 = 汉族")
    political_status: PoliticalStatus = PoliticalStatus.MASSES
    residence_type: ResidenceType = ResidenceType.REGISTERED_HERE
    relation: Relation
    moved_in_on: date | None = None


class ResidentPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=50)
    phone: str | None = Field(None, max_length=11)
    ethnicity: str | None = Field(None, pattern=r"^\d{2}$")
    political_status: PoliticalStatus | None = None
    residence_type: ResidenceType | None = None
    relation: Relation | None = None


class RevealIn(Schema):
    field: Literal["id_number", "phone"]
    reason: str = Field(min_length=MIN_REASON_LENGTH, max_length=200)


class RevealOut(Schema):
    field: str
    value: str


class LeaveIn(Schema):
    on: date
    note: str = Field("", max_length=200)


class MoveIn(Schema):
    household_id: int


class LabelsIn(Schema):
    codes: list[str] = Field(max_length=20)


class LabelOut(Schema):
    code: str
    name: str
    derived: bool


class HouseholdOut(Schema):
    id: int
    kind: HouseholdType
    number: str
    address: str
    head: str | None = Field(None, alias="head.name")
    living: int = Field(description="Members living here.")
    verified_at: datetime | None
    grid_code: str = Field(alias="grid.code")

    @staticmethod
    def resolve_address(obj) -> str:
        return obj.house.address


class HouseholdDetailOut(HouseholdOut):
    members: list[ResidentOut]

    @staticmethod
    def resolve_living(obj) -> int:
        return sum(1 for m in obj.members.all() if m.status == ResidentStatus.LIVING)

    @staticmethod
    def resolve_members(obj) -> list:
        return list(obj.members.all())


class HouseholdIn(Schema):
    kind: HouseholdType = HouseholdType.REGISTERED
    number: str = Field("", max_length=30)


class SplitIn(Schema):
    member_ids: list[Id] = Field(min_length=1)
    head_id: Id
    house_id: Id


class HouseholdMergeIn(Schema):
    into_household_id: Id


class BuildingOut(Schema):
    id: int
    name: str
    address: str
    kind: BuildingType
    floors: int
    units: int
    longitude: Decimal | None
    latitude: Decimal | None
    grid_code: str = Field(alias="grid.code")


class BuildingIn(Schema):
    grid_code: str = Field(pattern=GRID_CODE)
    name: str = Field(min_length=1, max_length=50)
    address: str = Field(min_length=1, max_length=200)
    kind: BuildingType = BuildingType.RESIDENTIAL
    floors: int = Field(ge=1, le=200)
    units: int = Field(1, ge=1, le=50)
    longitude: Decimal | None = Field(None, ge=-180, le=180, decimal_places=6)
    latitude: Decimal | None = Field(None, ge=-90, le=90, decimal_places=6)


class HouseOut(Schema):
    id: int
    building_id: int
    unit: int
    floor: int
    number: str
    area: Decimal | None
    use: HouseUse


class HouseIn(Schema):
    unit: int = Field(1, ge=1, le=50)
    floor: int = Field(ge=-5, le=200)
    number: str = Field(min_length=1, max_length=10)
    area: Decimal | None = Field(None, gt=0, le=100000, decimal_places=2)
    use: HouseUse = HouseUse.OWNER_OCCUPIED


class OrganisationOut(Schema):
    id: int
    name: str
    kind: OrganisationType
    credit_code: str
    address: str
    contact_name: str
    grid_code: str = Field(alias="grid.code")


class OrganisationIn(Schema):
    grid_code: str = Field(pattern=GRID_CODE)
    name: str = Field(min_length=1, max_length=100)
    kind: OrganisationType
    credit_code: str = Field("", pattern=r"^([0-9A-HJ-NPQRTUWXY]{18})?$")
    address: str = Field(min_length=1, max_length=200)
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=20)


class ChangeOut(Schema):
    kind: ChangeKind
    at: datetime
    actor: str | None = Field(None, alias="actor.username")
    fields: list[str]
    note: str

    @staticmethod
    def resolve_fields(obj) -> list[str]:
        return sorted(obj.changes)


class AffiliationIn(Schema):
    organisation: Id = Field(description="Id of the department or property company.")


class AffiliationOut(Schema):
    grant: int = Field(alias="grant_id", description="The role grant whose holder acts.")
    username: str = Field(alias="grant.user.username")
    role: Role = Field(alias="grant.role")
    region_code: str = Field(alias="grant.region.code")
    organisation: int = Field(alias="organisation_id")
    organisation_name: str = Field(alias="organisation.name")
    since: datetime
