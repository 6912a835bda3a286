"""Open311 GeoReport v2: each resource in both formats, checked against the spec's
shapes (wiki.open311.org/GeoReport_v2); errors as its errors document; nothing
private about a case (the caller, the staff's notes) ever shown."""

import json
from datetime import datetime, timedelta
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from linli.accounts.services import token_create, token_revoke
from linli.cases import services as cases
from linli.cases.choices import Source, Stage
from linli.cases.models import Case, Category
from linli.core.permissions import Role
from linli.regions.services import grid_update
from linli.registry import services as registry
from linli.testing.shapes import SQUARE

REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
CALLER, STAFF_NOTE = "王私密来电人", "内部处置说明不公开"


def get(client, path, **params):
    return client.get(f"/open311/v2/{path}", params, HTTP_ACCEPT_LANGUAGE="en")


def as_json(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def as_xml(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ElementTree.fromstring(response.content)  # noqa: S314 (our own answer, in a test)


@pytest.fixture
def system(world):
    """Another system's account: it may report cases anywhere in the district."""
    account = world.person("hotline.system", Role.DISTRICT_ADMIN, world.district.code)
    return token_create(user=account, name="12345 热线", days=30, by=None)[1]


@pytest.fixture
def reported(world):
    grid_update(grid=world.a1, boundary=SQUARE, by=None)
    case = cases.case_report(
        category=Category.objects.get(code="manhole-cover"),
        description="正阳路9号门前井盖缺失",
        source=Source.HOTLINE,
        region=world.a1,
        address="正阳路9号",
        reporter_name=CALLER,
        reporter_phone="13953300077",
        answers={"cover_type": "rain"},
        by=None,
    )
    return cases.case_accept(case=case, by=None, note=STAFF_NOTE)


def test_discovery_names_the_endpoint_in_both_formats(client, db, settings):
    settings.ALLOWED_HOSTS = ["linli.example.gov.cn", "testserver"]
    data = as_json(client.get("/open311/v2/discovery.json", HTTP_HOST="linli.example.gov.cn:8080"))
    assert set(data) == {"changeset", "contact", "key_service", "endpoints"}
    (endpoint,) = data["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://linli.example.gov.cn:8080/open311/v2"  # where it was asked
    for changeset in (data["changeset"], endpoint["changeset"]):  # a time, sortable
        assert datetime.fromisoformat(changeset) <= timezone.now()
    assert endpoint["formats"] == ["text/xml", "application/json"]

    root = as_xml(get(client, "discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.iterfind("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]


def test_services_are_the_reportable_categories(client, world):
    data = as_json(get(client, "services.json"))
    by_code = {s["service_code"]: s for s in data}
    manhole = by_code["manhole-cover"]
    assert set(manhole) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }
    assert (manhole["service_name"], manhole["metadata"], manhole["type"]) == (
        "井盖缺失破损",
        True,
        "realtime",
    )
    assert by_code["exposed-garbage"]["metadata"] is False
    assert "event-appearance" not in by_code  # top categories are groups, not services
    Category.objects.filter(code="exposed-garbage").update(active=False)

    root = as_xml(get(client, "services.xml"))
    assert root.tag == "services" and all(s.tag == "service" for s in root)
    codes = [s.findtext("service_code") for s in root]
    assert "manhole-cover" in codes and "exposed-garbage" not in codes
    assert root.find("service[service_code='manhole-cover']/metadata").text == "true"


def test_a_service_definition_lists_its_questions(client, world):
    data = as_json(get(client, "services/waterlogging.json"))
    assert data["service_code"] == "waterlogging"
    depth, passable = data["attributes"]
    assert (depth["code"], depth["datatype"], depth["required"], depth["order"]) == (
        "depth_cm",
        "number",
        True,
        1,
    )
    assert passable["values"] == [{"key": "yes", "name": "能"}, {"key": "no", "name": "不能"}]

    root = as_xml(get(client, "services/waterlogging.xml"))
    assert root.tag == "service_definition"
    assert [a.findtext("code") for a in root.iterfind("attributes/attribute")] == [
        "depth_cm",
        "passable",
    ]
    assert [v.findtext("key") for v in root.iterfind("attributes/attribute/values/value")] == [
        "yes",
        "no",
    ]
    assert as_json(get(client, "services/exposed-garbage.json"))["attributes"] == []


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_is_404_in_the_errors_format(client, world, fmt):
    response = get(client, f"services/no-such-thing.{fmt}")

    assert response.status_code == 404
    if fmt == "json":
        assert as_json(response) == [
            {"code": 404, "description": "Unknown service_code no-such-thing."}
        ]
    else:
        root = as_xml(response)
        assert root.tag == "errors" and root.findtext("error/code") == "404"


def test_requests_show_public_summaries_only(client, world, reported):
    data = as_json(get(client, "requests.json", extensions="true"))

    (request,) = data
    assert list(request)[: len(REQUEST_FIELDS)] == REQUEST_FIELDS
    assert request["service_request_id"] == reported.code
    assert (request["status"], request["status_notes"]) == ("open", "Accepted")
    (attribute,) = request["attributes"]  # the extension's shape: an array
    assert set(attribute) == {"code", "name", "label", "value"}
    assert (attribute["code"], attribute["value"]) == ("cover_type", "rain")
    assert attribute["label"] == "雨水"  # the answer as people read it
    assert [n["type"] for n in request["notes"]] == ["opened", "activity"]
    assert all(set(n) == {"datetime", "summary", "description", "type"} for n in request["notes"])
    assert request["notes"][1]["description"] == "The request was accepted and filed as a case."
    body = get(client, "requests.xml", extensions="true").content.decode()
    for shown in (json.dumps(data, ensure_ascii=False), body):
        assert CALLER not in shown and STAFF_NOTE not in shown and "13953300077" not in shown

    root = as_xml(get(client, "requests.xml"))
    assert root.tag == "service_requests"
    assert [child.tag for child in root.find("request")] == REQUEST_FIELDS
    assert root.findtext("request/service_request_id") == reported.code


def test_request_times_are_w3c_with_an_offset(client, world, reported):
    (request,) = as_json(get(client, f"requests/{reported.code}.json"))

    assert request["requested_datetime"].endswith("+08:00")
    assert len(request["requested_datetime"]) == 25


def test_requests_filter_by_status_service_and_dates(client, world, reported):
    def new(code, description):
        return cases.case_report(
            category=Category.objects.get(code=code),
            description=description,
            source=Source.HOTLINE,
            region=world.a1,
            address="丝绸路12号",
            by=None,
        )

    garbage = new("exposed-garbage", "丝绸路12号垃圾")
    garbage = cases.case_accept(case=garbage, by=None)
    garbage = cases.case_dispatch(case=garbage, to=world.grid_worker_a1, by=None)
    garbage = cases.case_finish(case=garbage, by=world.grid_worker_a1, note="已清运")
    closed = cases.case_close(case=garbage, by=None)
    cases.case_reject(case=new("illegal-posting", "重复上报"), by=None, note="重复")
    new("elderly-help", "独居老人王某家中水管漏水")  # a community matter: not public

    def ids(**params):
        return [r["service_request_id"] for r in as_json(get(client, "requests.json", **params))]

    assert set(ids()) == {reported.code, closed.code}  # not the rejected one, nor the matter
    assert ids(status="open") == [reported.code]
    assert ids(status="open,open") == [reported.code]
    assert ids(status="closed") == [closed.code]
    assert set(ids(status="open,closed")) == {reported.code, closed.code}
    assert ids(service_code="exposed-garbage") == [closed.code]
    yesterday = (timezone.localtime() - timedelta(days=1)).isoformat(timespec="seconds")
    assert ids(end_date=yesterday) == []
    assert ids(service_request_id=closed.code, status="open") == [closed.code]  # ids override
    # a parameter given more than once counts every time
    assert set(ids(status=["open", "closed"])) == {reported.code, closed.code}
    both = ["exposed-garbage", "manhole-cover"]
    assert set(ids(service_code=both)) == {reported.code, closed.code}
    assert set(ids(service_request_id=[reported.code, closed.code])) == {reported.code, closed.code}


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-11-01T00:00:00.250+08:00", "2026-11-30T23:59:59.999999+08:00"),
        ("2026-10-31T16:00Z", "2026-11-30T16:00Z"),
        ("2026-11-01", "2026-11-30"),
        ("2026-11", "2026-11"),
        ("2026-11-01T00:00:00 08:00", "2026-11-30T23:59:59 08:00"),  # "+" sent unencoded
    ],
)
def test_dates_take_every_w3c_form(client, world, reported, start, end):
    Case.objects.filter(pk=reported.pk).update(
        created_at=datetime(2026, 11, 30, 12, tzinfo=timezone.get_current_timezone())
    )
    response = get(client, "requests.json", start_date=start, end_date=end)

    assert response.status_code == 200, as_json(response)
    assert [r["service_request_id"] for r in as_json(response)] == [reported.code]
    assert as_json(get(client, "requests.json", end_date="2026-11-29")) == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start_date": "2026-11-01T08:00"}, "start_date must be a w3 date-time"),
        ({"start_date": "20261101"}, "start_date must be a w3 date-time"),
        ({"start_date": "2026-11T08:00Z"}, "start_date must be a w3 date-time"),
        (
            {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
            "90 days at most",
        ),
        ({"status": "pending"}, "status is open, closed"),
        ({"end_date": "2026-02-30T00:00:00+08:00"}, "end_date must be a w3 date-time"),
    ],
)
def test_bad_filters_are_400(client, world, params, message):
    response = get(client, "requests.json", **params)

    assert response.status_code == 400
    assert message in as_json(response)[0]["description"]


