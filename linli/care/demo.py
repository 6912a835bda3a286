"""Demo elder profiles for 车站社区 (docs/care.md): the community's elders from the
demo registry — living situation from their household, conditions and allergies for
some, one or two emergency contacts — an elder with a kiosk account (`laoren`, the
home page at /care/home/), a daughter in the registry (`jiashu`) holding her
mother's consent to follow her alarms and visits at /care/family/, and a son or
daughter living in another city (`waidi`, a 家属 account: an emergency contact the
registry does not know, ADR 0027) holding another elder's.

Through the services (by=None); idempotent: nothing is done once profiles exist."""

import random
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import OutputWrapper
from django.db import transaction

from linli.accounts.demo import DEMO_PASSWORD
from linli.accounts.models import User
from linli.accounts.services import user_create
from linli.care import services
from linli.care.models import ElderProfile, EmergencyContact
from linli.core.permissions import Role
from linli.regions.models import Region
from linli.registry.choices import ResidentStatus
from linli.registry.labels import ELDERLY, derived_label_q, years_ago
from linli.registry.models import Resident

CHEZHAN = "370306001001"
ELDERS = 60
CONDITIONS = [
    "高血压",
    "2型糖尿病，口服二甲双胍",
    "冠心病，支架术后",
    "慢性阻塞性肺疾病",
    "脑梗后遗症，左侧肢体无力",
    "骨质疏松，曾髋部骨折",
    "阿尔茨海默病早期",
    "白内障术后，视力差",
]
ALLERGIES = ["青霉素", "磺胺类药物", "海鲜", "花粉", "头孢类药物"]
GIVEN_MALE = "伟强磊军洋勇杰涛明超平刚"
GIVEN_FEMALE = "芳娜敏静艳娟秀霞丽萍"


def seed(stdout: OutputWrapper, **_options: Any) -> None:
    if ElderProfile.objects.exists():
        stdout.write("care: demo elder profiles already there")
        return
    community = Region.objects.filter(code=CHEZHAN).first()
    if community is None:
        stdout.write("care: no 车站社区, nothing to seed")
        return
    rng = random.Random(3703060011)
    elders = list(
        Resident.objects.filter(
            derived_label_q(ELDERLY),
            status=ResidentStatus.LIVING,
            grid__parent=community,
        )
        .select_related("household__house")
        .order_by("pk")[:ELDERS]
    )
    young = years_ago(60)
    for n, elder in enumerate(elders):
        members = list(
            Resident.objects.filter(household_id=elder.household_id, status=ResidentStatus.LIVING)
            .exclude(pk=elder.pk)
            .only("birth_date")
        )
        if not members:
            situation = "alone"
        elif any(m.birth_date > young for m in members):
            situation = "children"
        else:
            situation = "spouse" if n % 3 else "empty_nest"
        services.elder_update(
            resident=elder,
            living_situation=situation,
            conditions="；".join(rng.sample(CONDITIONS, rng.randint(0, 2))),
            allergies=rng.choice(ALLERGIES) if rng.random() < 0.3 else "",
            by=None,
        )
        surname = elder.name[:1]
        for k in range(1 + (n % 2)):
            relation = rng.choice(
                ["son", "daughter", "child_in_law", "neighbour"] if k else ["son", "daughter"]
            )
            given = {"son": GIVEN_MALE, "daughter": GIVEN_FEMALE}.get(
                relation, GIVEN_MALE + GIVEN_FEMALE
            )
            services.contact_add(
                resident=elder,
                name=surname
                + rng.choice(given)
                + ("" if rng.random() < 0.5 else rng.choice(given)),
                relation=relation,
                phone=f"139{rng.randint(0, 99_999_999):08d}",
                by=None,
            )
    accounts = _kiosk(elders, community) + _family(elders, community) + _away(elders, community)
    stdout.write(f"care: {len(elders)} elder profiles in 车站社区{accounts}")


def _account(
    username: str, person: Resident | EmergencyContact, community: Region, role: str = Role.RESIDENT
) -> bool:
    """The account `username` for `person` (a resident's, or a contact's 家属 account);
    False when another demo account already has their mobile number (the next person
    is tried)."""
    if User.objects.filter(username=username).exists():
        return True
    try:
        with transaction.atomic():
            user_create(
                username=username,
                full_name=person.name,
                password=DEMO_PASSWORD,
                role=role,
                region=community,
                phone=person.phone,
                by=None,
            )
    except ValidationError:
        return False
    return True


def _kiosk(elders: list[Resident], community: Region) -> str:
    """`laoren`: the first elder living alone with a mobile number of their own."""
    for elder in elders:
        alone = elder.care_profile.living_situation == "alone"
        if elder.phone and alone and _account("laoren", elder, community):
            return f", kiosk account laoren ({elder.name})"
    return ""


def _family(elders: list[Resident], community: Region) -> str:
    """`jiashu`: a daughter or son in an elder's household, with the elder's consent."""
    young = years_ago(60)
    for elder in elders:
        child = (
            Resident.objects.filter(
                household_id=elder.household_id,
                status=ResidentStatus.LIVING,
                birth_date__gt=young,
                phone_index__isnull=False,
            )
            .order_by("birth_date")
            .first()
        )
        if child is None or not _account("jiashu", child, community):
            continue
        relation = "daughter" if child.sex == "female" else "son"
        services.contact_add(
            resident=elder, name=child.name, relation=relation, phone=child.phone or "", by=None
        )
        services.consent_give(resident=elder, family=child, relation=relation, by=None)
        return f", family account jiashu ({child.name}, consent of {elder.name})"
    return ""


def _away(elders: list[Resident], community: Region) -> str:
    """`waidi`: a son or daughter in another city, an emergency contact of an elder
    living alone, with the elder's consent and a 家属 account."""
    for elder in elders:
        if elder.care_profile.living_situation != "alone":
            continue
        for contact in services.contact_candidates(elder):
            if not _account("waidi", contact, community, Role.FAMILY):
                continue
            services.consent_give(
                resident=elder, contact=contact, relation=contact.relation, by=None
            )
            return f", family account waidi ({contact.name}, away; consent of {elder.name})"
    return ""
