"""The import page (upload, column mapping, result) and the API of imports, figures and hot issues."""

from __future__ import annotations

import io
from datetime import timedelta

import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from tests.complaints.conftest import NOW
from tests.conftest import client_for, member_of
from yingji.complaints.models import ColumnMapping, HotIssue
from yingji.earlywarning.models import Warning
from yingji.orgs.choices import Role
from yingji.petitions.models import PetitionCase


def _export(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["编号", "标题", "来电时间", "诉求内容", "办结时间", "办理结果"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


HOTLINE = [
    ["H1", "西坪村桥面破损", "2026/10/1 9:00:00", "\n\t\t桥面坑洼", "2026/10/5 10:00:00", "已修"],
    ["H2", "东岭村停水", "2026年10月2日 8时30分", "停水三天", "2026/12/30 10:00:00", "已复"],
    ["H3", "", "2026/10/3 9:00:00", "无标题", "", ""],
]
#: The page's column mapping of the hotline export: field → header.
MAPPING = {
    "number": "编号",
    "subject": "标题",
    "posted_at": "来电时间",
    "text": "诉求内容",
    "replied_at": "办结时间",
    "reply": "办理结果",
}


def test_import_page_maps_columns_saves_them_and_lists_unreadable_rows(demo):
    client = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF))
    with time_machine.travel(NOW, tick=False):
        page = client.post(
            "/complaints/import/",
            {"source": "12345热线", "file": SimpleUploadedFile("h.xlsx", _export(HOTLINE))},
        )
        assert page.status_code == 302
        mapping = client.get(page["Location"])
        assert "对应列" in mapping.content.decode()
        done = client.post(page["Location"], MAPPING, follow=True)
    text = done.content.decode()
    assert "已写入1件信访事项" in text
    assert "缺少留言主题" in text and "答复时间早于受理时间或晚于当前时间" in text
    assert ColumnMapping.objects.get(township=demo, source="12345热线").mapping["number"] == "编号"
    case = PetitionCase.objects.get(township=demo)
    assert case.content == "桥面坑洼" and case.summary == "西坪村桥面破损"


def test_api_import_figures_and_hot_issues(demo, other):
    client = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF))
    rows = [
        [
            f"M{i}",
            f"南山路桥面破损坑洼严重{i}",
            f"2026/9/{i + 1} 9:00:00",
            "桥面破损坑洼",
            f"2026/9/{i + 11} 9:00:00",
            "已修复",
        ]
        for i in range(6)
    ]
    mapping = (
        '{"number": "编号", "subject": "标题", "posted_at": "来电时间", "text": "诉求内容",'
        ' "replied_at": "办结时间", "reply": "办理结果"}'
    )
    with time_machine.travel(NOW, tick=False):
        answer = client.post(
            "/api/complaints/imports",
            {
                "source": "热线",
                "mapping": mapping,
                "file": SimpleUploadedFile("m.xlsx", _export(rows)),
            },
        )
        assert answer.status_code == 201, answer.content
        assert answer.json()["created"] == 6
        figures = client.get("/api/complaints/reply-times").json()
        assert figures["replies"] == 6 and figures["median_days"] == 10.0
        assert figures["over_60_days"] == 0 and figures["conclude_kept"] == 6
        proposed = client.post("/api/complaints/hot-issues/propose").json()["proposed"]
        assert [p["size"] for p in proposed] == [6]
        pk = proposed[0]["id"]
        assert client.get(f"/api/complaints/hot-issues/{pk}").json()["place"] == "南山路"
        outsider = client_for(member_of(other, Role.PEACE_OFFICE_STAFF))
        assert outsider.get(f"/api/complaints/hot-issues/{pk}").status_code == 404
        assert outsider.get(f"/complaints/hot/{pk}/").status_code == 404
        assert Warning.objects.count() == 0
        bad = client.post(
            f"/api/complaints/hot-issues/{pk}/accept",
            {"category": "x"},
            content_type="application/json",
        )
        assert bad.status_code == 422
        ok = client.post(
            f"/api/complaints/hot-issues/{pk}/accept",
            {"category": "brewing_unrest"},
            content_type="application/json",
        )
    assert ok.status_code == 200 and ok.json()["warning"] == Warning.objects.get().number
    assert HotIssue.objects.get().state == "accepted"
    page = client.get(f"/complaints/hot/{pk}/").content.decode()
    assert "南山路桥面破损坑洼严重0" in page and "2026年9月1日" in page
    assert NOW - timedelta(days=1) < Warning.objects.get().discovered_at <= NOW