def test_an_unknown_request_or_jurisdiction_is_404(client, world, reported):
    assert get(client, "requests/2611229ZZZZZ.json").status_code == 404
    assert get(client, "services.json", jurisdiction_id="sfgov.org").status_code == 404
    assert get(client, "services.json", jurisdiction_id="370306").status_code == 200


def test_the_jurisdiction_is_the_district_of_the_deployment(client, world, settings):
    settings.LINLI_DISTRICT = "370303000000"  # 张店区

    refused = get(client, "services.json", jurisdiction_id="370306")
    assert refused.status_code == 404
    assert "this server serves 370303" in as_json(refused)[0]["description"]
    for served in ("370303", "370303000000", ""):
        assert get(client, "services.json", jurisdiction_id=served).status_code == 200


def post(client, fmt="json", **data):
    return client.post(f"/open311/v2/requests.{fmt}", data, HTTP_ACCEPT_LANGUAGE="en")


def test_posting_a_request_by_point_makes_a_case(client, world, system):
    grid_update(grid=world.a1, boundary=SQUARE, by=None)

    response = post(
        client,
        api_key=system,
        service_code="waterlogging",
        lat="36.8004",
        long="117.8705",
        description="火车站下穿通道积水",
        first_name="先生",
        last_name="李",
        phone="13905331234",
        **{"attribute[depth_cm]": "40", "attribute[passable]": "no"},
    )

    assert response.status_code == 200
    (made,) = as_json(response)
    case = Case.objects.get(code=made["service_request_id"])
    assert (case.source, case.region, case.stage) == (Source.OPEN311, world.a1, Stage.REPORTED)
    assert case.answers == {"depth_cm": "40", "passable": "no"}
    assert case.reporter_name == "李先生" and case.masked_reporter_phone == "139****1234"
    assert case.code in made["service_notice"]


