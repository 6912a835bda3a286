"""The elders' console pages, the registry's panel, the elder's home kiosk and the
family's view: what people see, what bad input gets, and that people outside the
region (or without the elder's consent) see nothing."""

from django.utils.http import urlencode

from linli.accounts.models import RoleGrant
from linli.audit.models import AuditEntry
from linli.care import services
from linli.care.models import ElderProfile, EmergencyContact
from linli.cases.models import Case
from linli.core.permissions import Role
from linli.devices.models import Alarm, AlarmType, Device, DeviceProfile
from linli.devices.services import device_provision
from linli.gridwork.models import Visit
from linli.registry.choices import Relation as HouseholdRelation
from linli.testing.care import account_of, elder, family_account, profiled
from linli.testing.http import get, post, text
from linli.testing.registry import aged, move_in, phone

HEALTH = "高血压，冠心病支架术后"


def _page(resident) -> str:
    return f"/care/elders/{resident.pk}/"


def _device(world, resident, profile: str, key: str) -> Device:
    return device_provision(
        grid=resident.grid,
        profile=DeviceProfile.objects.get(code=profile),
        key=key,
        name=f"{profile} {key}",
        house=resident.household.house,
        by=None,
    )[0]


def test_the_list_shows_the_regions_elders_only(client, world):
    mine = profiled(elder(world.a1, name="王秀英"))
    elder(world.a1, name="刘桂兰", number="302")
    elder(world.b1, name="周玉珍")
    move_in(mine.household, name="王强", born=aged(40), relation=HouseholdRelation.CHILD)
    page = text(get(client, world.worker_a, "/care/elders/"))
    assert "王秀英" in page and "刘桂兰" in page
    assert "周玉珍" not in page and "王强" not in page  # another community; not an elder
    alone = text(get(client, world.worker_a, "/care/elders/?living_situation=alone"))
    assert "王秀英" in alone and "刘桂兰" not in alone
    bad = get(client, world.worker_a, "/care/elders/?living_situation=nursing")
    assert bad.status_code == 200 and "Living situation" in text(bad)


def test_the_elder_page_masks_health_data_and_phones(client, world):
    resident = profiled(elder(world.a1), conditions=HEALTH, allergies="青霉素")
    services.contact_add(
        resident=resident, name="李娜", relation="daughter", phone=phone(21), by=None
    )
    _device(world, resident, "call-button", "CB-0001")
    page = text(get(client, world.worker_a, _page(resident)))
    assert "Lives alone" in page and "李娜" in page and "139****0021" in page
    assert "CB-0001" in page
    assert "高血压" not in page and "青霉素" not in page and phone(21) not in page
    assert "Recorded (11 characters, hidden)" in page


def test_people_outside_the_region_get_404(client, world):
    resident = profiled(elder(world.a1), conditions=HEALTH)
    for path in (_page(resident), f"{_page(resident)}edit/", f"{_page(resident)}card/"):
        assert get(client, world.worker_b, path).status_code == 404
    response = post(
        client,
        world.worker_b,
        f"{_page(resident)}reveal/",
        {"field": "conditions", "reason": "核对病史"},
    )
    assert response.status_code == 404
    assert get(client, world.resident_a, _page(resident)).status_code == 403


def test_the_reveal_shows_the_text_once_audited_and_not_in_the_url(client, world):
    resident = profiled(elder(world.a1), conditions=HEALTH)
    short = post(
        client, world.worker_a, f"{_page(resident)}reveal/", {"field": "conditions", "reason": "看"}
    )
    assert short.status_code == 422 and "at least 4 characters" in text(short)
    response = post(
        client,
        world.worker_a,
        f"{_page(resident)}reveal/",
        {"field": "conditions", "reason": "上门前核对"},
    )
    assert response.status_code == 200 and HEALTH in text(response)
    assert AuditEntry.objects.filter(action="pii_reveal", object_id=str(resident.pk)).count() == 1
    assert "高血压" not in response.request["PATH_INFO"] + response.request.get("QUERY_STRING", "")
    assert get(client, world.grid_worker_a1, _page(resident)).status_code == 200
    refused = post(
        client,
        world.grid_worker_a1,
        f"{_page(resident)}reveal/",
        {"field": "conditions", "reason": "上门前核对"},
    )
    assert refused.status_code == 403


