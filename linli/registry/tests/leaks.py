"""Community B for the leak test: a building with two houses and households (a head
with a child, and one more resident), a shop and a property company its grid worker
acts for, their change history and audit entries, and a ledger import of B's worker
waiting for a decision."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linli.accounts.models import RoleGrant
from linli.audit.models import AuditEntry
from linli.core.crypto import blind_index, mask_id_number
from linli.core.permissions import Role
from linli.registry import services
from linli.registry.choices import LedgerImportMode, Relation
from linli.registry.idnumber import make_id_number
from linli.registry.ledger.imports import ledger_run, ledger_upload
from linli.registry.models import RecordChange, Resident
from linli.registry.tests.ledger_support import ledger_bytes, person
from linli.testing.leaks import Leaks, Send

ID_NUMBER = make_id_number("370306", date(1961, 3, 8), 7, "female")
CHILD_ID_NUMBER = make_id_number("370306", date(1990, 6, 1), 8, "male")
NEIGHBOUR_ID_NUMBER = make_id_number("370306", date(1975, 9, 9), 9, "female")
NEW_ID_NUMBER = make_id_number("370306", date(1988, 2, 2), 11, "female")
PHONE = "13953300077"
MARKERS = [
    "欧阳泄漏",
    "市南泄漏楼",
    "市南泄漏商店",
    "市南泄漏物业",
    ID_NUMBER,
    PHONE,
    mask_id_number(ID_NUMBER),
]


def community_b(world, made) -> Leaks:
    grid = world.b1
    building = services.building_create(
        grid=grid, name="市南泄漏楼", address="正阳路9号", floors=6, by=None
    )
    house = services.house_create(building=building, floor=3, number="301", by=None)
    other_house = services.house_create(building=building, floor=3, number="302", by=None)
    household = services.household_create(house=house, by=None)
    neighbours = services.household_create(house=other_house, by=None)
    resident = services.resident_move_in(
        household=household,
        name="欧阳泄漏",
        id_number=ID_NUMBER,
        phone=PHONE,
        relation=Relation.HEAD,
        by=None,
    )
    child = services.resident_move_in(
        household=household,
        name="欧阳小泄",
        id_number=CHILD_ID_NUMBER,
        relation=Relation.CHILD,
        by=None,
    )
    neighbour = services.resident_move_in(
        household=neighbours,
        name="市南邻居",
        id_number=NEIGHBOUR_ID_NUMBER,
        relation=Relation.HEAD,
        by=None,
    )
    shop = services.organisation_create(
        grid=grid, name="市南泄漏商店", kind="shop", address="正阳路10号", by=None
    )
    company = services.organisation_create(
        grid=grid, name="市南泄漏物业", kind="property", address="正阳路11号", by=None
    )
    (worker_grant,) = RoleGrant.objects.filter(user=world.worker_b)
    grid_grant = next(g for g in made["rolegrant"] if g.role == Role.GRID_WORKER)
    affiliation = services.affiliation_set(grant=grid_grant, organisation=company, by=None)
    waiting = _waiting_import(world)
    today = timezone.localdate().isoformat()
    newcomer = {
        "name": "市南新住户",
        "id_number": NEW_ID_NUMBER,
        "relation": "spouse",
        "ethnicity": "01",
        "political_status": "masses",
        "residence_type": "registered_here",
    }
    home = f"/registry/households/{household.pk}"
    api = "/api/v1/registry"
    person_in_b = f"{api}/residents/{resident.pk}"
    search = {"id_number": ID_NUMBER, "phone": PHONE, "q": "欧阳", "status": ""}
    edits = {"by": "worker_b"}
    return Leaks(
        objects={
            "building": [building],
            "house": [house, other_house],
            "household": [household, neighbours],
            "resident": [resident, child, neighbour],
            "organisation": [shop, company],
            "affiliation": [affiliation],
            "recordchange": list(RecordChange.objects.filter(grid=grid)),
            "auditentry": list(AuditEntry.objects.filter(region=grid)),  # by the services
            "ledgerimport": [waiting],
        },
        markers=MARKERS,
        searches=[
            "?q=欧阳",
            f"?id_number={ID_NUMBER}&phone={PHONE}&status=all",
            f"?id_index={blind_index(ID_NUMBER, Resident.ID_NUMBER_CONTEXT)}&status=all",
        ],
        sends={
            ("post", "registry:resident-search"): Send("/registry/search/", search, anyone=True),
            ("post", "registry:resident-reveal"): Send(
                f"/registry/residents/{resident.pk}/reveal/",
                {"field": "id_number", "reason": "核实身份信息"},
                expect=200,
            ),
            ("post", "registry:resident-edit"): Send(
                f"/registry/residents/{resident.pk}/edit/",
                {k: v for k, v in newcomer.items() if k != "id_number"} | {"relation": "head"},
            ),
            ("post", "registry:resident-labels"): Send(
                f"/registry/residents/{resident.pk}/labels/", {"codes": ["disabled"]}
            ),
            ("post", "registry:resident-move-out"): Send(
                f"/registry/residents/{child.pk}/move-out/", {"on": today, "note": "迁往济南"}
            ),
            ("post", "registry:resident-death"): Send(
                f"/registry/residents/{resident.pk}/death/", {"on": today}
            ),
            ("post", "registry:household-detail"): Send(f"{home}/", newcomer),
            ("post", "registry:household-verify"): Send(f"{home}/verify/"),
            ("post", "registry:household-split"): Send(
                f"{home}/split/",
                {
                    "members": [child.pk],
                    "head": child.pk,
                    "house": house.pk,
                    "kind": "registered",
                },
            ),
            ("post", "registry:household-merge"): Send(
                f"/registry/households/{neighbours.pk}/merge/", {"target": household.pk}
            ),
            ("post", "registry:household-create"): Send(
                f"/registry/houses/{other_house.pk}/households/", {"kind": "resident"}
            ),
            ("post", "registry:building-list"): Send(
                "/registry/buildings/",
                {
                    "grid_code": grid.code,
                    "name": "市南2号楼",
                    "address": "正阳路11号",
                    "kind": "residential",
                    "floors": 6,
                    "units": 2,
                },
            ),
            ("post", "registry:building-detail"): Send(
                f"/registry/buildings/{building.pk}/",
                {"unit": 1, "floor": 4, "number": "401", "use": "owner_occupied"},
            ),
            ("post", "registry:organisation-list"): Send(
                "/registry/organisations/",
                {
                    "grid_code": grid.code,
                    "name": "市南药店",
                    "kind": "shop",
                    "address": "正阳路12号",
                },
            ),
            ("post", "registry:ledger-import"): Send(
                "/registry/import/",
                lambda: {"file": _ledger_file(grid, 21)},
                anyone=True,
                **edits,
            ),
            ("post", "registry:ledger-import-valid-rows"): Send(
                f"/registry/import/{waiting.pk}/valid-rows/", **edits
            ),
            ("post", "registry:ledger-discard"): Send(
                f"/registry/import/{waiting.pk}/discard/", **edits
            ),
            ("post", "registry:user-affiliations"): Send(
                f"/registry/people/{world.worker_b.pk}/acts-for/",
                {"grant": worker_grant.pk, "organisation": company.pk},
            ),
            ("put", "api:affiliation-set"): Send(
                f"{api}/affiliations/{worker_grant.pk}", {"organisation": company.pk}, expect=200
            ),
            ("delete", "api:affiliation-remove"): Send(
                f"{api}/affiliations/{grid_grant.pk}", expect=204
            ),
            ("post", "api:resident-search"): Send(
                f"{api}/residents/search", search | {"status": None}, anyone=True, expect=200
            ),
            ("post", "api:resident-reveal"): Send(
                f"{person_in_b}/reveal", {"field": "phone", "reason": "联系本人"}, expect=200
            ),
            ("patch", "api:resident-update"): Send(
                person_in_b, {"political_status": "cpc_member"}, expect=200
            ),
            ("post", "api:resident-move-out"): Send(
                f"{api}/residents/{child.pk}/move-out", {"on": today}, expect=200
            ),
            ("post", "api:resident-death"): Send(f"{person_in_b}/death", {"on": today}, expect=200),
            ("post", "api:resident-move"): Send(
                f"{api}/residents/{neighbour.pk}/move",
                {"household_id": household.pk},
                expect=200,
            ),
            ("put", "api:resident-labels"): Send(
                f"{person_in_b}/labels", {"codes": ["disabled"]}, expect=200
            ),
            ("post", "api:household-create"): Send(
                f"{api}/houses/{other_house.pk}/households", {"kind": "resident"}, expect=201
            ),
            ("post", "api:resident-move-in"): Send(
                f"{api}/households/{household.pk}/residents", newcomer, expect=201
            ),
            ("post", "api:household-verify"): Send(
                f"{api}/households/{household.pk}/verify", expect=200
            ),
            ("post", "api:household-split"): Send(
                f"{api}/households/{household.pk}/split",
                {"member_ids": [child.pk], "head_id": child.pk, "house_id": other_house.pk},
                expect=201,
            ),
            ("post", "api:household-merge"): Send(
                f"{api}/households/{neighbours.pk}/merge",
                {"into_household_id": household.pk},
                expect=200,
            ),
            ("post", "api:building-create"): Send(
                f"{api}/buildings",
                {"grid_code": grid.code, "name": "市南3号楼", "address": "正阳路13号", "floors": 5},
                expect=201,
            ),
            ("post", "api:house-create"): Send(
                f"{api}/buildings/{building.pk}/houses",
                {"floor": 5, "number": "501"},
                expect=201,
            ),
            ("post", "api:organisation-create"): Send(
                f"{api}/organisations",
                {
                    "grid_code": grid.code,
                    "name": "市南超市",
                    "kind": "shop",
                    "address": "正阳路14号",
                },
                expect=201,
            ),
        },
    )


def _ledger_file(grid, n: int) -> SimpleUploadedFile:
    """A ledger of one valid person of B (n: which one)."""
    data = ledger_bytes([person(grid, n, 楼栋="市南泄漏楼", 房号="601")])
    return SimpleUploadedFile("台账.xlsx", data, content_type="application/octet-stream")


def _waiting_import(world):
    """B's worker's upload of one good and one bad row, waiting for a decision."""
    rows = [person(world.b1, 22, 楼栋="市南泄漏楼"), person(world.b1, 23, 公民身份号码="1")]
    imp, _inspection = ledger_upload(
        user=world.worker_b,
        file_name="台账.xlsx",
        data=ledger_bytes(rows),
        mode=LedgerImportMode.ALL,
        language="zh-hans",
    )
    ledger_run(imp.pk)
    imp.refresh_from_db()
    return imp