def test_posting_by_a_buildings_address_places_it_in_that_grid(client, world, system):
    registry.building_create(
        grid=world.b1,
        name="1号楼",
        address="正阳路88号",
        floors=6,
        longitude=Decimal("117.871234"),
        latitude=Decimal("36.801234"),
        by=None,
    )

    response = post(
        client,
        "xml",
        api_key=system,
        service_code="exposed-garbage",
        address_string="正阳路88号 东门",
        description="东门垃圾堆积",
    )

    assert response.status_code == 200
    code = as_xml(response).findtext("request/service_request_id")
    case = Case.objects.get(code=code)
    assert (case.region, case.address) == (world.b1, "正阳路88号 东门")  # kept as given
    (request,) = as_json(get(client, f"requests/{code}.json"))
    assert (request["address"], request["lat"], request["long"]) == (
        "正阳路88号 东门",
        36.801234,
        117.871234,
    )  # the building's point


def test_an_address_of_no_building_is_kept_as_the_districts_case(client, world, system):
    response = post(
        client,
        api_key=system,
        service_code="exposed-garbage",
        address_string="周村古商城东门外 卖菜摊",
        description="垃圾堆积",
    )

    assert response.status_code == 200, as_json(response)
    (made,) = as_json(response)
    case = Case.objects.get(code=made["service_request_id"])
    assert (case.region, case.address) == (world.district, "周村古商城东门外 卖菜摊")
    (request,) = as_json(get(client, f"requests/{case.code}.json"))
    assert (request["address"], request["lat"], request["long"]) == (
        "周村古商城东门外 卖菜摊",
        None,
        None,
    )
    client.force_login(world.district_admin)  # the district's staff take it on
    page = client.get(f"/cases/{case.pk}/")
    assert page.status_code == 200 and "周村古商城东门外 卖菜摊" in page.content.decode()
    assert cases.case_accept(case=case, by=world.district_admin).stage == Stage.ACCEPTED


