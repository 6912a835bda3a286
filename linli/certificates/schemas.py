"""The certificates API's bodies and answers. The holder's name is masked; a
certificate's fields appear in full only in its PDF document."""

from datetime import date, datetime

from ninja import Field, Schema

from linli.certificates.choices import REASON_MAX, CertificateState
from linli.certificates.models import Certificate
from linli.certificates.pdf import verify_path
from linli.certificates.selectors import public_fields
from linli.core.crypto import mask_name
from linli.core.schemas import Id


class FieldOut(Schema):
    label: str
    value: str


class CertificateOut(Schema):
    id: int
    number: str
    kind: str = Field(description="The kind's code.")
    kind_name: str
    holder_name: str = Field(description="Masked: the first character.")
    region: str = Field(description="The code of the holder's grid.")
    issuer: str
    reference: str = Field(description="What it was issued for (an application's number).")
    issued_at: datetime
    valid_until: date | None
    state: CertificateState
    revoked_at: datetime | None
    revoke_reason: str
    key_id: str
    public_fields: list[FieldOut] = Field(
        description="The fields the verification page shows, masked as it shows them."
    )
    verify_path: str = Field(description="The public verification page (the QR code's URL).")

    @staticmethod
    def resolve_kind(obj: Certificate) -> str:
        return obj.kind.code

    @staticmethod
    def resolve_kind_name(obj: Certificate) -> str:
        return obj.kind.name

    @staticmethod
    def resolve_holder_name(obj: Certificate) -> str:
        return mask_name(obj.holder_name)

    @staticmethod
    def resolve_region(obj: Certificate) -> str:
        return obj.region.code

    @staticmethod
    def resolve_state(obj: Certificate) -> CertificateState:
        return obj.state()

    @staticmethod
    def resolve_public_fields(obj: Certificate) -> list[dict[str, str]]:
        return [{"label": label, "value": value} for label, value in public_fields(obj)]

    @staticmethod
    def resolve_verify_path(obj: Certificate) -> str:
        return verify_path(obj)


class CertificateIn(Schema):
    kind: str = Field(max_length=40, description="A certificate kind's code.")
    holder: Id = Field(description="The resident's id (registry).")
    fields: dict[str, str] = Field(description="Every field of the kind, by its key.")
    reference: str = Field("", max_length=40)
    valid_until: date | None = Field(None, description="Instead of the kind's validity.")


class RevokeIn(Schema):
    reason: str = Field(min_length=1, max_length=REASON_MAX)


class KindFieldOut(Schema):
    key: str
    label: str
    public: bool


class CertificateKindOut(Schema):
    code: str
    name: str
    valid_days: int | None
    fields: list[KindFieldOut]
