"""Community B for the leak test: an elder of B with a profile (health data), two
emergency contacts, a daughter in the household and a grandson outside the registry
(a contact) holding the elder's consent, and
accounts for the elder (the home kiosk) and the daughter (the family's view)."""

from linli.care import services
from linli.registry.choices import Relation as HouseholdRelation
from linli.testing.care import account_of, elder, profiled
from linli.testing.leaks import Leaks, Send
from linli.testing.registry import aged, move_in

MARKERS = ["上官泄漏", "市南泄漏联系人", "市南泄漏病史"]


def community_b(world, made) -> Leaks:
    resident = profiled(
        elder(world.b1, name=MARKERS[0], years=82, number="901", phone="13905339901"),
        conditions=MARKERS[2],
    )
    daughter = move_in(
        resident.household,
        name="上官泄漏女",
        born=aged(50),
        sex="female",
        relation=HouseholdRelation.CHILD,
        phone="13905339902",
    )
    son = move_in(
        resident.household, name="上官泄漏子", born=aged(48), relation=HouseholdRelation.CHILD
    )
    contact = services.contact_add(
        resident=resident, name=MARKERS[1], relation="son", phone="13905339903", by=None
    )
    services.contact_add(
        resident=resident, name="市南邻居", relation="neighbour", phone="0533-6129903", by=None
    )
    consent = services.consent_give(
        resident=resident, family=daughter, relation="daughter", by=None
    )
    far_away = services.contact_add(
        resident=resident, name="上官泄漏孙", relation="grandchild", phone="13905339905", by=None
    )
    to_contact = services.consent_give(
        resident=resident, contact=far_away, relation="grandchild", by=None
    )
    world.elder_b = account_of(resident, "elder.b")
    world.family_b = account_of(daughter, "family.b")
    page, api = f"/care/elders/{resident.pk}", f"/api/v1/care/elders/{resident.pk}"
    reveal = {"field": "conditions", "reason": "上门前核对病史"}
    return Leaks(
        objects={
            "elderprofile": [resident.care_profile],
            "emergencycontact": [contact],
            "familyconsent": [consent, to_contact],
        },
        markers=MARKERS,
        searches=["?q=上官"],
        sends={
            ("post", "care:elder-edit"): Send(f"{page}/edit/", {"living_situation": "children"}),
            ("post", "care:elder-reveal"): Send(f"{page}/reveal/", reveal, expect=200),
            ("post", "care:contact-add"): Send(
                f"{page}/contacts/", {"name": "上官某", "relation": "son", "phone": "13905339904"}
            ),
            ("post", "care:contact-remove"): Send(f"/care/contacts/{contact.pk}/remove/"),
            ("post", "care:consent-give"): Send(
                f"{page}/consents/", {"family": f"resident:{son.pk}", "relation": "son"}
            ),
            ("post", "care:consent-revoke"): Send(f"/care/consents/{consent.pk}/revoke/"),
            ("post", "care:kiosk-call"): Send("/care/home/call/", by="elder_b"),
            ("patch", "api:elder-update"): Send(api, {"allergies": "花粉"}, expect=200),
            ("post", "api:elder-reveal"): Send(f"{api}/reveal", reveal, expect=200),
            ("post", "api:elder-contact-add"): Send(
                f"{api}/contacts",
                {"name": "上官某", "relation": "son", "phone": "13905339904"},
                expect=201,
            ),
            ("delete", "api:elder-contact-remove"): Send(
                f"/api/v1/care/contacts/{contact.pk}", expect=204
            ),
        },
    )