def test_the_edit_form_saves_and_refuses_over_long_text(client, world):
    resident = elder(world.a1)
    path = f"{_page(resident)}edit/"
    long = post(
        client, world.worker_a, path, {"living_situation": "spouse", "conditions": "病" * 501}
    )
    assert long.status_code == 422 and "At most 500 characters" in text(long)
    assert not ElderProfile.objects.exists()
    saved = post(client, world.worker_a, path, {"living_situation": "spouse", "allergies": "海鲜"})
    assert saved.status_code == 302
    assert ElderProfile.objects.get().allergies == "海鲜"


def test_a_contact_form_explains_a_bad_phone(client, world):
    resident = elder(world.a1)
    path = f"{_page(resident)}contacts/"
    missing = post(
        client, world.worker_a, path, {"name": "李娜", "relation": "daughter", "phone": ""}
    )
    assert missing.status_code == 422 and "Enter the contact's phone number." in text(missing)
    bad = post(
        client, world.worker_a, path, {"name": "李娜", "relation": "daughter", "phone": "110"}
    )
    assert "11-digit mobile number" in text(bad)
    assert not EmergencyContact.objects.exists()
    assert (
        post(
            client,
            world.worker_a,
            path,
            {"name": "李娜", "relation": "daughter", "phone": phone(3)},
        ).status_code
        == 302
    )
    contact = EmergencyContact.objects.get()
    assert (
        post(client, world.worker_b, f"/care/contacts/{contact.pk}/remove/", {}).status_code == 404
    )
    assert (
        post(client, world.worker_a, f"/care/contacts/{contact.pk}/remove/", {}).status_code == 302
    )
    assert not EmergencyContact.objects.exists()


def test_the_registry_panel_links_to_the_elder_page(client, world):
    resident = elder(world.a1)
    son = move_in(resident.household, name="王强", born=aged(40), relation=HouseholdRelation.CHILD)
    panel = get(client, world.worker_a, f"/care/elders/{resident.pk}/registry/")
    assert f'href="{_page(resident)}"' in panel.content.decode()
    assert "under 60" in text(get(client, world.worker_a, f"/care/elders/{son.pk}/registry/"))
    assert get(client, world.worker_b, f"/care/elders/{resident.pk}/registry/").status_code == 404
    page = get(client, world.worker_a, f"/registry/residents/{resident.pk}/")
    assert f'hx-get="/care/elders/{resident.pk}/registry/"' in page.content.decode()


def test_the_card_for_a_dispatcher(client, world):
    resident = profiled(elder(world.a1), conditions=HEALTH)
    services.contact_add(
        resident=resident, name="李娜", relation="daughter", phone=phone(5), by=None
    )
    card = get(client, world.worker_a, f"{_page(resident)}card/", HTTP_HX_REQUEST="true")
    shown = text(card)
    assert "李娜" in shown and "139****0005" in shown and "高血压" not in shown
    assert "<html" not in card.content.decode()


def _family(world):
    resident = profiled(elder(world.a1, phone=phone(30)))
    daughter = move_in(
        elder(world.a1, name="赵桂芝", years=66, number="303").household,
        name="李娜",
        born=aged(45),
        sex="female",
        relation=HouseholdRelation.CHILD,
        phone=phone(31),
    )
    services.contact_add(
        resident=resident, name="李娜", relation="daughter", phone=phone(31), by=None
    )
    return resident, daughter, account_of(daughter, "li.na")


