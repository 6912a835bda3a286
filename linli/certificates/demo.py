"""Demo certificates: the demo resident's (jumin, 陈秀英) 老年人优待证 and 居住证明, and a
dozen more of 车站社区 and 市南社区 residents, one of them revoked, to verify by their
QR codes."""

from typing import Any

from django.core.management.base import OutputWrapper

from linli.accounts.models import User
from linli.certificates import keys, kinds
from linli.certificates.models import Certificate
from linli.certificates.selectors import residents_of
from linli.certificates.services import certificate_issue, certificate_revoke
from linli.regions.models import Region
from linli.registry.choices import ResidentStatus, Sex
from linli.registry.models import Resident

READER = "jumin"
COMMUNITIES = ["370306001001", "370306001003"]  # 车站社区, 市南社区
SEX = {Sex.MALE.value: "男", Sex.FEMALE.value: "女"}  # as the document prints it


def _fields(kind: str, person: Resident) -> dict[str, str]:
    address = person.household.house.address
    if kind == "senior":
        return {
            "sex": SEX.get(person.sex, ""),
            "birth_date": person.birth_date.isoformat(),
            "id_number": person.id_number or "",
            "address": address,
        }
    return {
        "id_number": person.id_number or "",
        "address": address,
        "since": (person.moved_in_on or person.birth_date).isoformat(),
        "purpose": "办理社会保障卡",
    }


def seed(stdout: OutputWrapper, **_options: Any) -> None:
    kinds.ensure()
    if Certificate.objects.exists():
        stdout.write("certificates: demo certificates already there")
        return
    if not keys.signing_keys():
        stdout.write("certificates: no signing key (LINLI_CERT_SIGNING_KEYS), nothing to seed")
        return
    people: list[Resident] = []
    reader = User.objects.filter(username=READER).first()
    if reader is not None:
        people += list(residents_of(reader).select_related("household__house__building")[:1])
    for community in Region.objects.filter(code__in=COMMUNITIES).order_by("code"):
        people += list(
            Resident.objects.filter(
                status=ResidentStatus.LIVING, grid__path__startswith=community.path
            )
            .exclude(pk__in=[p.pk for p in people])
            .select_related("household__house__building")
            .order_by("pk")[:6]
        )
    made = []
    for n, person in enumerate(people):
        chosen = ["senior", "residence"] if n == 0 else ["residence" if n % 2 else "senior"]
        for kind in chosen:
            made.append(
                certificate_issue(kind=kind, holder=person, fields=_fields(kind, person), by=None)
            )
    if len(made) > 3:
        certificate_revoke(certificate=made[3], reason="居住信息有误，已重新开具", by=None)
    stdout.write(f"certificates: {len(made)} demo certificates")