def test_routing_page_suggests_and_records_a_correction(demo, other):
    from tests.complaints.test_routing import _fixture_file
    from yingji.complaints.actions import import_file, train
    from yingji.orgs.access import Actor
    from yingji.petitions.actions import receive_case

    member = member_of(demo, Role.PEACE_OFFICE_STAFF)
    staff = Actor.for_member(member)
    client = client_for(member)
    with time_machine.travel(NOW, tick=False):
        import_file(staff, demo, source="f", filename="f.xlsx", content=_fixture_file())
        train(staff, demo)
        case = receive_case(
            staff, demo, channel="online", summary="补课", content="学校违规补课收费"
        )
        url = f"/complaints/cases/{case.pk}/routing/"
        page = client.post(url, {"action": "suggest"}, follow=True).content.decode()
        assert "教育文体" in page
        client.post(url, {"action": "correct", "category": "城乡建设", "unit": ""})
        assert outsider_status(other, url) == 404
    assert case.routing_suggestions.get().final_category == "城乡建设"


def outsider_status(other, url: str) -> int:
    return client_for(member_of(other, Role.PEACE_OFFICE_STAFF)).get(url).status_code


def test_an_import_started_twice_runs_once(demo):
    """A second start of the same job (a double click: both requests read it as uploaded) is refused.

    It used to import the file again: the job's figures were reset (1 written
    became 0 written, 1 unchanged) and a second ``complaints.import`` event was
    recorded.
    """
    from yingji.audit.models import AuditEvent
    from yingji.complaints import views
    from yingji.complaints.actions import start_import
    from yingji.complaints.models import ImportJob
    from yingji.orgs.access import Actor

    staff = Actor.for_member(member_of(demo, Role.PEACE_OFFICE_STAFF))
    with time_machine.travel(NOW, tick=False):
        job = start_import(
            staff, demo, source="12345热线", filename="h.xlsx", content=_export(HOTLINE)
        )
        stale = ImportJob.objects.get(pk=job.pk)  # read by the second request, still "uploaded"
        views._start(staff, job, MAPPING)
        try:
            views._start(staff, stale, MAPPING)
        except ValidationError as exc:
            assert exc.messages == ["此次导入已执行。"]
        else:
            raise AssertionError("the second start was not refused")
    job.refresh_from_db()
    assert (job.state, job.created, job.unchanged) == ("done", 1, 0)
    assert AuditEvent.objects.filter(action="complaints.import").count() == 1
    assert PetitionCase.objects.filter(township=demo).count() == 1


def test_a_refused_background_import_gives_the_job_its_state_back(demo, monkeypatch):
    """A refusal in the background thread leaves the job startable, not "running" for ever."""
    from tests.test_jobs import InlineThread, KeptConnection
    from yingji import jobs
    from yingji.complaints import actions, views
    from yingji.complaints.actions.imports import JOB_KIND
    from yingji.orgs.access import Actor

    def refused(*args, **kwargs):
        raise ValidationError({"number": "缺少必需的列"})

    staff = Actor.for_member(member_of(demo, Role.PEACE_OFFICE_STAFF))
    with time_machine.travel(NOW, tick=False):
        job = actions.start_import(
            staff, demo, source="12345热线", filename="h.xlsx", content=_export(HOTLINE)
        )
    monkeypatch.setattr(views, "INLINE_ROWS", 0)
    monkeypatch.setattr(jobs.threading, "Thread", InlineThread)
    monkeypatch.setattr(jobs, "close_old_connections", lambda: None)
    monkeypatch.setattr(jobs, "connection", KeptConnection())
    monkeypatch.setattr(actions, "run_import", refused)
    views._start(staff, job, MAPPING)
    job.refresh_from_db()
    assert job.state == "uploaded"
    assert (JOB_KIND, job.pk) not in jobs._HELD
