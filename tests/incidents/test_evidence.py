"""Evidence items (plan §六(五)1(3)): add-only, SHA-256 computed or entered, chain of custody."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import samples
from tests.conftest import client_for, member_of
from tests.incidents.helpers import T0, actors, person
from tests.incidents.scenario import activated
from yingji.audit.models import AuditEvent, PersonalDataAccess
from yingji.incidents import actions_scene
from yingji.incidents.models import EvidenceItem
from yingji.orgs.choices import Role

pytestmark = pytest.mark.django_db
HEX = "ab" * 32


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _register(demo, incident, **over):
    fields = dict(
        camera_id="DSJ-07",
        wearer=person(demo, "黄磊"),
        started_at=T0,
        ended_at=T0 + timedelta(minutes=42),
        file_name="DSJ07_20261130_0900.mp4",
        storage_place="平安办证据柜2号",
        sha256=HEX,
    )
    fields.update(over)
    return actions_scene.register_evidence(actors(demo)[Role.TASK_FORCE_MEMBER], incident, **fields)


def test_sha256_is_computed_on_upload_or_entered(demo):
    incident = activated(demo)
    data = samples.mp4(b"video bytes" * 1000)
    upload = SimpleUploadedFile("clip.mp4", data, content_type="video/mp4")
    computed = _register(demo, incident, sha256="", file=upload, file_name="clip.mp4")
    entered = _register(demo, incident)
    assert (computed.number, computed.sha256, computed.hash_source) == (
        1,
        hashlib.sha256(data).hexdigest(),
        "computed",
    )
    assert (entered.number, entered.sha256, entered.hash_source) == (2, HEX, "entered")
    with pytest.raises(ValidationError) as exc:
        _register(demo, incident, file=SimpleUploadedFile("x.mp4", samples.mp4()), sha256="00" * 32)
    assert "sha256" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _register(demo, incident, sha256="nothex", ended_at=T0 - timedelta(minutes=1))
    assert set(exc.value.message_dict) == {"sha256", "ended_at"}


def test_evidence_cannot_be_edited_or_deleted_and_the_attempt_is_audited(demo):
    incident = activated(demo)
    item = _register(demo, incident)
    staff = actors(demo)[Role.PEACE_OFFICE_HEAD]
    for change in ("edit", "delete"):
        with pytest.raises(PermissionDenied):
            actions_scene.refuse_evidence_change(staff, item, change, {"file_name": "other.mp4"})
    refused = AuditEvent.objects.filter(action__endswith="_refused").order_by("id")
    assert [e.action for e in refused] == [
        "incidents.evidence_edit_refused",
        "incidents.evidence_delete_refused",
    ]
    assert refused[0].actor_label == "陈静" and refused[0].object_id == str(item.pk)
    # The model itself refuses too, one row or many.
    item.file_name = "other.mp4"
    with pytest.raises(PermissionDenied):
        item.save()
    with pytest.raises(PermissionDenied):
        item.delete()
    with pytest.raises(PermissionDenied):
        EvidenceItem.objects.filter(pk=item.pk).update(file_name="x")
    with pytest.raises(PermissionDenied):
        EvidenceItem.objects.filter(pk=item.pk).delete()
    item.refresh_from_db()
    assert item.file_name == "DSJ07_20261130_0900.mp4"


def test_page_and_api_refuse_changes_and_audit_them(demo):
    incident = activated(demo)
    item = _register(demo, incident)
    client = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF))
    response = client.post(f"/incidents/evidence/{item.pk}/delete/")
    assert response.status_code == 403
    response = client.put(
        f"/api/incidents/evidence/{item.pk}",
        data=json.dumps({"file_name": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    response = client.delete(f"/api/incidents/evidence/{item.pk}")
    assert response.status_code == 403
    refused = AuditEvent.objects.filter(action__endswith="_refused").order_by("id")
    assert list(refused.values_list("action", flat=True)) == [
        "incidents.evidence_delete_refused",
        "incidents.evidence_edit_refused",
        "incidents.evidence_delete_refused",
    ]
    assert EvidenceItem.objects.get(pk=item.pk).file_name == "DSJ07_20261130_0900.mp4"


def test_chain_of_custody_and_annotations_are_added_in_order(demo):
    incident = activated(demo)
    item = _register(demo, incident)
    staff = actors(demo)[Role.PEACE_OFFICE_STAFF]
    actions_scene.hand_over_evidence(
        staff, item, from_holder="黄磊", to_holder="刘洋", place="平安办证据柜2号"
    )
    actions_scene.hand_over_evidence(
        staff, item, from_holder="刘洋", to_holder="示例派出所", place="派出所证据室"
    )
    actions_scene.annotate_evidence(staff, item, "第12分钟画面有遮挡")
    assert [(c.from_holder, c.to_holder) for c in item.custody.all()] == [
        ("黄磊", "刘洋"),
        ("刘洋", "示例派出所"),
    ]
    assert [n.text for n in item.annotations.all()] == ["第12分钟画面有遮挡"]
    page = client_for(member_of(demo, Role.AUDITOR)).get(f"/incidents/evidence/{item.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and HEX in text and "派出所证据室" in text


def test_files_are_served_only_to_those_handling_the_incident_and_each_read_is_logged(demo, other):
    incident = activated(demo)
    clip = samples.mp4(b"abc")
    item = _register(
        demo, incident, sha256="", file=SimpleUploadedFile("clip.mp4", clip), file_name="clip.mp4"
    )
    url = f"/incidents/files/evidence/{item.pk}/"
    staff = member_of(demo, Role.PEACE_OFFICE_STAFF)
    mine = client_for(staff).get(url)
    assert mine.status_code == 200 and b"".join(mine.streaming_content) == clip
    assert mine["Content-Type"] == "video/mp4"
    assert mine["Content-Disposition"] == 'attachment; filename="clip.mp4"'
    read = PersonalDataAccess.objects.get()
    assert (read.actor_id, read.object_type, read.object_id) == (
        staff.user_id,
        "incidents.evidenceitem",
        str(item.pk),
    )
    assert read.fields == ["file"] and read.purpose == "evidence_download"
    assert read.object_label == f"{incident.number} {item.number}"  # not the file's name
    # Footage shows people: the auditor (who reads the records) and the administrator do not
    # handle the incident, so they get neither the file nor a link to it.
    for role in (Role.AUDITOR, Role.ADMIN):
        reader = client_for(member_of(demo, role))
        assert reader.get(url).status_code == 403, role
        page = reader.get(f"/incidents/evidence/{item.pk}/").content.decode()
        assert "clip.mp4" in page and url not in page, role
    assert PersonalDataAccess.objects.count() == 1
    assert url in client_for(staff).get(f"/incidents/evidence/{item.pk}/").content.decode()
    theirs = client_for(member_of(other, Role.HEAD)).get(f"/incidents/files/evidence/{item.pk}/")
    assert theirs.status_code == 404
    assert (
        client_for(member_of(demo, Role.HEAD)).get("/incidents/files/other/1/").status_code == 404
    )