def test_a_family_member_sees_nothing_without_consent(client, world):
    resident, _daughter, account = _family(world)
    assert get(client, account, f"/care/family/{resident.pk}/").status_code == 404
    assert "No elder has given you consent." in text(get(client, account, "/care/family/"))


def test_with_consent_the_family_sees_alarms_and_visits_until_revoked(client, world):
    resident, daughter, account = _family(world)
    page = get(client, world.worker_a, _page(resident))
    assert "李*（emergency contact）" in text(
        page
    )  # offered as a contact found in the registry, masked
    given = post(
        client,
        world.worker_a,
        f"{_page(resident)}consents/",
        {"family": f"resident:{daughter.pk}", "relation": "daughter"},
    )
    assert given.status_code == 302
    button = _device(world, resident, "call-button", "CB-0100")
    Alarm.objects.create(
        device=button,
        alarm_type=AlarmType.objects.get(code="elder-emergency"),
        severity="critical",
        started_at="2026-01-05T08:00:00Z",
        last_at="2026-01-05T08:00:00Z",
    )
    Visit.objects.create(
        grid=resident.grid,
        household=resident.household,
        visitor=world.grid_worker_a1,
        visited_at="2026-01-04T09:00:00Z",
        purpose="care",
    )
    shown = text(get(client, account, f"/care/family/{resident.pk}/"))
    assert "老人紧急呼叫" in shown and "2026-01-04" in shown
    assert resident.name in text(get(client, account, "/care/family/"))
    consent = resident.care_profile.consents.get()
    assert (
        post(client, world.worker_a, f"/care/consents/{consent.pk}/revoke/", {}).status_code == 302
    )
    assert get(client, account, f"/care/family/{resident.pk}/").status_code == 404


def test_consent_for_someone_who_is_not_family_is_refused(client, world):
    resident = profiled(elder(world.a1))
    stranger = move_in(
        elder(world.b1, name="周玉珍").household,
        name="孙涛",
        born=aged(40),
        relation=HouseholdRelation.CHILD,
    )
    response = post(
        client,
        world.worker_a,
        f"{_page(resident)}consents/",
        {"family": f"resident:{stranger.pk}", "relation": "son"},
    )
    assert response.status_code == 422 and "not the elder's family" in text(response)


def _daughter_far_away(world):
    """An elder whose daughter lives in another city: an emergency contact whose
    number no registry person has."""
    resident = profiled(elder(world.a1, phone=phone(32)))
    contact = services.contact_add(
        resident=resident, name="王丽", relation="daughter", phone=phone(33), by=None
    )
    return resident, contact


def test_a_daughter_outside_the_registry_follows_her_mother_as_a_contact(client, world):
    resident, contact = _daughter_far_away(world)
    page = text(get(client, world.worker_a, _page(resident)))
    assert "王*（emergency contact outside the registry）" in page
    given = post(
        client,
        world.worker_a,
        f"{_page(resident)}consents/",
        {"family": f"contact:{contact.pk}", "relation": "daughter"},
    )
    assert given.status_code == 302
    consent = resident.care_profile.consents.get()
    assert consent.contact == contact and consent.family is None
    assert AuditEntry.objects.filter(details__contact_id=contact.pk).exists()
    Visit.objects.create(
        grid=resident.grid,
        household=resident.household,
        visitor=world.grid_worker_a1,
        visited_at="2026-01-04T09:00:00Z",
        purpose="care",
    )
    # Her number with a 家属 grant in another community sees nothing of her mother.
    daughter = family_account(phone(33), "wang.li", world.b)
    assert get(client, daughter, f"/care/family/{resident.pk}/").status_code == 404
    assert resident.name not in text(get(client, daughter, "/care/family/"))
    RoleGrant.objects.create(user=daughter, role=Role.FAMILY, region=world.a)
    assert resident.name in text(get(client, daughter, "/care/family/"))
    assert "2026-01-04" in text(get(client, daughter, f"/care/family/{resident.pk}/"))
    assert "My elders" in text(get(client, daughter, "/"))  # her home page links them
    refused = post(client, world.worker_a, f"/care/contacts/{contact.pk}/remove/", {})
    assert "revoke the consent first" in text(get(client, world.worker_a, refused["Location"]))
    assert EmergencyContact.objects.filter(pk=contact.pk).exists()
    post(client, world.worker_a, f"/care/consents/{consent.pk}/revoke/", {})
    assert get(client, daughter, f"/care/family/{resident.pk}/").status_code == 404
    post(client, world.worker_a, f"/care/contacts/{contact.pk}/remove/", {})
    assert not EmergencyContact.objects.filter(pk=contact.pk).exists()