def test_a_point_and_an_address_are_both_kept(client, world, system):
    grid_update(grid=world.a1, boundary=SQUARE, by=None)

    response = post(
        client,
        api_key=system,
        service_code="exposed-garbage",
        lat="36.8004",
        long="117.8705",
        address_string="丝绸路12号对面",
        description="垃圾",
    )

    (made,) = as_json(response)
    case = Case.objects.get(code=made["service_request_id"])
    assert (case.region, case.address) == (world.a1, "丝绸路12号对面")
    assert (case.latitude, case.longitude) == (Decimal("36.8004"), Decimal("117.8705"))


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"api_key": ""}, 403, "api_key"),
        ({"api_key": "linli_not-a-token"}, 403, "not valid"),
        ({"service_code": ""}, 400, "service_code is required"),
        ({"service_code": "no-such"}, 404, "Unknown service_code"),
        ({"lat": "", "long": ""}, 400, "A location is required"),
        ({"long": ""}, 400, "lat and long are both required"),
        ({"lat": "35.0", "long": "116.0"}, 400, "outside the district"),
        ({"attribute[depth_cm]": ""}, 400, "depth_cm"),
        ({"attribute[depth_cm]": "deep"}, 400, "a number"),
        ({"attribute[colour]": "red"}, 400, "Unknown questions: colour"),
        ({"description": "x" * 4001}, 400, "At most 4000 characters"),
    ],
)
def test_bad_posts_are_refused_in_the_errors_format_and_save_nothing(
    client, world, system, data, status, message
):
    grid_update(grid=world.a1, boundary=SQUARE, by=None)
    fields = {
        "api_key": system,
        "service_code": "waterlogging",
        "lat": "36.8004",
        "long": "117.8705",
        "description": "积水",
        "attribute[depth_cm]": "30",
    } | data

    response = post(client, **fields)

    assert response.status_code == status
    assert any(message in e["description"] for e in as_json(response)), as_json(response)
    assert not Case.objects.exists()


def test_a_revoked_key_or_an_account_that_may_not_report_is_403(client, world, system):
    from linli.accounts.models import AccessToken

    token_revoke(token=AccessToken.objects.get(), by=None)
    assert post(client, api_key=system, service_code="exposed-garbage").status_code == 403

    auditor_key = token_create(user=world.auditor, name="审计", days=30, by=None)[1]
    response = post(
        client, api_key=auditor_key, service_code="exposed-garbage", lat="36.8", long="117.87"
    )
    assert response.status_code == 403
    assert not Case.objects.exists()


