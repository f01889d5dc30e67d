"""The review page: import a document, accept / edit / drop items, publish through publish_plan."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yingji.audit.models import AuditEvent
from yingji.plans.models import PlanDraft, PlanVersion

from ..conftest import client_for, member_of
from .importing import township_text


def upload(client, data=None, name="plan.txt"):
    data = township_text().encode("gb18030") if data is None else data
    return client.post("/plans/import/", {"file": SimpleUploadedFile(name, data)})


@pytest.mark.django_db
def test_it_imports_reviews_and_publishes(demo):
    client = client_for(member_of(demo, "peace_office_head"))
    response = upload(client)
    row = PlanDraft.objects.get(township=demo)
    assert response.status_code == 302 and response["Location"] == f"/plans/drafts/{row.pk}/"
    page = client.get(f"/plans/drafts/{row.pk}/").content.decode()
    assert "镇平安办在收到信息后要立即核实信息的真实性" in page
    assert "文档中没有，取自默认预案" in page
    items = {i["slot"]: i for i in row.result["items"] if not i["parent"]}
    title_id = items["title"]["id"]
    threshold_id = items["group_threshold"]["id"]
    response = client.post(
        f"/plans/drafts/{row.pk}/",
        {
            f"d_{title_id}": "edit",
            f"e_{title_id}": "示例镇信访维稳工作应急处置预案",
            f"d_{threshold_id}": "edit",
            f"e_{threshold_id}": "8",
            "publish": "1",
        },
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == "published"
    version = PlanVersion.objects.get(township=demo)
    assert row.version == version
    assert version.plan.title == "示例镇信访维稳工作应急处置预案"
    assert version.plan.group_threshold == 8
    assert [d.minutes for d in version.plan.deadlines] == [
        15,
        40,
        30,
        30,
        60,
    ]  # with the warning deadlines (configured)
    demo.refresh_from_db()
    assert demo.plan_version == version
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "plans.import",
        "plans.review",
        "plans.publish",
        "plans.adopt",
        "plans.publish_draft",
    }


@pytest.mark.django_db
def test_dropping_a_required_item_blocks_publishing(demo):
    client = client_for(member_of(demo, "peace_office_head"))
    upload(client)
    row = PlanDraft.objects.get(township=demo)
    title_id = next(i["id"] for i in row.result["items"] if i["slot"] == "title")
    response = client.post(f"/plans/drafts/{row.pk}/", {f"d_{title_id}": "drop", "publish": "1"})
    assert response.status_code == 200
    assert "title: 缺少必填字段" in response.content.decode()
    assert PlanVersion.objects.filter(township__isnull=False).count() == 0


@pytest.mark.django_db
def test_bad_file_gets_a_message_and_no_draft(demo):
    client = client_for(member_of(demo, "peace_office_staff"))
    response = upload(client, b"", "empty.txt")
    assert response.status_code == 200
    assert PlanDraft.objects.count() == 0


@pytest.mark.django_db
def test_other_township_gets_404_and_staff_cannot_publish(demo, other):
    upload(client_for(member_of(demo, "peace_office_head")))
    row = PlanDraft.objects.get()
    assert (
        client_for(member_of(other, "peace_office_head"))
        .get(f"/plans/drafts/{row.pk}/")
        .status_code
        == 404
    )
    staff = client_for(member_of(demo, "peace_office_staff"))
    assert 'name="publish"' not in staff.get(f"/plans/drafts/{row.pk}/").content.decode()
    assert staff.post(f"/plans/drafts/{row.pk}/", {"publish": "1"}).status_code == 403
    assert PlanVersion.objects.filter(township__isnull=False).count() == 0


@pytest.mark.django_db
def test_nav_links_to_import_for_those_who_may(demo):
    head = client_for(member_of(demo, "peace_office_head")).get("/").content.decode()
    assert 'href="/plans/import/">导入预案</a>' in head
    auditor = client_for(member_of(demo, "auditor")).get("/").content.decode()
    assert "/plans/import/" not in auditor
    assert client_for(member_of(demo, "auditor")).get("/plans/import/").status_code == 403


@pytest.mark.django_db
def test_staff_who_may_not_publish_are_refused_before_anything_is_saved(demo):
    staff = client_for(member_of(demo, "peace_office_staff"))
    upload(staff)
    row = PlanDraft.objects.get(township=demo)
    title_id = next(i["id"] for i in row.result["items"] if i["slot"] == "title")
    before = (row.result, AuditEvent.objects.count())
    response = staff.post(f"/plans/drafts/{row.pk}/", {f"d_{title_id}": "drop", "publish": "1"})
    assert response.status_code == 403
    row.refresh_from_db()
    assert (row.result, AuditEvent.objects.count()) == before
    # Saving the decisions alone is theirs to do.
    assert staff.post(f"/plans/drafts/{row.pk}/", {f"d_{title_id}": "drop"}).status_code == 302
    row.refresh_from_db()
    assert next(i for i in row.result["items"] if i["id"] == title_id)["decision"] == "drop"
