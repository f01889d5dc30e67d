"""Excel in and out: the township layout, round trip, row-by-row refusal, skipping, re-import."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from tests.conftest import member_of
from tests.earlywarning.test_lifecycle import T0, register, staff_of
from yingji.audit.models import AuditEvent
from yingji.earlywarning import actions
from yingji.earlywarning.import_actions import check_import, import_file, run_import, start_import
from yingji.earlywarning.models import Warning
from yingji.earlywarning.queries import ledger
from yingji.earlywarning.xlsx import COLUMNS, write_workbook
from yingji.orgs.access import Actor
from yingji.orgs.choices import Role
from yingji.orgs.models import Member, Unit

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")

LAYOUT = [
    "序号",
    "登记时间",
    "类别",
    "地点",
    "事由",
    "涉及人数",
    "危害程度",
    "紧急程度",
    "风险等级",
]
LAYOUT += ["责任单位", "包案领导", "处置措施", "当前状态", "化解时间"]


def xlsx(rows, headers=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers or LAYOUT)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def good(n=1, summary="西河村村民反映土地流转租金拖欠"):
    return [
        n,
        "2026-10-08 14:30",
        "由群众内部矛盾引起，尚未出现过激行为，可能会出现群体性事件的",
        "西河村二组",
        summary,
        "15人",
        "较大",
        "紧急",
        "",
        "西河村、镇平安办",
        "李卫东",
        "约谈承租方",
        "已化解",
        "2026-10-20 10:00",
    ]


def test_it_exports_the_township_layout(demo):
    register(demo)
    buf = io.BytesIO()
    write_workbook(ledger(demo), buf)
    ws = load_workbook(io.BytesIO(buf.getvalue())).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0][:14]) == LAYOUT
    assert rows[1][:9] == (
        1,
        datetime(2026, 11, 29, 9, 0),
        "由群众内部矛盾引起，尚未出现过激行为，可能会出现群体性事件的",
        "三组村委会门前",
        "东岭村村民因征地的补偿款分配不满，扬言聚集",
        12,
        None,
        None,
        None,
    )
    assert rows[1][12] == "已登记"
    assert len(rows[0]) == len(COLUMNS)
    # Readable when opened: times to the minute in columns wide enough (no ########), header frozen.
    assert ws.freeze_panes == "A2"
    assert (ws["B2"].number_format, ws.column_dimensions["B"].width) == ("yyyy-mm-dd hh:mm", 18)
    assert (ws.column_dimensions["E"].width, ws.column_dimensions["A"].width) == (30, 12)


def test_it_imports_a_township_ledger_and_re_import_creates_nothing(demo):
    system = Actor.system("test")
    content = xlsx([good(1), good(2, "南湖社区商户反映拆迁补偿")])
    job = import_file(staff_of(demo), demo, filename="台账.xlsx", content=content)
    assert (job.state, job.created, job.duplicates, job.problems) == ("done", 2, 0, [])
    w = Warning.objects.get(summary="西河村村民反映土地流转租金拖欠")
    assert (w.number, w.discovered_at, w.category, w.headcount) == (
        "YJ2026-0001",
        datetime(2026, 10, 8, 14, 30, tzinfo=SH),
        "internal_dispute",
        15,
    )
    assert (w.potential_harm, w.urgency, w.risk_level, w.status) == (
        "serious",
        "urgent",
        "medium",  # 紧急 × 较大 from the matrix, the file left it empty
        "resolved",
    )
    assert w.resolved_at == datetime(2026, 10, 20, 10, 0, tzinfo=SH)
    assert w.lead_official.name == "李卫东"
    assert sorted(u.name for u in w.units.all()) == ["西河村", "镇平安办"]
    assert AuditEvent.objects.filter(action="earlywarning.import_row").count() == 2
    assert not w.search_text == ""

    again = import_file(system, demo, filename="台账.xlsx", content=content)
    assert (again.state, again.created, again.duplicates) == ("done", 0, 2)
    assert Warning.objects.filter(township=demo).count() == 2


def test_bad_rows_are_listed_by_row_and_column_and_nothing_is_written(demo):
    rows = [good(1)]
    bad_date = good(2)
    bad_date[1] = "2026-13-45"
    bad_category = good(3)
    bad_category[2] = "聚众闹事"
    bad_count = good(4)
    bad_count[5] = "十来人"
    empty = good(5)
    empty[4] = ""
    rows += [bad_date, bad_category, bad_count, empty]
    job = import_file(staff_of(demo), demo, filename="bad.xlsx", content=xlsx(rows))
    assert job.state == "checked"
    assert [(p["row"], p["column"], p["message"]) for p in job.problems] == [
        (3, "B（登记时间）", "“2026-13-45”不是日期时间（如 2026-11-29 09:30）。"),
        (
            4,
            "C（类别）",
            "“聚众闹事”不是可选的值，请填写其中之一（或其序号）："
            "1 出现不稳定事端和群体性事件苗头，但尚处在酝酿过程中；"
            "2 出现信访人扬言到区集访、到市进京上访的苗头；"
            "3 由群众内部矛盾引起，尚未出现过激行为，可能会出现群体性事件的；"
            "4 其他可以作为预警信息的行为。",
        ),
        (5, "F（涉及人数）", "“十来人”不是整数人数。"),
        (6, "E（事由）", "此单元格必填。"),
    ]
    assert Warning.objects.count() == 0
    with pytest.raises(ValidationError):
        run_import(staff_of(demo), job)
    assert Warning.objects.count() == 0

    done = run_import(staff_of(demo), job, skip_bad=True)
    assert (done.state, done.created, done.skipped_rows) == ("done", 1, [3, 4, 5, 6])
    assert Warning.objects.count() == 1


def test_column_mapping_reads_a_file_with_other_headers(demo):
    headers = ["编号", "发现日期", "预警类型", "所在地", "简要情况"]
    content = xlsx([["A-7", "2026/9/1", "2", "东岭村", "扬言到区集访"]], headers=headers)
    job = start_import(staff_of(demo), demo, filename="x.xlsx", content=content)
    assert job.mapping == {"number": 0, "category": 2, "summary": 4}
    with pytest.raises(ValidationError) as exc:
        check_import(staff_of(demo), job)
    assert set(exc.value.error_dict) == {"discovered_at"}
    job = check_import(
        staff_of(demo),
        job,
        mapping={"number": 0, "discovered_at": 1, "category": 2, "address": 3, "summary": 4},
    )
    assert job.problems == []
    job = run_import(staff_of(demo), job)
    w = Warning.objects.get()
    assert (w.number, w.category, w.address, w.discovered_at) == (
        "A-7",
        "threatened_bypass",
        "东岭村",
        datetime(2026, 9, 1, 0, 0, tzinfo=SH),
    )


def test_a_file_that_is_not_excel_is_refused(demo):
    with pytest.raises(ValidationError) as exc:
        start_import(staff_of(demo), demo, filename="x.xlsx", content=b"not a workbook")
    assert exc.value.message_dict == {
        "file": [
            "“x.xlsx”的内容不属于此处接受的类型（Excel 工作簿（.xlsx））；以文件内容为准，不看文件名。"
        ]
    }


def test_export_then_import_round_trips_every_field(demo, other):
    head = Actor.for_member(member_of(demo, Role.HEAD))
    staff = staff_of(demo)
    full = register(demo, parties="东岭村三组村民", discovered_at=T0 - timedelta(minutes=3))
    full = actions.verify(staff, full, note="属实", at=T0 + timedelta(minutes=5))
    full = actions.report(
        staff, full, urgency="urgent", potential_harm="severe", at=T0 + timedelta(minutes=20)
    )
    full = actions.assess(
        head, full, urgency="urgent", potential_harm="severe", at=T0 + timedelta(hours=1)
    )
    lead = Member.objects.get(township=demo, name="李卫东")
    units = list(Unit.objects.filter(township=demo, name__in=["东岭村", "镇平安办"]))
    full = actions.start_handling(
        head, full, lead_official=lead, units=units, at=T0 + timedelta(hours=2)
    )
    full = actions.mark_controlled(head, full, at=T0 + timedelta(days=1))
    full = actions.resolve(head, full, resolution="已兑付", at=T0 + timedelta(days=2))
    dismissed = register(demo, at=T0 + timedelta(hours=3), summary="另一条")
    actions.dismiss(staff, dismissed, reason="误传", at=T0 + timedelta(hours=4))
    register(demo, at=T0 + timedelta(hours=5), summary="第三条", village=None, headcount=None)

    buf = io.BytesIO()
    write_workbook(ledger(demo), buf)
    job = import_file(staff_of(other), other, filename="export.xlsx", content=buf.getvalue())
    assert (job.state, job.created, job.problems) == ("done", 3, [])

    fields = [
        f for f, _h in COLUMNS if f not in {"row_number", "units", "village", "lead_official"}
    ]
    for original in Warning.objects.filter(township=demo):
        copy = Warning.objects.get(township=other, number=original.number)
        assert {f: getattr(copy, f) for f in fields} == {f: getattr(original, f) for f in fields}
        assert sorted(u.name for u in copy.units.all()) == sorted(
            u.name for u in original.units.all()
        )
        assert (copy.village.name if copy.village else None) == (
            original.village.name if original.village else None
        )
        assert (copy.lead_official.name if copy.lead_official else None) == (
            original.lead_official.name if original.lead_official else None
        )
    # The same file into the ledger it came from: every row is already there.
    again = import_file(staff, demo, filename="export.xlsx", content=buf.getvalue())
    assert (again.created, again.duplicates) == (0, 3)


def test_import_pages_map_check_report_and_run(demo, settings):
    from django.urls import reverse

    from tests.conftest import client_for
    from yingji.earlywarning.import_actions import PROGRESS, progress_of

    bad = good(2)
    bad[5] = "十来人"
    upload = io.BytesIO(xlsx([good(1), bad]))
    upload.name = "台账.xlsx"
    client = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF))
    response = client.post(reverse("earlywarning:import"), {"file": upload})
    job_url = response["Location"]
    page = client.get(job_url)
    assert page.context["form"].initial["summary"] == "4"  # 事由 is column E
    mapping = {k: v for k, v in page.context["form"].initial.items()}
    response = client.post(job_url, {"action": "check", **mapping})
    assert response.status_code == 302
    page = client.get(job_url)
    assert [(p["row"], p["column"]) for p in page.context["problems"]] == [(3, "F（涉及人数）")]
    html = page.content.decode()
    assert "1 行有错误，未写入任何数据。" in html and "“十来人”不是整数人数。" in html
    client.post(job_url, {"action": "run"})
    assert Warning.objects.count() == 0
    client.post(job_url, {"action": "run", "skip_bad": "1"})
    page = client.get(job_url)
    assert page.context["job"].state == "done" and Warning.objects.count() == 1
    assert "因错误跳过的行： 3" in page.content.decode()
    job = page.context["job"]
    PROGRESS[job.pk] = (250, 1000)
    assert progress_of(job) == (250, 1000)
    bar = client.get(reverse("earlywarning:import_progress", args=[job.pk])).content.decode()
    assert 'value="250"' in bar and "已处理 250 / 1000 行" in bar
    PROGRESS.pop(job.pk)
    assert progress_of(job) == (2, 2)


def test_cli_exports_and_imports(demo, other, tmp_path, capsys):
    from django.core.management import CommandError, call_command

    register(demo)
    path = tmp_path / "ledger.xlsx"
    call_command("ledger", "export", str(path), "--township", "demo")
    assert capsys.readouterr().out == f"{path}: 1 warning\n"
    call_command("ledger", "import", str(path), "--township", "other")
    assert "1 imported, 0 already in the ledger" in capsys.readouterr().out
    assert Warning.objects.filter(township=other).count() == 1
    bad = tmp_path / "bad.xlsx"
    row = good(1)
    row[5] = "十来人"
    bad.write_bytes(xlsx([row]))
    with pytest.raises(CommandError):
        call_command("ledger", "import", str(bad), "--township", "other")
    assert "第2行 F（涉及人数）: “十来人”不是整数人数。" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_large_files_run_in_the_background_with_progress(demo, monkeypatch):
    import time

    from django.urls import reverse

    from tests.conftest import client_for
    from yingji.earlywarning import views_io
    from yingji.earlywarning.import_actions import PROGRESS

    monkeypatch.setattr(views_io, "INLINE_ROWS", 2)
    upload = io.BytesIO(xlsx([good(i, f"第{i}条") for i in range(1, 6)]))
    upload.name = "big.xlsx"
    client = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF))
    job_url = client.post(reverse("earlywarning:import"), {"file": upload})["Location"]
    job = client.get(job_url).context["job"]

    def wait():
        for _ in range(100):
            if job.pk not in PROGRESS:
                return
            time.sleep(0.05)
        raise AssertionError("the import thread did not finish")

    mapping = client.get(job_url).context["form"].initial
    client.post(job_url, {"action": "check", **mapping})
    wait()
    client.post(job_url, {"action": "run"})
    wait()
    job.refresh_from_db()
    assert (job.state, job.created, job.processed) == ("done", 5, 5)
    assert Warning.objects.filter(township=demo).count() == 5


def test_overlong_cells_and_times_before_registration_are_faults(demo):
    row = good(1)
    row[3] = "地" * 201
    row[13] = "2026-10-01 10:00"  # 化解时间 before 登记时间 2026-10-08
    job = import_file(staff_of(demo), demo, filename="x.xlsx", content=xlsx([row]))
    assert [(p["column"], p["message"]) for p in job.problems] == [
        ("D（地点）", "最多 200 个字（此单元格 201 个）。"),
        ("N（化解时间）", "此时间早于登记时间。"),
    ]
    assert Warning.objects.count() == 0
