"""The ledger API: same actions and permissions; 422 with field errors; 404 across townships."""

import io
import json
from datetime import timedelta

import pytest
import time_machine
from openpyxl import Workbook

from tests.conftest import client_for, member_of
from tests.earlywarning.test_lifecycle import T0, register
from yingji.earlywarning.models import Warning
from yingji.incidents.models import Incident
from yingji.orgs.choices import Role
from yingji.orgs.models import Unit

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_it_walks_a_warning_through_the_api(demo):
    staff = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF))
    head = client_for(member_of(demo, Role.HEAD))
    village = Unit.objects.get(township=demo, name="东岭村")
    with time_machine.travel(T0, tick=False):
        response = post(
            staff,
            "/api/warnings",
            {
                "category": "brewing_unrest",
                "source": "hotline",
                "summary": "东岭村征地补偿纠纷",
                "village_id": village.pk,
                "address": "村委会",
                "headcount": 30,
                "cause": "补偿标准",
            },
        )
    assert response.status_code == 200, response.content
    data = response.json()
    pk = data["id"]
    assert (data["number"], data["status"]) == ("YJ2026-0001", "registered")
    assert [(d["rule"], d["due_at"]) for d in data["deadlines"]] == [
        ("warning_verify", "2026-11-29T01:30:00Z"),
        ("warning_report", "2026-11-29T02:00:00Z"),
    ]
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        assert post(staff, f"/api/warnings/{pk}/verify", {"note": "属实"}).status_code == 200
        refused = post(staff, f"/api/warnings/{pk}/report", {})
    assert refused.status_code == 422
    assert refused.json()["detail"] == {
        "expected_at": ["报告须写明：时间。"],
        "potential_harm": ["报告须写明：可能造成的危害程度。"],
        "urgency": ["报告须写明：紧急程度。"],
        "development": ["报告须写明：事态发展。"],
        "measures": ["报告须写明：应采取的措施。"],
    }
    with time_machine.travel(T0 + timedelta(minutes=8), tick=False):
        reported = post(
            staff,
            f"/api/warnings/{pk}/report",
            {
                "expected_at": "2026-12-01T09:00:00+08:00",
                "potential_harm": "severe",
                "urgency": "very_urgent",
                "development": "串联",
                "measures": "入户",
            },
        )
    assert reported.status_code == 200
    assert reported.json()["reported_at"] == "2026-11-29T01:08:00Z"
    assert reported.json()["durations_minutes"]["to_report"] == 8.0
    assert (
        post(
            staff, f"/api/warnings/{pk}/assess", {"urgency": "x", "potential_harm": "y"}
        ).status_code
        == 403
    )
    bad = post(head, f"/api/warnings/{pk}/assess", {"urgency": "x", "potential_harm": "severe"})
    assert bad.status_code == 422 and "urgency" in bad.json()["detail"]
    assessed = post(
        head, f"/api/warnings/{pk}/assess", {"urgency": "very_urgent", "potential_harm": "severe"}
    )
    assert assessed.json()["risk_level"] == "high"
    escalated = post(staff, f"/api/warnings/{pk}/escalate", {"category": "township"})
    assert escalated.status_code == 200
    incident = Incident.objects.get()
    assert escalated.json()["created"]["number"] == incident.number
    assert escalated.json()["outcome"] == {
        "type": "incidents.incident",
        "id": str(incident.pk),
        "number": incident.number,
    }
    detail = staff.get(f"/api/warnings/{pk}").json()
    assert [h["action"] for h in detail["history"]] == [
        "earlywarning.register",
        "earlywarning.verify",
        "earlywarning.update",
        "earlywarning.report",
        "earlywarning.assess",
        "earlywarning.escalate",
    ]