def test_a_control_character_in_a_description_does_not_break_the_xml(client, world, reported):
    Case.objects.filter(pk=reported.pk).update(description="井盖\x0b缺失")

    root = as_xml(get(client, "requests.xml"))

    assert root.findtext("request/description") == "井盖缺失"


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("nothing.xml", "xml"),
        ("services.html", "json"),
        ("services", "json"),
        ("", "json"),
        ("requests/2611229ZZZZZ/notes.xml", "xml"),
    ],
)
def test_an_unknown_path_is_404_in_the_errors_format(client, db, path, fmt):
    response = client.post(f"/open311/v2/{path}", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    errors = as_json(response) if fmt == "json" else None
    if fmt == "xml":
        root = as_xml(response)
        assert root.tag == "errors" and root.findtext("error/code") == "404"
    else:
        assert errors == [{"code": 404, "description": f"No such resource: /open311/v2/{path}"}]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("delete", "services.json", "GET"),
        ("post", "services/waterlogging.xml", "GET"),
        ("put", "requests.json", "GET, POST"),
        ("post", "discovery.json", "GET"),
    ],
)
def test_a_method_not_allowed_is_405_in_the_errors_format(client, world, method, path, allowed):
    response = getattr(client, method)(f"/open311/v2/{path}", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 405
    assert response["Allow"] == allowed
    if path.endswith(".xml"):
        assert as_xml(response).findtext("error/code") == "405"
    else:
        assert as_json(response)[0]["code"] == 405


def test_the_api_key_may_come_in_the_query_string(client, world, system):
    grid_update(grid=world.a1, boundary=SQUARE, by=None)

    response = client.post(
        f"/open311/v2/requests.json?api_key={system}",
        {
            "service_code": "exposed-garbage",
            "lat": "36.8004",
            "long": "117.8705",
            "description": "垃圾",
        },
    )

    assert response.status_code == 200, as_json(response)
    assert Case.objects.get().source == Source.OPEN311


def test_requests_come_in_pages(client, world, reported):
    for n in range(4):
        cases.case_report(
            category=Category.objects.get(code="manhole-cover"),
            description=f"井盖缺失{n}",
            source=Source.HOTLINE,
            region=world.a1,
            address="正阳路9号",
            by=None,
        )
    everything = [r["service_request_id"] for r in as_json(get(client, "requests.json"))]

    pages = [
        [
            r["service_request_id"]
            for r in as_json(get(client, "requests.json", page=n, page_size=2))
        ]
        for n in (1, 2, 3, 4)
    ]

    assert len(everything) == 5
    assert pages == [everything[0:2], everything[2:4], everything[4:], []]
    for bad in ({"page": "0"}, {"page_size": "1001"}, {"page": "9223372036854775807"}):
        response = get(client, "requests.json", **bad)
        assert response.status_code == 400
        assert "page" in as_json(response)[0]["description"]


def test_a_media_url_posted_is_kept_as_a_link(client, world, system):
    grid_update(grid=world.a1, boundary=SQUARE, by=None)
    photo = "https://img.example.cn/311/manhole.jpg"

    response = post(
        client,
        api_key=system,
        service_code="exposed-garbage",
        lat="36.8004",
        long="117.8705",
        description="垃圾",
        media_url=photo,
    )

    (made,) = as_json(response)
    (request,) = as_json(get(client, f"requests/{made['service_request_id']}.json"))
    assert request["media_url"] == photo
    client.force_login(world.worker_a)  # staff follow the link from the case's page
    case = Case.objects.get(code=made["service_request_id"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'<a href="{photo}" rel="noopener noreferrer nofollow" target="_blank"' in page
    refused = post(
        client,
        api_key=system,
        service_code="exposed-garbage",
        lat="36.8004",
        long="117.8705",
        description="垃圾",
        media_url="javascript:alert(1)",
    )
    assert refused.status_code == 400
    assert "media_url" in as_json(refused)[0]["description"]
