"""The incidents API: the same actions, 422 with field errors, 403, 404 across townships."""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.conftest import client_for, member_of
from tests.incidents.helpers import REPORT, T0, person
from yingji.orgs.choices import Role

UTC = ZoneInfo("UTC")

pytestmark = pytest.mark.django_db


def _post(client, url, data=None):
    return client.post(url, data=json.dumps(data or {}), content_type="application/json")


def test_district_incident_through_the_api(demo):
    with time_machine.travel(T0, tick=False) as clock:
        staff = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF))
        head = client_for(member_of(demo, Role.HEAD))
        tf = client_for(member_of(demo, Role.TASK_FORCE_MEMBER))
        bad = _post(
            staff, "/api/incidents/", {"category": "moon", "source": "caller", "summary": "x"}
        )
        assert bad.status_code == 422
        assert bad.json()["detail"][0]["loc"] == ["body", "category"]
        made = _post(
            staff,
            "/api/incidents/",
            {"category": "district", "source": "caller", "summary": "到区集访", "headcount": 23},
        ).json()
        pk = made["id"]
        assert made["number"] == "SJ2026-0001"
        assert made["deadlines"] == [
            {
                "rule": "incident_report",
                "state": "open",
                "due_at": (T0 + timedelta(minutes=15)).astimezone(UTC).isoformat(),
                "satisfied_at": None,
            }
        ]
        _post(staff, f"/api/incidents/{pk}/verify", {"true": True})
        missing = _post(staff, f"/api/incidents/{pk}/report", {"contents": {"time": "9时"}})
        assert missing.status_code == 422
        locs = {tuple(e["loc"]) for e in missing.json()["detail"]}
        assert ("body", "place") in locs and ("body", "__all__") in locs
        clock.shift(timedelta(minutes=5))
        _post(staff, f"/api/incidents/{pk}/report", {"contents": REPORT})
        assert _post(staff, f"/api/incidents/{pk}/activate").status_code == 403
        body = _post(head, f"/api/incidents/{pk}/activate").json()
        assert (body["status"], body["activated_by"], body["activated_as"]) == (
            "activated",
            "王建国",
            "head",
        )
        body = _post(
            head,
            f"/api/incidents/{pk}/task-force",
            {"members": [{"unit": "villages", "member_id": person(demo, "黄磊").pk}]},
        ).json()
        place = body["task_force"][0]["id"]
        clock.shift(timedelta(minutes=38))
        body = _post(
            tf, f"/api/incidents/task-force-members/{place}/check-in", {"state": "arrived"}
        ).json()
        arrival = next(d for d in body["deadlines"] if d["rule"] == "district_arrival")
        assert arrival["state"] == "satisfied"
        assert arrival["satisfied_at"] == (T0 + timedelta(minutes=43)).astimezone(UTC).isoformat()
        for step in ("respond", "calm", "persuade_return"):
            _post(tf, f"/api/incidents/{pk}/ticks", {"step": step})
        assert _post(tf, f"/api/incidents/{pk}/ticks", {"step": "calm"}).status_code == 422
        body = _post(
            tf, f"/api/incidents/{pk}/parties", {"name": "张某", "capacity": "representative"}
        ).json()
        party = body["parties"][0]["id"]
        body = _post(
            tf, f"/api/incidents/{pk}/demands", {"content": "补发补偿款", "party_ids": [party]}
        ).json()
        demand = body["demands"][0]["id"]
        evidence = _post(
            tf,
            f"/api/incidents/{pk}/evidence",
            {
                "camera_id": "DSJ-07",
                "wearer_id": person(demo, "黄磊").pk,
                "started_at": T0.isoformat(),
                "ended_at": (T0 + timedelta(hours=1)).isoformat(),
                "file_name": "a.mp4",
                "sha256": "cd" * 32,
                "storage_place": "证据柜",
            },
        ).json()
        assert evidence["number"] == 1 and evidence["hash_source"] == "entered"
        assert _post(head, f"/api/incidents/{pk}/close-scene").status_code == 422
        case = _post(staff, f"/api/incidents/demands/{demand}/case").json()
        assert case["case"] == "XF2026-0001"
        _post(head, f"/api/incidents/{pk}/close-scene")
        summary = {
            "overview": "a",
            "handling": "b",
            "outcome": "c",
            "aftermath": "d",
            "lessons": "e",
        }
        _post(staff, f"/api/incidents/{pk}/summary", {"contents": summary})
        body = _post(head, f"/api/incidents/{pk}/close").json()
    assert body["status"] == "closed"
    assert [c["step"] for c in body["checklist"] if c["ticked_at"]] == [
        "respond",
        "calm",
        "persuade_return",
    ]
    assert body["demands"][0]["case"] == "XF2026-0001"
    assert head.get("/api/incidents/").json() == []


def test_evidence_and_log_files_through_the_api(demo, settings, tmp_path):
    import hashlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests import samples
    from tests.incidents.scenario import activated

    settings.MEDIA_ROOT = tmp_path
    incident = activated(demo)
    tf = client_for(member_of(demo, Role.TASK_FORCE_MEMBER))
    body = tf.post(
        f"/api/incidents/{incident.pk}/evidence/upload",
        {
            "camera_id": "DSJ-07",
            "wearer_id": person(demo, "黄磊").pk,
            "started_at": T0.isoformat(),
            "ended_at": (T0 + timedelta(minutes=5)).isoformat(),
            "storage_place": "证据柜",
            "file": SimpleUploadedFile("v.mp4", samples.mp4()),
        },
    ).json()
    assert (body["file_name"], body["sha256"], body["hash_source"]) == (
        "v.mp4",
        hashlib.sha256(samples.mp4()).hexdigest(),
        "computed",
    )
    body = tf.post(
        f"/api/incidents/{incident.pk}/log/upload",
        {
            "text": "照片两张",
            "files": [
                SimpleUploadedFile("a.jpg", samples.jpeg(b"a")),
                SimpleUploadedFile("b.jpg", samples.jpeg(b"b")),
            ],
        },
    ).json()
    assert body["log"][-1]["text"] == "照片两张"
    assert incident.log.get(text="照片两张").attachments.count() == 2


def test_openapi_lists_the_incident_routes(demo):
    head = client_for(member_of(demo, Role.HEAD))
    paths = head.get("/api/openapi.json").json()["paths"]
    assert "/api/incidents/{pk}/activate" in paths
    assert "/api/incidents/{pk}/evidence/upload" in paths