def test_list_search_and_isolation(demo, other):
    register(demo)
    register(demo, summary="西河村道路施工噪音扰民", cause="夜间施工")
    staff = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF))
    found = staff.get("/api/warnings", {"q": "征地补偿"}).json()
    assert found["count"] == 1 and found["results"][0]["summary"].startswith("东岭村村民因征地")
    assert staff.get("/api/warnings", {"page_size": 1, "page": 2}).json()["count"] == 2
    outsider = client_for(member_of(other, Role.PEACE_OFFICE_STAFF))
    assert outsider.get("/api/warnings").json()["count"] == 0
    pk = Warning.objects.first().pk
    assert outsider.get(f"/api/warnings/{pk}").status_code == 404


def test_import_refuses_bad_rows_by_row_and_column(demo):
    wb = Workbook()
    ws = wb.active
    ws.append(["登记时间", "类别", "事由", "涉及人数"])
    ws.append(["2026-10-01 08:00", "其他可以作为预警信息的行为", "甲", "3"])
    ws.append(["昨天", "其他可以作为预警信息的行为", "乙", "十来人"])
    buf = io.BytesIO()
    wb.save(buf)
    staff = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF))
    upload = io.BytesIO(buf.getvalue())
    upload.name = "ledger.xlsx"
    response = staff.post("/api/warnings/import", {"file": upload})
    assert response.status_code == 422
    assert [(p["row"], p["column"]) for p in response.json()["detail"]["problems"]] == [
        (3, "A（登记时间）"),
        (3, "D（涉及人数）"),
    ]
    assert not Warning.objects.exists()
    upload.seek(0)
    response = staff.post("/api/warnings/import", {"file": upload, "skip_bad": "true"})
    assert response.status_code == 200
    assert (response.json()["created"], response.json()["skipped_rows"]) == (1, [3])


def test_handling_through_the_api_and_export(demo):
    from yingji.earlywarning import actions
    from yingji.orgs.access import Actor
    from yingji.orgs.models import Member

    head_member = member_of(demo, Role.HEAD)
    w = register(demo)
    staff_actor = Actor.for_member(member_of(demo, Role.PEACE_OFFICE_STAFF))
    actions.verify(staff_actor, w, at=T0 + timedelta(minutes=1))
    actions.report(
        staff_actor, w, urgency="general", potential_harm="minor", at=T0 + timedelta(minutes=2)
    )
    actions.assess(
        Actor.for_member(head_member),
        w,
        urgency="general",
        potential_harm="minor",
        at=T0 + timedelta(minutes=3),
    )
    head = client_for(head_member)
    lead = Member.objects.get(township=demo, name="李卫东")
    unit = Unit.objects.get(township=demo, name="东岭村")
    url = f"/api/warnings/{w.pk}"
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        data = post(
            head, f"{url}/handling", {"lead_official_id": lead.pk, "unit_ids": [unit.pk]}
        ).json()
        assert (data["status"], data["lead_official"], data["units"]) == (
            "handling",
            "李卫东",
            ["东岭村"],
        )
        member = client_for(member_of(demo, Role.TASK_FORCE_MEMBER))
        assert post(member, f"{url}/progress", {"text": "走访"}).status_code == 200
        assert post(member, f"{url}/controlled", {"note": ""}).status_code == 403
    with time_machine.travel(T0 + timedelta(hours=5), tick=False):
        assert post(head, f"{url}/controlled", {"note": "稳定"}).json()["status"] == "controlled"
    with time_machine.travel(T0 + timedelta(hours=10), tick=False):
        assert post(head, f"{url}/resolve", {"resolution": ""}).status_code == 422
        data = post(head, f"{url}/resolve", {"resolution": "已兑付"}).json()
    assert data["status"] == "resolved"
    assert data["durations_minutes"] == {
        "to_report": 2.0,
        "to_control": 5 * 60 - 2.0,
        "to_resolve": 5 * 60.0,
        "total": 10 * 60.0,
    }
    response = head.get("/api/warnings/export.xlsx", {"status": "resolved"})
    assert response.status_code == 200
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [r[12] for r in ws.iter_rows(min_row=2, values_only=True)] == ["已化解"]