def test_a_contact_is_offered_as_the_registry_person_when_the_registry_knows_them(client, world):
    resident, _daughter, _account = _family(world)
    contact = resident.care_profile.contacts.get()
    page = text(get(client, world.worker_a, _page(resident)))
    assert "outside the registry" not in page
    response = post(
        client,
        world.worker_a,
        f"{_page(resident)}consents/",
        {"family": f"contact:{contact.pk}", "relation": "daughter"},
    )
    assert response.status_code == 422 and "cannot be given the consent" in text(response)
    assert not resident.care_profile.consents.exists()


def test_another_elders_contact_or_a_garbled_choice_is_refused(client, world):
    resident, _contact = _daughter_far_away(world)
    other = profiled(elder(world.a1, name="赵桂芝", number="305"))
    theirs = services.contact_add(
        resident=other, name="赵强", relation="son", phone=phone(34), by=None
    )
    for chosen, message in [
        (f"contact:{theirs.pk}", "cannot be given the consent"),
        ("contact:abc", "Choose a family member."),
        ("someone", "Choose a family member."),
    ]:
        response = post(
            client,
            world.worker_a,
            f"{_page(resident)}consents/",
            {"family": chosen, "relation": "son"},
        )
        assert response.status_code == 422 and message in text(response), chosen
    assert not resident.care_profile.consents.exists()


def test_the_kiosk_call_presses_the_homes_call_button(
    client, world, django_capture_on_commit_callbacks
):
    resident = profiled(elder(world.a1, phone=phone(40)))
    button = _device(world, resident, "call-button", "CB-0200")
    account = account_of(resident, "wang.xiuying")
    page = get(client, account, "/care/home/")
    assert page.status_code == 200 and "Call for help" in text(page)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, account, "/care/home/call/", {})
    assert response.status_code == 302 and response["Location"] == "/care/home/?called=1"
    alarm = Alarm.objects.get(device=button)
    assert alarm.alarm_type.code == "elder-service"
    assert Case.objects.get().category.code == "elderly-help"


def test_without_a_call_button_the_kiosk_opens_a_case(client, world):
    resident = profiled(elder(world.a1, phone=phone(41)))
    account = account_of(resident, "wang.xiuying")
    post(client, account, "/care/home/call/", {})
    case = Case.objects.get()
    assert case.category.code == "elderly-help" and case.region == resident.grid
    assert "The community has been told" in text(get(client, account, "/care/home/?called=1"))


def test_the_kiosk_is_for_elders_only(client, world):
    young = move_in(
        elder(world.a1).household,
        name="王强",
        born=aged(40),
        relation=HouseholdRelation.CHILD,
        phone=phone(42),
    )
    assert get(client, account_of(young, "wang.qiang"), "/care/home/").status_code == 404
    assert get(client, world.resident_a, "/care/home/").status_code == 404
    assert post(client, world.worker_a, "/care/home/call/", {}).status_code == 404
    assert not Case.objects.exists()


def test_the_health_text_never_goes_into_a_url(client, world):
    resident = profiled(elder(world.a1), conditions=HEALTH)
    page = get(client, world.worker_a, _page(resident)).content.decode()
    assert urlencode({"x": HEALTH})[2:] not in page and "reveal/?" not in page
