"""Affiliations: the department or company a person acts for in one of their roles
(moved here from the role grants of accounts: routing rules and KPIs use them)."""

import pytest
from django.core.exceptions import ValidationError

from linli.accounts import services as accounts
from linli.accounts.models import RoleGrant
from linli.audit.models import AuditEntry
from linli.core.permissions import Role
from linli.registry import services
from linli.registry.models import Affiliation
from linli.testing.http import english_client, post_json, problem_of  # noqa: F401 (the English `client`)

pytestmark = pytest.mark.usefixtures("english")

OTHER_SUBDISTRICTS_COMMUNITY = "370306002001"


@pytest.fixture
def company(world):
    return services.organisation_create(
        grid=world.a1, name="车站物业服务有限公司", kind="property", address="车站街1号", by=None
    )


def handler_grant(world):
    return accounts.grant_create(
        user=world.worker_b, role=Role.DEPARTMENT_HANDLER, region=world.subdistrict, by=None
    )


def test_a_person_may_act_for_a_department_or_company_in_a_role(client, world, company):
    grant = handler_grant(world)
    client.force_login(world.district_admin)

    response = client.put(
        f"/api/v1/registry/affiliations/{grant.pk}",
        {"organisation": company.pk},
        content_type="application/json",
    )

    assert response.status_code == 200 and response.json()["organisation"] == company.pk
    assert response.json()["organisation_name"] == "车站物业服务有限公司"
    assert RoleGrant.objects.get(pk=grant.pk).affiliation.organisation == company
    entry = AuditEntry.objects.latest("seq")
    assert (entry.object_type, entry.details["organisation_id"]) == (
        "registry.affiliation",
        company.pk,
    )
    panel = client.get(f"/registry/people/{world.worker_b.pk}/acts-for/").content.decode()
    assert "车站物业服务有限公司" in panel
    page = client.get(f"/accounts/users/{world.worker_b.pk}/").content.decode()
    assert f'hx-get="/registry/people/{world.worker_b.pk}/acts-for/"' in page
    listed = client.get(f"/api/v1/registry/affiliations?organisation={company.pk}").json()
    assert [a["username"] for a in listed["items"]] == ["worker.b"]


def test_an_administrator_elsewhere_cannot_name_the_company(world, company):
    grant = accounts.grant_create(
        user=world.worker_b,
        role=Role.COMMUNITY_WORKER,
        region=world.region(OTHER_SUBDISTRICTS_COMMUNITY),
        by=None,
    )
    before = AuditEntry.objects.count()

    with pytest.raises(ValidationError, match="organisation"):
        services.affiliation_set(
            grant=grant, organisation=company, by=world.other_subdistrict_admin
        )

    assert not Affiliation.objects.exists() and AuditEntry.objects.count() == before


def test_shops_and_schools_have_no_people_acting_for_them(world):
    shop = services.organisation_create(
        grid=world.a1, name="车站便利店", kind="shop", address="车站街2号", by=None
    )

    with pytest.raises(ValidationError, match="Shops and schools"):
        services.affiliation_set(grant=handler_grant(world), organisation=shop, by=None)


def test_the_console_sets_and_clears_it_for_one_role(client, world, company):
    grant = handler_grant(world)
    client.force_login(world.district_admin)
    url = f"/registry/people/{world.worker_b.pk}/acts-for/"

    done = client.post(url, {"grant": grant.pk, "organisation": company.pk})
    assert done.status_code == 302 and done.url == f"/accounts/users/{world.worker_b.pk}/"
    assert Affiliation.objects.get(grant=grant).organisation == company
    client.post(url, {"grant": grant.pk, "organisation": ""})
    assert not Affiliation.objects.exists()
    assert AuditEntry.objects.latest("seq").action == "record_delete"


def test_who_may_only_view_users_sees_it_but_has_no_form(client, world, company):
    grant = handler_grant(world)
    services.affiliation_set(grant=grant, organisation=company, by=None)
    client.force_login(world.auditor)
    url = f"/registry/people/{world.worker_b.pk}/acts-for/"

    panel = client.get(url, HTTP_HX_REQUEST="true").content.decode()  # the section alone
    assert "车站物业服务有限公司" in panel and "<form" not in panel
    assert client.post(url, {"grant": grant.pk, "organisation": ""}).status_code == 404
    assert Affiliation.objects.filter(grant=grant).exists()


def test_the_api_refuses_a_grant_outside_the_callers_scope(client, world, company):
    grant = handler_grant(world)
    client.force_login(world.other_subdistrict_admin)

    refused = client.delete(f"/api/v1/registry/affiliations/{grant.pk}")

    problem_of(refused, 404)
