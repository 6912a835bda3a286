"""The console's catalogue editor: a matter's guide, materials (with their template
files, checked by content), form and steps edited on one page, saved together or not
at all, audited; applications already made keep what they were made with; people
outside the matter's region get 404, people without `matter.manage` 403."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile

from linli.audit.models import AuditEntry
from linli.hall import selectors, services
from linli.hall.blank_forms import blank_form
from linli.hall.models import Matter, MatterMaterial
from linli.notices.content import DOCX, PDF, attachment_check
from linli.testing.hall import at_desk, editor_data
from linli.testing.http import get, post, text
from linli.testing.registry import id_number

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def add_row(data: dict[str, object], prefix: str, **values: object) -> None:
    n = int(str(data[f"{prefix}-TOTAL_FORMS"]))
    data[f"{prefix}-TOTAL_FORMS"] = str(n + 1)
    for key, value in values.items():
        data[f"{prefix}-{n}-{key}"] = value


def row_of(data: dict[str, object], prefix: str, pk: int) -> int:
    return next(
        int(key.split("-")[1])
        for key, value in data.items()
        if key.startswith(f"{prefix}-") and key.endswith("-id") and value == str(pk)
    )


def test_a_district_admin_edits_guide_materials_form_and_steps(client, world, matters):
    matter = matters["temporary-assistance"]
    url = f"/hall/matters/{matter.code}/"
    page = get(client, world.district_admin, url).content.decode()
    assert "临时救助" in page and 'value="困难情况证明"' in page
    data = editor_data(matter)
    data["guide-time_limit"] = "5"
    data["guide-summary"] = "遭遇急难的家庭可申请临时救助。"
    add_row(
        data,
        "materials",
        name="临时救助申请表",
        form="original",
        copies="1",
        required="on",
        source="applicant",
        template=SimpleUploadedFile("申请表.pdf", MINIMAL_PDF),
    )
    add_row(data, "fields", key="urgency", label="紧急程度", type="choice", options="一般,紧急")
    first_step = matter.steps.order_by("stage", "pk").first()
    data[f"steps-{row_of(data, 'steps', first_step.pk)}-department"] = "街道社会救助所"
    response = post(client, world.district_admin, url, data)
    assert response.status_code == 302, text(response)[:2000]
    matter.refresh_from_db()
    assert matter.time_limit == 5
    added = matter.materials.get(name="临时救助申请表")
    assert added.template_name == "申请表.pdf"
    assert matter.fields.get(key="urgency").options == ["一般", "紧急"]
    first_step.refresh_from_db()
    assert first_step.department == "街道社会救助所"
    guide = text(client.get(f"/matters/{matter.code}/"))
    assert "临时救助申请表" in guide and "遭遇急难的家庭" in guide
    client.logout()
    blank = client.get(f"/matters/{matter.code}/templates/{added.pk}/")  # public
    assert blank.status_code == 200 and blank["Content-Type"] == PDF
    assert b"".join(blank.streaming_content).startswith(b"%PDF-")
    entry = AuditEntry.objects.filter(object_label=matter.name).latest("pk")
    assert entry.details["guide"] == ["summary", "time_limit"]
    assert entry.details["materials_added"] == ["临时救助申请表"]
    assert entry.details["fields_added"] == ["urgency"]


def test_bad_input_is_named_and_nothing_is_saved(client, world, matters):
    matter = matters["temporary-assistance"]
    url = f"/hall/matters/{matter.code}/"
    before = (matter.time_limit, matter.materials.count(), matter.fields.count())
    cases = [
        ({"guide-time_limit": "99", "guide-legal_limit": "30"}, "may not exceed the legal one"),
        (
            {"fields": {"key": "kind", "label": "类别", "type": "choice", "options": "只有一项"}},
            "2",
        ),
        ({"fields": {"key": "Bad Key", "label": "类别", "type": "text"}}, "Lower-case letters"),
        (
            {"fields": {"key": "home", "label": "住址", "type": "date", "prefill": "address"}},
            "is of type",
        ),
        (
            {"steps": {"stage": "5", "name": "复核", "department": "民政局", "days": "2"}},
            "without a gap",
        ),
        (
            {
                "materials": {
                    "name": "申请表",
                    "form": "original",
                    "copies": "1",
                    "source": "applicant",
                    "template": SimpleUploadedFile("申请表.pdf", b"MZ\x90\x00 not a pdf"),
                }
            },
            "PDF",
        ),
    ]
    for change, says in cases:
        data = editor_data(matter)
        data["guide-summary"] = "不应保存的摘要"
        for key, value in change.items():
            if isinstance(value, dict):
                add_row(data, key, **value)
            else:
                data[key] = value
        response = post(client, world.district_admin, url, data)
        assert response.status_code == 422, change
        assert says in text(response), (change, says)
    matter.refresh_from_db()
    assert matter.summary != "不应保存的摘要"
    assert before == (matter.time_limit, matter.materials.count(), matter.fields.count())


def test_the_applicant_block_is_not_asked_again_as_a_field(client, world, matters):
    matter = matters["temporary-assistance"]
    data = editor_data(matter)
    add_row(data, "fields", key="applicant_name", label="申请人姓名", type="text", prefill="name")
    response = post(client, world.district_admin, f"/hall/matters/{matter.code}/", data)
    assert response.status_code == 422
    assert not matter.fields.filter(key="applicant_name").exists()
    for entry in matters.values():  # the seeded forms do not repeat the applicant
        assert not entry.fields.filter(key__in=["applicant_name", "applicant_id"]).exists()


def test_applications_keep_what_they_were_made_with(client, world, matters):
    matter = matters["temporary-assistance"]
    application = at_desk(matter, desk=world.a, by=world.worker_a, id_number=id_number())
    labels = [a.label for a in selectors.answers_shown(application)]
    proof = matter.materials.get(name="困难情况证明")
    reason = matter.fields.first()
    data = editor_data(matter)
    data[f"materials-{row_of(data, 'materials', proof.pk)}-DELETE"] = "on"
    data[f"fields-{row_of(data, 'fields', reason.pk)}-DELETE"] = "on"
    data["guide-fee"] = "10"
    response = post(client, world.district_admin, f"/hall/matters/{matter.code}/", data)
    assert response.status_code == 302
    proof = MatterMaterial.every.get(pk=proof.pk)
    assert proof.retired  # its application holds it: kept, no longer asked for
    assert proof not in matter.materials.all()
    assert "困难情况证明" not in text(client.get(f"/matters/{matter.code}/"))
    application.refresh_from_db()
    assert [a.label for a in selectors.answers_shown(application)] == labels
    assert application.fee == 0 and application.materials.filter(material=proof).exists()
    page = text(get(client, world.worker_a, f"/hall/{application.pk}/"))
    assert labels[0] in page
    services.application_accept(application=application, by=world.worker_a)  # still works


def test_outsiders_get_404_and_others_403(client, world, matters):
    district_matter = matters["temporary-assistance"]
    own = matters["only-child-glory"]  # kept by the subdistrict
    url = f"/hall/matters/{district_matter.code}/"
    assert get(client, world.subdistrict_admin, url).status_code == 404
    assert (
        post(client, world.subdistrict_admin, url, editor_data(district_matter)).status_code == 404
    )
    assert get(client, world.worker_a, url).status_code == 403
    listed = text(get(client, world.subdistrict_admin, "/hall/matters/"))
    assert own.name in listed and district_matter.name not in listed
    assert get(client, world.subdistrict_admin, f"/hall/matters/{own.code}/").status_code == 200
    assert get(client, world.other_subdistrict_admin, f"/hall/matters/{own.code}/").status_code == (
        404
    )


def test_the_seeded_blank_forms_are_real_documents(client, matters):
    living = matters["minimum-living"]
    kinds = {}
    for material in living.materials.exclude(template=""):
        checked = attachment_check(
            SimpleUploadedFile(material.template_name, material.template.read())
        )
        kinds[material.name] = checked.content_type
    assert kinds == {"家庭经济状况核对授权书": PDF, "家庭成员收入情况声明": DOCX}
    guide = text(client.get(f"/matters/{living.code}/"))
    assert "家庭经济状况核对授权书.pdf" in guide
    name, content = blank_form("本人书面申请")
    assert name.endswith(".docx") and b"word/document.xml" in content
    assert BytesIO(content).read(4) == b"PK\x03\x04"


NEW = {
    "code": "chezhan-parking-permit",
    "name": "社区停车证办理",
    "category": "other",
    "summary": "本社区居民车辆停车证",
    "legal_basis": "社区停车管理规约",
    "conditions": "本社区常住居民",
    "time_limit": "3",
    "legal_limit": "5",
    "place": "社区服务站",
    "hours": "工作日 9:00–17:00",
    "phone": "0533-6180000",
}


def test_a_community_gets_a_matter_of_its_own_and_an_unused_one_is_deleted(client, world, matters):
    """Made unpublished at the community, then edited; a taken code, a region outside
    and a time limit over the legal one are refused with nothing saved; deleted only
    while nobody has applied, and only with the box ticked."""
    client.force_login(world.subdistrict_admin)  # (in Chinese, as the admin reads it)
    form = text(client.get("/hall/matters/new/"))
    assert world.a.name in form and world.b.name in form
    assert world.other_subdistrict.name not in form
    taken = client.post(
        "/hall/matters/new/", {**NEW, "code": "only-child-glory", "region": world.a.pk}
    )
    assert taken.status_code == 422 and "此代码已被占用，请换一个。" in text(taken)
    late = client.post("/hall/matters/new/", {**NEW, "legal_limit": "2", "region": world.a.pk})
    assert late.status_code == 422
    outside = world.other_subdistrict.children.first()
    assert client.post("/hall/matters/new/", {**NEW, "region": outside.pk}).status_code == 422
    assert not Matter.objects.filter(code=NEW["code"]).exists()

    made = client.post("/hall/matters/new/", {**NEW, "region": world.a.pk}, follow=True)
    assert made.redirect_chain == [(f"/hall/matters/{NEW['code']}/", 302)]
    assert "已创建社区停车证办理：请添加材料、表单和步骤，然后发布。" in text(made)
    matter = Matter.objects.get(code=NEW["code"])
    assert matter.region == world.a and not matter.published
    assert AuditEntry.objects.filter(object_type="hall.matter", action="record_create").exists()
    assert "社区停车证办理" not in text(client.get("/matters/"))

    unticked = client.post(f"/hall/matters/{matter.code}/delete/", {}, follow=True)
    assert "请勾选以确认删除。" in text(unticked) and Matter.objects.filter(pk=matter.pk).exists()
    used = matters["only-child-glory"]
    at_desk(used, desk=world.a, by=world.worker_a, id_number=id_number())
    refused = client.post(f"/hall/matters/{used.code}/delete/", {"confirm": "1"}, follow=True)
    assert "已有人申请此事项" in text(refused) and Matter.objects.filter(pk=used.pk).exists()
    gone = client.post(f"/hall/matters/{matter.code}/delete/", {"confirm": "1"})
    assert gone.status_code == 302 and not Matter.objects.filter(pk=matter.pk).exists()
    client.force_login(world.other_subdistrict_admin)
    outsider = client.post(f"/hall/matters/{used.code}/delete/", {"confirm": "1"})
    assert outsider.status_code == 404
