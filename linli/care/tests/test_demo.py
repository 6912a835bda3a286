"""The demo's elder profiles for 车站社区: living situations from the households,
contacts, the kiosk and family accounts with the consent (one of them for a contact
outside the registry); a second run does nothing."""

from io import StringIO

from django.core.management.base import OutputWrapper

from linli.accounts.models import User
from linli.care import demo
from linli.care.models import ElderProfile, FamilyConsent
from linli.care.selectors import consents_for, person_of
from linli.registry.choices import Relation as HouseholdRelation
from linli.testing.care import elder
from linli.testing.registry import aged, move_in, phone


def test_the_demo_seeds_profiles_accounts_and_a_consent(world):
    alone = elder(world.a1, name="王秀英", phone=phone(70))
    mother = elder(world.a1, name="刘桂兰", number="302")
    son = move_in(
        mother.household,
        name="刘强",
        born=aged(44),
        relation=HouseholdRelation.CHILD,
        phone=phone(71),
    )
    elder(world.b1, name="周玉珍")  # 市南社区: not seeded
    out = StringIO()
    demo.seed(OutputWrapper(out))
    assert "2 elder profiles" in out.getvalue()
    situations = dict(ElderProfile.objects.values_list("resident__name", "living_situation"))
    assert situations == {"王秀英": "alone", "刘桂兰": "children"}
    assert all(p.contacts.exists() for p in ElderProfile.objects.all())
    laoren, jiashu = User.objects.get(username="laoren"), User.objects.get(username="jiashu")
    assert person_of(laoren) == alone and person_of(jiashu) == son
    assert [c.profile.resident for c in consents_for(jiashu)] == [mother]
    waidi = User.objects.get(username="waidi")  # a contact of the elder living alone
    assert waidi.active_grants()[0].role == "family" and person_of(waidi) is None
    (away,) = consents_for(waidi)
    assert away.profile.resident == alone and away.contact.phone == waidi.phone
    demo.seed(OutputWrapper(StringIO()))
    assert FamilyConsent.objects.count() == 2 and ElderProfile.objects.count() == 2
